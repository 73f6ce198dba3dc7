// The sandbox pod the VS Code suites run against: started in the runner process on 127.0.0.1 with a
// known admin password; its URL and admin credentials reach the extension host and the UI suite as
// OLI_E2E_SANDBOX_* environment variables (test-only; the product never reads them).
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface TestSandbox {
  url: string;
  adminUser: string;
  adminPassword: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

interface SandboxHandle {
  url: string;
  admin: { userName: string; password: string };
  close(): Promise<void>;
}
type StartSandbox = (o: Record<string, unknown>) => Promise<SandboxHandle>;

export async function startTestSandbox(repoRoot: string): Promise<TestSandbox> {
  // Imported by path so this runner does not pull the sandbox into anything else's type graph.
  const mod = (await import(join(repoRoot, 'src/sandbox/server.ts'))) as { startSandbox?: StartSandbox };
  if (typeof mod.startSandbox !== 'function') throw new Error('src/sandbox/server.ts does not export startSandbox; the VS Code suites need the sandbox pod.');
  const adminPassword = `E2e-${randomBytes(9).toString('base64url')}`;
  const sb = await mod.startSandbox({ port: 0, users: 200, adminPassword, essStepMs: 200 });
  // A second pod that refuses Basic (its people sign in through SSO): the sign-in suites use it with OAuth and a JWT.
  const noBasic = await mod.startSandbox({ port: 0, users: 50, adminPassword, essStepMs: 200, basicAuth: false });
  // Its identity domain under another loopback address (127.0.0.2 forwards to it), as a real one is another host: a
  // browser-hosted VS Code opens 127.0.0.1/localhost URLs through its port forwarding, which re-encodes them.
  const port = Number(new URL(noBasic.url).port);
  const forwarder = createServer((socket) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    forwarder.once('error', reject);
    forwarder.listen(0, '127.0.0.2', () => resolve());
  });
  const identityDomain = `http://127.0.0.2:${(forwarder.address() as AddressInfo).port}`;
  return {
    url: sb.url,
    adminUser: sb.admin.userName,
    adminPassword: sb.admin.password,
    env: { OLI_E2E_SANDBOX_URL: sb.url, OLI_E2E_SANDBOX_USER: sb.admin.userName, OLI_E2E_SANDBOX_PASSWORD: sb.admin.password, OLI_E2E_NOBASIC_URL: noBasic.url, OLI_E2E_NOBASIC_IDENTITY_DOMAIN: identityDomain },
    close: async () => {
      forwarder.close();
      await sb.close();
      await noBasic.close();
    },
  };
}
