/**
 * A minimal DER reader: just enough ASN.1 to read a certificate's signature algorithm and the
 * certificates of a PKCS#7 (.p7b) bundle, without re-encoding anything (the bytes stay the originals).
 */
export interface DerNode {
  /** Identifier octet (class, constructed bit and tag number for low tags). */
  tag: number;
  /** Offset of the identifier octet in the buffer. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Reads the TLV at `offset` (definite lengths only, as DER requires). */
export function readNode(buf: Uint8Array, offset: number, limit = buf.length): DerNode {
  if (offset + 2 > limit) throw new DerError('truncated ASN.1 element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let pos = offset + 1;
  let len = buf[pos++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('indefinite or oversized ASN.1 length');
    if (pos + n > limit) throw new DerError('truncated ASN.1 length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++]!;
  }
  const end = pos + len;
  if (end > limit) throw new DerError('ASN.1 element runs past its container');
  return { tag, start: offset, contentStart: pos, end };
}

/** The children of a constructed node. */
export function children(buf: Uint8Array, node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let pos = node.contentStart;
  while (pos < node.end) {
    const child = readNode(buf, pos, node.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER node. */
export function oidOf(buf: Uint8Array, node: DerNode): string {
  if (node.tag !== 0x06) throw new DerError('expected an OBJECT IDENTIFIER');
  const parts: number[] = [];
  let value = 0;
  for (let i = node.contentStart; i < node.end; i++) {
    const b = buf[i]!;
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
};

/** Name (or dotted OID when unknown) of the outer signatureAlgorithm of a DER certificate. */
export function certificateSignatureAlgorithm(der: Uint8Array): string {
  const cert = readNode(der, 0);
  const [, sigAlg] = children(der, cert);
  if (!sigAlg) throw new DerError('certificate has no signatureAlgorithm');
  const [oidNode] = children(der, sigAlg);
  if (!oidNode) throw new DerError('empty signatureAlgorithm');
  const oid = oidOf(der, oidNode);
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/**
 * The certificates of a DER PKCS#7 SignedData (a .p7b / "certs-only" bundle), in order,
 * as slices of the original bytes. Returns null when `der` is not a PKCS#7 SignedData.
 */
export function pkcs7Certificates(der: Uint8Array): Uint8Array[] | null {
  try {
    const ci = readNode(der, 0);
    if (ci.tag !== 0x30 || ci.end !== der.length) return null;
    const [typeNode, explicit] = children(der, ci);
    if (!typeNode || typeNode.tag !== 0x06 || oidOf(der, typeNode) !== OID_SIGNED_DATA || !explicit) return null;
    const [signedData] = children(der, explicit);
    if (!signedData) return null;
    const certsNode = children(der, signedData).find((n) => n.tag === 0xa0);
    if (!certsNode) return [];
    return children(der, certsNode)
      .filter((n) => n.tag === 0x30)
      .map((n) => der.subarray(n.start, n.end));
  } catch {
    return null;
  }
}
