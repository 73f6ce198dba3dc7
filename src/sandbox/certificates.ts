import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/**
 * Certificates of the provider's side (the Coursera simulator, the tests): an RSA 2048 key pair and
 * a self-signed certificate with exactly the validity asked for (an expired one, one that expires
 * in ten days...). The sandbox's own code: it never uses the product's certificate helpers.
 */
export interface ProviderCertificate {
  certificatePem: string;
  privateKeyPem: string;
  notBefore: string;
  notAfter: string;
  /** base64url SHA-1 of the DER: the `x5t` of tokens signed with the key. */
  x5t: string;
}

export function providerCertificate(commonName: string, notBeforeMs: number, notAfterMs: number): ProviderCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '02' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(notBeforeMs);
  cert.validity.notAfter = new Date(notAfterMs);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert);
  const x = new X509Certificate(certificatePem);
  return {
    certificatePem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    x5t: createHash('sha1').update(x.raw).digest('base64url'),
  };
}
