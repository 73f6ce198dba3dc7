// Practice mode on the local sandbox: which steps can be practised, and the gate every practice
// action passes before it touches anything. No `vscode` import (unit-tested against real servers).
//
// A practice action performs, through the sandbox's test-only hooks, what an administrator does in
// Oracle's pages. It must never reach any other environment, so it runs only when BOTH hold:
//   - the environment's origin is loopback and is the origin of the sandbox this extension started
//     (the record kept in workspace state: environment, URL, process id);
//   - that origin answers GET /__sandbox/info with `emulator: true` and the recorded process id.
import { z } from 'zod';
import type { PlanFile } from '../core/plan/planFile';
import type { StepDefinition } from '../core/plan/types';
import type { StepId } from '../core/plan/stepIds';

/** The section of the sandbox's description page for an Oracle menu path ("Open in Oracle" on the sandbox). */
export { pageAnchor } from '../sandbox/pageAnchor';

/** The steps whose administrator side a practice action can simulate (see src/sandbox/practice.ts). */
export function practicableSteps(plan: PlanFile, steps: readonly StepDefinition[]): StepId[] {
  const ids = new Set(steps.map((s) => s.id));
  const out: StepId[] = [];
  const add = (id: StepId, when = true) => {
    if (when && ids.has(id)) out.push(id);
  };
  add('provider-account');
  add('sso');
  add('self-paced-learning');
  add('job-role');
  add('external-provider');
  add('api-authentication', plan.auth === 'jwt' && !!plan.jwt);
  add('scheduled-processes');
  add('reconcile-user-groups', plan.visibility === 'private');
  return out;
}

/** The sandbox this extension started, as remembered in workspace state. */
export interface LocalSandboxRecord {
  environment: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  startedAt: string;
}

export const localSandboxRecordSchema = z.object({
  environment: z.string().min(1),
  url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+$/),
  port: z.number().int().min(1).max(65535),
  pid: z.number().int().positive(),
  startedAt: z.string(),
});

/** What the gate requires of GET /__sandbox/info (other fields are ignored). */
export const sandboxInfoAnswerSchema = z.looseObject({ emulator: z.literal(true), pid: z.number().int() });

export function isLoopbackUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) && (/^127\.\d+\.\d+\.\d+$/.test(u.hostname) || u.hostname === 'localhost' || u.hostname === '[::1]');
  } catch {
    return false;
  }
}

export type PracticeRefusal = 'no-local-sandbox' | 'other-environment' | 'not-loopback' | 'other-origin' | 'unreachable' | 'not-an-emulator' | 'other-process';

export class PracticeRefusedError extends Error {
  override readonly name = 'PracticeRefusedError';
  constructor(
    readonly reason: PracticeRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The environment-side half of the gate (no request): its name and origin are the recorded sandbox's. */
export function practiceOrigin(environment: string, environmentUrl: string, record: LocalSandboxRecord | undefined): string {
  const refuse = (reason: PracticeRefusal, why: string) =>
    new PracticeRefusedError(reason, `Practice actions simulate the Oracle UI on the local sandbox only: ${why}`);
  if (!record) throw refuse('no-local-sandbox', 'this window has not started a local sandbox ("Start Local Sandbox").');
  if (environment !== record.environment) throw refuse('other-environment', `"${environment}" is not the local sandbox environment ("${record.environment}").`);
  if (!isLoopbackUrl(environmentUrl)) throw refuse('not-loopback', `"${environment}" does not point to this machine (${environmentUrl}).`);
  let origin: string;
  try {
    origin = new URL(environmentUrl).origin;
  } catch {
    throw refuse('not-loopback', `"${environment}" has no valid URL.`);
  }
  if (origin !== new URL(record.url).origin) throw refuse('other-origin', `"${environment}" points to ${origin}, not to the sandbox this window started (${record.url}).`);
  return origin;
}

/**
 * The whole gate: the origin check, then the pod's own answer. Returns the origin to send the
 * practice hooks to; throws PracticeRefusedError otherwise (nothing was changed).
 */
export async function verifyPracticeTarget(o: {
  environment: string;
  environmentUrl: string;
  record: LocalSandboxRecord | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
}): Promise<string> {
  const origin = practiceOrigin(o.environment, o.environmentUrl, o.record);
  const refuse = (reason: PracticeRefusal, why: string) => new PracticeRefusedError(reason, `Practice actions simulate the Oracle UI on the local sandbox only: ${why}`);
  let body: unknown;
  try {
    const signals = [AbortSignal.timeout(o.timeoutMs ?? 3000), ...(o.signal ? [o.signal] : [])];
    const res = await fetch(`${origin}/__sandbox/info`, { signal: AbortSignal.any(signals), redirect: 'error' });
    body = res.ok ? await res.json() : undefined;
  } catch {
    throw refuse('unreachable', `nothing answers at ${origin}: the local sandbox is not running. Start it again ("Start Local Sandbox").`);
  }
  const info = sandboxInfoAnswerSchema.safeParse(body);
  if (!info.success) throw refuse('not-an-emulator', `${origin} does not answer as the sandbox emulator (GET /__sandbox/info).`);
  if (info.data.pid !== o.record!.pid) throw refuse('other-process', `${origin} is served by another process than the sandbox this window started. Start the local sandbox again.`);
  return origin;
}

