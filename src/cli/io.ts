import type { Readable } from 'node:stream';
import { readStreamCapped } from '../core/io/readCapped';

/** Output streams of a CLI command; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  /** UTF-8 bytes for standard output, written as they are (large outputs made by worker threads); without it they are decoded for `stdout`. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  stderr: (text: string) => void;
  /**
   * Standard input as bytes (for `-` arguments), never decoded: a DER certificate or a PKCS#12
   * file arrives intact. Refused (CappedReadError 'too-large') as soon as it passes `maxBytes`.
   */
  readStdin: (maxBytes: number) => Promise<Buffer>;
  /** Standard input as a byte stream, for inputs read as they come (NDJSON of any size). */
  stdinStream: () => Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
}

export function readProcessStdin(maxBytes: number): Promise<Buffer> {
  return readStreamCapped(process.stdin, maxBytes, 'Standard input');
}
