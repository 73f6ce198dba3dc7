// The "Start Local Sandbox" payload, bundled on its own (dist/sandbox.js) and loaded only when that
// command runs: the pod emulator (fastify) stays out of the extension's activation path.
// No 'vscode' import here: the command in sandboxCommands.ts does the UI.
import { startSandbox, type SandboxHandle } from '../sandbox/server';
import { selfSignedRsa } from '../core/plan/oracleJwt';

export interface LocalSandbox {
  handle: SandboxHandle;
  /** Public certificate of a demo provider issuer (the private key is discarded). */
  demoCertificatePem: string;
  demoIssuer: string;
  /** A few learner work emails of the seeded tenant (for "Check Learner Identities"). */
  learnerEmails: string[];
}

export async function startLocalSandbox(o: { users?: number; statePath?: string } = {}): Promise<LocalSandbox> {
  const handle = await startSandbox({ port: 0, users: o.users ?? 200, essStepMs: 300, ...(o.statePath ? { statePath: o.statePath } : {}) });
  try {
    const { certificatePem } = selfSignedRsa('Demo provider issuer (local sandbox)', 365);
    const auth = 'Basic ' + Buffer.from(`${handle.admin.userName}:${handle.admin.password}`).toString('base64');
    const res = await fetch(`${handle.url}/hcmRestApi/scim/Users?count=12&attributes=userName,emails,active`, { headers: { authorization: auth } });
    const body = (await res.json()) as { Resources?: { userName?: string; active?: boolean; emails?: { value?: string; primary?: boolean }[] }[] };
    const learnerEmails = (body.Resources ?? [])
      .filter((u) => u.userName !== handle.admin.userName)
      .map((u) => u.emails?.find((e) => e.primary)?.value)
      .filter((e): e is string => !!e)
      .slice(0, 8);
    return { handle, demoCertificatePem: certificatePem, demoIssuer: 'https://provider.sandbox.invalid/oracle-learning', learnerEmails };
  } catch (err) {
    await handle.close();
    throw err;
  }
}
