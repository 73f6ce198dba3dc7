import { setMaxListeners } from 'node:events';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExitCode, UsageError } from './errors';
import { readProcessStdin, type CliIO } from './io';
import { COMMANDS } from './commands/registry';
// The package's version (esbuild inlines only this field of package.json into the bundle).
import { version as VERSION } from '../../package.json';
import { printable } from '../core/text/printable';

export function usage(): string {
  const lines = ['Usage: oli <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  lines.push('', 'Run `oli <command> --help` for its options. Exit codes: 0 ok, 1 a problem found, 2 usage or connection error.');
  return lines.join('\n');
}

/** A command's code could not be loaded (an incomplete build or install). */
export class CommandLoadError extends Error {
  override readonly name = 'CommandLoadError';
  readonly exitCode = ExitCode.usage;
  readonly reason = 'load-failed';
  constructor(command: string, cause: unknown) {
    super(`cannot load the '${command}' command (${(cause as Error)?.message?.split('\n')[0] ?? String(cause)}). The installation is incomplete: rebuild with 'npm run build' or reinstall.`);
  }
}

/**
 * `--users -1` reads, for node:util's parser, as an option followed by another option ("argument is
 * ambiguous"). A value that is a negative number is joined to its option (`--users=-1`) so that the
 * command's own validation says what is allowed.
 */
export function joinNegativeValues(args: string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name && !name.includes('=') && options[name]?.type === 'string' && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Runs the CLI with the given argv (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage() + '\n');
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(VERSION + '\n');
    return ExitCode.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`oli: unknown command '${name}'. Run 'oli --help' for the list.\n`);
    return ExitCode.usage;
  }
  try {
    // Loaded only now: each command brings its own dependencies (see commands/registry.ts).
    const command = await entry.load().catch((err: unknown) => {
      throw new CommandLoadError(name, err);
    });
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(command.help + '\n');
      return ExitCode.ok;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: joinNegativeValues(rest, command.options), options: command.options as ParseArgsConfig['options'], allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError(`${printable((err as Error).message.split('\n')[0] ?? '')}. Run 'oli ${name} --help'.`);
    }
    return await command.run(parsed.values as Record<string, unknown>, parsed.positionals, io);
  } catch (err) {
    return reportError(err, io);
  }
}

/** Turns any error into one line on stderr; only unexpected errors (bugs) get a stack, and only with OLI_DEBUG=1. */
export function reportError(err: unknown, io: CliIO): number {
  const e = err as { name?: string; message?: string; exitCode?: number; stack?: string; userMessage?: () => string };
  const message = typeof e?.userMessage === 'function' ? e.userMessage() : (e?.message ?? String(err));
  // One line, whatever it quotes (a pod's error text, a file name, a learner value): escaped, never interpreted.
  io.stderr(`oli: ${printable(message)}\n`);
  if (io.env.OLI_DEBUG === '1' && e?.stack) io.stderr(e.stack + '\n');
  return typeof e?.exitCode === 'number' ? e.exitCode : ExitCode.usage;
}

if (require.main === module) {
  const controller = new AbortController();
  // One signal is shared by every request of a command (a status sends a dozen at once).
  setMaxListeners(0, controller.signal);
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error('cancelled by the user (Ctrl+C)'));
  });
  const io: CliIO = {
    stdout: (t) => void process.stdout.write(t),
    stdoutBytes: (b) => void process.stdout.write(b),
    stderr: (t) => void process.stderr.write(t),
    readStdin: readProcessStdin,
    stdinStream: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportError(err, io);
    },
  );
}
