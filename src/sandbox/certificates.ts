import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

/**
 * Certificates of the provider's side (the Coursera simulator, the tests): an RSA 2048 key pair and
 * a self-signed X.509 certificate with exactly the validity asked for (an expired one, one that
 * expires in ten days...). The sandbox's own code, with node:crypto and a few lines of DER: it never
 * uses the product's certificate helpers (nor a library the product uses for them).
 */
export interface ProviderCertificate {
  certificatePem: string;
  privateKeyPem: string;
  notBefore: string;
  notAfter: string;
  /** base64url SHA-1 of the DER: the `x5t` of tokens signed with the key. */
  x5t: string;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One DER element: tag, length, content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const arc of rest) {
    const bytes = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime before 2050, GeneralizedTime from then (RFC 5280 4.1.2.5). */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return new Date(ms).getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2), 'ascii')) : der(0x18, Buffer.from(iso, 'ascii'));
}

const SHA256_WITH_RSA = der(0x30, oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

export function providerCertificate(commonName: string, notBeforeMs: number, notAfterMs: number): ProviderCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = der(0x30, der(0x31, der(0x30, oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));
  const serial = Buffer.concat([Buffer.from([0x02]), randomBytes(8)]);
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([0x02]))), // version 3
    der(0x02, serial),
    SHA256_WITH_RSA,
    name,
    der(0x30, time(notBeforeMs), time(notAfterMs)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der(0x30, tbs, SHA256_WITH_RSA, der(0x03, Buffer.from([0x00]), signature));
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
  const x = new X509Certificate(certificatePem);
  return {
    certificatePem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    x5t: createHash('sha1').update(x.raw).digest('base64url'),
  };
}
