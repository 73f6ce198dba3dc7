import { createHash } from 'node:crypto';

/** base64url without padding (RFC 7515 section 2). */
export function base64url(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url decoding (RFC 7515 section 2 / RFC 4648 section 5): only the URL-safe alphabet,
 * no padding, no whitespace, and no non-zero trailing bits. Returns null when `s` is not strict base64url.
 */
export function decodeBase64urlStrict(s: string): Buffer | null {
  if (!B64URL.test(s) || s.length % 4 === 1) return null;
  const buf = Buffer.from(s, 'base64url');
  // Canonical form: re-encoding must give the same text (rejects non-zero unused bits).
  if (buf.toString('base64url') !== s) return null;
  return buf;
}

export function digest(alg: 'sha1' | 'sha256', der: Uint8Array): Buffer {
  return createHash(alg).update(der).digest();
}
