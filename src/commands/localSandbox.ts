// The local sandbox's side of the extension, bundled on its own (dist/sandbox.js) and loaded only
// when needed, so the pod emulator (fastify) stays out of the extension's activation path. Two uses:
//   - as a child process (OLI_LOCAL_SANDBOX_PROCESS=1): the sandbox pod itself, started by "Start
//     Local Sandbox", detached so it outlives a window reload (src/views/localSandbox.ts reattaches);
//   - as a module in the extension host: the demo material of a new sandbox plan, and the practice
//     actions ("Do this in the sandbox"), called only after src/views/practice.ts's gate.
// No 'vscode' import here: the commands do the UI.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { startSandbox, type SandboxHandle } from '../sandbox/server';
import { SandboxStartError } from '../sandbox/errors';
import { practise, type PracticeOutcome, type PracticeStep } from '../sandbox/practice';
import { selfSignedRsa } from '../core/plan/oracleJwt';
import { loadKit } from '../core/plan/verificationKit';
import { findProfile } from '../core/plan/profiles';
import type { PlanFile } from '../core/plan/planFile';
import { isAbsolute, join } from 'node:path';

export const LOCAL_SANDBOX_PROCESS_ENV = 'OLI_LOCAL_SANDBOX_PROCESS';

/** What the extension sends the child process (over IPC, so the password is never on a command line). */
export const sandboxProcessConfigSchema = z.object({
  type: z.literal('start'),
  /** Ports to try in order; 0 = any free port. */
  ports: z.array(z.number().int().min(0).max(65535)).min(1),
  adminPassword: z.string().min(12),
  statePath: z.string().min(1),
  /** The extension touches this file while a window uses the sandbox; the sandbox stops when it goes stale. */
  heartbeatPath: z.string().min(1),
  idleMs: z.number().int().min(1000),
  users: z.number().int().min(0).max(200_000).default(200),
  essStepMs: z.number().int().min(0).default(300),
});
export type SandboxProcessConfig = z.input<typeof sandboxProcessConfigSchema>;

export type SandboxProcessMessage =
  | { type: 'ready'; url: string; port: number; pid: number; adminUser: string }
  | { type: 'error'; reason: string; message: string };

/** The child process: starts the pod on the first free port of the list, reports, then serves until stopped or idle. */
export function runSandboxProcess(): void {
  const send = (m: SandboxProcessMessage) => process.send?.(m);
  process.once('message', (raw: unknown) => {
    void (async () => {
      const parsed = sandboxProcessConfigSchema.safeParse(raw);
      if (!parsed.success) {
        send({ type: 'error', reason: 'config', message: `Invalid sandbox process configuration: ${parsed.error.issues[0]?.message ?? 'unknown'}.` });
        process.exit(2);
      }
      const cfg = parsed.data;
      let handle: SandboxHandle | undefined;
      for (const port of cfg.ports) {
        try {
          handle = await startSandbox({ port, users: cfg.users, essStepMs: cfg.essStepMs, adminPassword: cfg.adminPassword, statePath: cfg.statePath });
          break;
        } catch (err) {
          if (err instanceof SandboxStartError && err.reason === 'port-in-use') continue;
          send({ type: 'error', reason: err instanceof SandboxStartError ? err.reason : 'start', message: err instanceof Error ? err.message : String(err) });
          process.exit(1);
        }
      }
      if (!handle) {
        send({ type: 'error', reason: 'port-in-use', message: `Ports ${cfg.ports.join(', ')} on 127.0.0.1 are all in use.` });
        process.exit(1);
      }
      const h = handle;
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void h.close().finally(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      // No window has touched the heartbeat for idleMs (VS Code was closed): stop, saving the state.
      const every = Math.min(30_000, Math.max(250, Math.floor(cfg.idleMs / 4)));
      setInterval(() => {
        let last = 0;
        try {
          last = statSync(cfg.heartbeatPath).mtimeMs;
        } catch {
          /* gone: treat as stale */
        }
        if (Date.now() - last > cfg.idleMs) stop();
      }, every).unref();
      send({ type: 'ready', url: h.url, port: h.port, pid: process.pid, adminUser: h.admin.userName });
    })();
  });
}

if (process.env[LOCAL_SANDBOX_PROCESS_ENV] === '1' && typeof process.send === 'function') runSandboxProcess();

export interface SandboxDemoMaterial {
  /** Public certificate of a demo provider issuer (the private key is discarded). */
  demoCertificatePem: string;
  demoIssuer: string;
  /** A few learner work emails of the seeded tenant (for the learner identity step). */
  learnerEmails: string[];
}

/** What a new sandbox plan names: a provider certificate and a learner list taken from the pod. */
export async function sandboxDemoMaterial(url: string, admin: { userName: string; password: string }): Promise<SandboxDemoMaterial> {
  const { certificatePem } = selfSignedRsa('Demo provider issuer (local sandbox)', 365);
  const auth = 'Basic ' + Buffer.from(`${admin.userName}:${admin.password}`).toString('base64');
  const res = await fetch(`${url}/hcmRestApi/scim/Users?count=12&attributes=userName,emails,active`, { headers: { authorization: auth } });
  if (!res.ok) throw new Error(`The local sandbox answered ${res.status} when asked for a few learners.`);
  const body = (await res.json()) as { Resources?: { userName?: string; active?: boolean; emails?: { value?: string; primary?: boolean }[] }[] };
  const learnerEmails = (body.Resources ?? [])
    .filter((u) => u.userName !== admin.userName && u.active !== false)
    .map((u) => u.emails?.find((e) => e.primary)?.value)
    .filter((e): e is string => !!e)
    .slice(0, 8);
  return { demoCertificatePem: certificatePem, demoIssuer: 'https://provider.sandbox.invalid/oracle-learning', learnerEmails };
}

/**
 * "Do this in the sandbox": what the administrator does in Oracle's pages for `step`, through the
 * sandbox's hooks at `origin`. The caller has verified `origin` (src/views/practice.ts).
 */
export async function practiseStep(o: { origin: string; step: PracticeStep; plan: PlanFile; planDir: string; environment: string }): Promise<PracticeOutcome> {
  const { plan } = o;
  let jwt: { issuer: string; certificatePem: string } | undefined;
  if (plan.auth === 'jwt' && plan.jwt && o.step === 'api-authentication') {
    const path = isAbsolute(plan.jwt.certificate) ? plan.jwt.certificate : join(o.planDir, plan.jwt.certificate);
    jwt = { issuer: plan.jwt.issuer, certificatePem: await readFile(path, 'utf8') };
  }
  const kit = o.step === 'api-authentication' ? await loadKit(o.planDir, o.environment) : undefined;
  return practise(o.origin, o.step, {
    providerName: findProfile(plan.provider).oracleProviderName,
    jobRole: { name: plan.jobRole.name, displayName: plan.jobRole.displayName ?? plan.jobRole.name },
    integrationUser: plan.integrationUser.userName,
    catalogProfile: plan.catalogProfile,
    visibility: plan.visibility,
    learnerIdentifier: plan.learnerIdentifier,
    ...(jwt ? { jwt } : {}),
    ...(kit ? { verification: { issuer: kit.issuer, alias: kit.alias, certificatePem: kit.certificatePem } } : {}),
  });
}
