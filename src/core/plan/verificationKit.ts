import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { STATE_DIR } from './stateStore';
import { selfSignedRsa, x5tOf } from './oracleJwt';

/**
 * The api-authentication verification kit: a temporary key pair and self-signed certificate the
 * admin registers under a test issuer. A JWT signed with it as the integration user, accepted by
 * an endpoint the Learning Content Provider duty grants, proves user + role + API Authentication.
 *
 * The public half (issuer, alias, certificate) sits in `<env>.verification.json`; the private key
 * in `<env>.verification-key.pem` (mode 0600), never in the state file, a report or a log. It can
 * only sign as the integration user under the test issuer: remove that issuer from API
 * Authentication (and delete the kit) once verified.
 */
const kitSchema = z.lazy(() => z.strictObject({
  issuer: z.string(),
  alias: z.string(),
  certificatePem: z.string(),
  x5t: z.string(),
  createdAt: z.string(),
}));
export type VerificationKit = z.infer<typeof kitSchema>;

export function kitPaths(planDir: string, environment: string): { kit: string; key: string } {
  return { kit: join(planDir, STATE_DIR, `${environment}.verification.json`), key: join(planDir, STATE_DIR, `${environment}.verification-key.pem`) };
}

export async function loadKit(planDir: string, environment: string): Promise<(VerificationKit & { privateKeyPem: string }) | undefined> {
  const paths = kitPaths(planDir, environment);
  try {
    const kit = kitSchema.parse(JSON.parse(await readFile(paths.kit, 'utf8')));
    const privateKeyPem = await readFile(paths.key, 'utf8');
    return { ...kit, privateKeyPem };
  } catch {
    return undefined;
  }
}

export async function createKit(planDir: string, environment: string): Promise<VerificationKit> {
  const suffix = randomBytes(4).toString('hex');
  const pair = selfSignedRsa(`oli-verify-${environment}-${suffix}`, 7);
  const kit: VerificationKit = {
    issuer: `oli-verify-${environment}-${suffix}`,
    alias: `OLI_VERIFY_${suffix.toUpperCase()}`,
    certificatePem: pair.certificatePem,
    x5t: x5tOf(pair.certificatePem),
    createdAt: new Date().toISOString(),
  };
  const paths = kitPaths(planDir, environment);
  await mkdir(join(planDir, STATE_DIR), { recursive: true });
  // The key must never be committed with the plan: keep it out of git even when the folder is not.
  await writeFile(join(planDir, STATE_DIR, '.gitignore'), '# Written by Oracle Learning Integrations: private keys of verification kits\n*.verification-key.pem\n', { encoding: 'utf8', flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await writeFile(paths.key, pair.privateKeyPem, { encoding: 'utf8', mode: 0o600 });
  await chmod(paths.key, 0o600);
  await writeFile(paths.kit, JSON.stringify(kit, null, 2) + '\n', 'utf8');
  return kit;
}
