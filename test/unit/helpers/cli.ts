import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `oli` in-process with captured output, as the tests need it. */
export async function runOli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string; signal?: AbortSignal } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => o.stdin ?? '',
    env: o.env ?? {},
    cwd: o.cwd ?? process.cwd(),
    signal: o.signal ?? new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
