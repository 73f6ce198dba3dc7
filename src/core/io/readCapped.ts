/**
 * Reading a file named by a user or a plan without trusting it: the size cap is enforced while
 * reading (a path to /dev/zero, a FIFO or a file growing under us cannot fill memory or hang), and
 * a file named in the shared plan must be a regular file.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

export type CappedReadFailure = 'not-found' | 'not-a-file' | 'too-large' | 'unreadable';

/** Why a capped read failed; `message` says what, why and what to do. */
export class CappedReadError extends Error {
  override readonly name = 'CappedReadError';
  constructor(
    readonly reason: CappedReadFailure,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface CappedReadOptions {
  /** What the file is, for messages ("The certificate file certs/x.cer"). */
  what: string;
  /** Refuse anything but a regular file (devices, FIFOs, sockets, directories): for paths a shared plan names. */
  regularOnly?: boolean;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

function tooLarge(what: string, limit: number, size?: number): CappedReadError {
  return new CappedReadError(
    'too-large',
    `${what} is ${size !== undefined ? formatBytes(size) : `larger than ${formatBytes(limit)}`}, above the ${formatBytes(limit)} limit; check that this is the right file`,
  );
}

function openFailure(what: string, err: unknown): CappedReadError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CappedReadError('not-found', `${what}: no such file`, code);
  if (code === 'EISDIR') return new CappedReadError('not-a-file', `${what} is a folder, not a file`, code);
  return new CappedReadError('unreadable', `Cannot read ${what}: ${code === 'EACCES' ? 'permission denied' : (code ?? (err as Error).message)}`, code);
}

function kindOf(st: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

type StatLike = Parameters<typeof kindOf>[0] & { size: number };

/** Refuses a folder, a non-regular file when asked, or a regular file already past the limit. */
function checkOpened(st: StatLike, limit: number, o: CappedReadOptions): void {
  if (st.isDirectory()) throw new CappedReadError('not-a-file', `${o.what} is a folder, not a file`);
  if (o.regularOnly && !st.isFile()) throw new CappedReadError('not-a-file', `${o.what} is ${kindOf(st)}, not a regular file: name the file itself`);
  if (st.isFile() && st.size > limit) throw tooLarge(o.what, limit, st.size);
}

/** Collects chunks up to `limit` bytes, refusing the one that passes it. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(
    private readonly limit: number,
    private readonly what: string,
  ) {}
  add(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.limit) throw tooLarge(this.what, this.limit);
    this.chunks.push(chunk);
  }
  result(): Buffer {
    return Buffer.concat(this.chunks, this.total);
  }
}

const READ_SIZE = 64 * 1024;

/** Reads at most `limit` bytes of `path`; more is refused as soon as it is read. */
export async function readFileCapped(path: string, limit: number, o: CappedReadOptions): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw openFailure(o.what, err);
  }
  try {
    checkOpened(await handle.stat(), limit, o);
    const out = new CappedBuffer(limit, o.what);
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return out.result();
      out.add(buf.subarray(0, bytesRead));
    }
  } catch (err) {
    if (err instanceof CappedReadError) throw err;
    throw openFailure(o.what, err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Synchronous `readFileCapped` (for settings read while a client is built). */
export function readFileCappedSync(path: string, limit: number, o: CappedReadOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw openFailure(o.what, err);
  }
  try {
    checkOpened(fstatSync(fd), limit, o);
    const out = new CappedBuffer(limit, o.what);
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return out.result();
      out.add(buf.subarray(0, n));
    }
  } catch (err) {
    if (err instanceof CappedReadError) throw err;
    throw openFailure(o.what, err);
  } finally {
    closeSync(fd);
  }
}

/** Reads a byte stream (e.g. standard input) into one buffer, refusing it as soon as it passes `limit`. */
export async function readStreamCapped(stream: AsyncIterable<Buffer | string>, limit: number, what: string): Promise<Buffer> {
  const out = new CappedBuffer(limit, what);
  try {
    for await (const chunk of stream) out.add(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  } catch (err) {
    (stream as { destroy?: () => void }).destroy?.();
    throw err;
  }
  return out.result();
}
