import { Readable } from 'node:stream';
import { runCli } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/io';
import { readStreamCapped } from '../../../src/core/io/readCapped';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The stdin side of a CliIO fed with `data` (bytes, never decoded), capped as the real one is. */
export function stdinFrom(data: string | Buffer = ''): Pick<CliIO, 'readStdin' | 'stdinStream'> {
  const stream = () => Readable.from([Buffer.from(data)]);
  return { readStdin: (maxBytes) => readStreamCapped(stream(), maxBytes, 'Standard input'), stdinStream: stream };
}

/** Runs `oli` in-process with captured output, as the tests need it. */
export async function runOli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string | Buffer; signal?: AbortSignal } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    ...stdinFrom(o.stdin),
    env: o.env ?? {},
    cwd: o.cwd ?? process.cwd(),
    signal: o.signal ?? new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
