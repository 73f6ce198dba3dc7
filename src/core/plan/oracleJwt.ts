import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { SignJWT } from 'jose';
import forge from 'node-forge';

/** base64url SHA-1 of the DER certificate: the `x5t` Oracle's API Authentication selects a certificate by. */
export function x5tOf(certificatePem: string): string {
  const der = new X509Certificate(certificatePem).raw;
  return createHash('sha1').update(der).digest('base64url');
}

export interface SelfSignedPair {
  privateKeyPem: string;
  certificatePem: string;
}

/** An RSA 2048 key pair and a self-signed certificate (for the verification kit, the demo and tests). */
export function selfSignedRsa(commonName: string, days = 30, now = new Date()): SelfSignedPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

/**
 * Signs a JWT in the shape Oracle's Security Console API Authentication accepts:
 * header {alg: RS256, typ: JWT, x5t}, claims iss, prn and sub (the user name), iat, exp.
 */
export async function signOracleJwt(input: { privateKeyPem: string; certificatePem: string; issuer: string; userName: string; lifetimeSeconds?: number; now?: Date }): Promise<string> {
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ prn: input.userName })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: x5tOf(input.certificatePem) })
    .setIssuer(input.issuer)
    .setSubject(input.userName)
    .setIssuedAt(now)
    .setExpirationTime(now + (input.lifetimeSeconds ?? 300))
    .sign(createPrivateKey(input.privateKeyPem));
}
