import { printable } from '../text/printable';

/**
 * Why an inspection could not even start: the input is not what the inspector reads.
 * (A readable input with findings is not an error: it yields a report with problems or failed checks.)
 */
export type InspectErrorReason =
  | 'too-large'
  | 'empty'
  | 'unreadable'
  | 'not-a-certificate'
  | 'password-required'
  | 'wrong-password'
  | 'unsupported-pkcs12'
  | 'not-a-jwt'
  | 'bad-key'
  | 'bad-option'
  | 'not-json';

/** Typed error of the inspector: `reason` for programs, `message` (what failed, why, what to do) for people. */
export class InspectError extends Error {
  override readonly name = 'InspectError';
  constructor(
    readonly reason: InspectErrorReason,
    message: string,
  ) {
    // Always one line: bytes quoted from a broken input (a newline in a mangled date) are escaped.
    super(oneLine(message));
  }
}

/** Escapes control characters so a message quoting untrusted input stays on one line (the shared rule: core/text/printable). */
export function oneLine(text: string): string {
  return printable(text);
}

/** Largest single document (certificate file, JWT, key, JSON statement file) the inspector reads: 10 MB. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Refuses inputs above `limit` bytes before any parsing. */
export function assertSize(size: number, what: string, limit = MAX_DOCUMENT_BYTES): void {
  if (size > limit) {
    throw new InspectError(
      'too-large',
      `${what} is ${formatBytes(size)}, above the ${formatBytes(limit)} limit for a single document; ` +
        'check that this is the right file (a certificate, key or token is a few kilobytes)',
    );
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
