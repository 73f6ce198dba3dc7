import type { OracleClient, RequestLogEntry } from '../../oracle/client';
import { OracleError } from '../../oracle/errors';
import { findUserByUserName } from '../../oracle/scimUsers';
import type { EnvironmentCredentials } from '../model/credentials';
import { adminAuth, clientFor, describeError, StepContext, type PlannedRequest } from './context';
import { resolveEnvironment, type PlanFile } from './planFile';
import { getProfile, notApplicableReason, type Profile } from './profiles';
import { result, type StepResult } from './result';
import { attestStep, recordResults, saveState, statePath, type EnvironmentState } from './stateStore';
import { isSatisfied, STEP_IDS, type StepId } from './stepIds';
import { BEHAVIOURS } from './steps/registry';
import type { CheckOutcome } from './steps/behaviour';
import type { StepDefinition } from './types';

export interface EngineOptions {
  plan: PlanFile;
  /** Folder of the plan file: relative paths in the plan and the state folder are resolved from it. */
  planDir: string;
  environment: string;
  credentials: EnvironmentCredentials;
  state: EnvironmentState;
  signal?: AbortSignal;
  /** Every request attempt, already redacted. */
  onLog?: (entry: RequestLogEntry) => void;
  onProgress?: (message: string) => void;
  /** Who runs this (for attestations and history). */
  actor?: string;
  /** Save the state file after each operation (default true). */
  persist?: boolean;
  /** Per-attempt request timeout in ms (default 30 s): a pod that does not answer within it counts as a network fault. */
  timeoutMs?: number;
  /** Proxy for environments whose plan entry names none (VS Code passes its http.proxy setting). */
  defaultProxy?: string;
  /** Where it runs, kept in the history entries it writes (a history view tells CLI runs from VS Code's). */
  source?: 'cli' | 'vscode';
}

export interface ApplyOutcome {
  results: StepResult[];
  /** In a dry run: every request the apply would send, redacted. */
  plannedRequests: PlannedRequest[];
  /** What was changed. */
  performed: string[];
}

/** Errors that mean the environment itself is unusable (wrong pod, credentials, TLS), not a step finding. */
const FATAL_REASONS: OracleError['reason'][] = ['auth', 'forbidden', 'tls', 'config', 'network', 'timeout'];
/** Fatal only when no request of the pass got an answer: a pod that answers others is flaky, not unreachable. */
const UNREACHABLE_REASONS: OracleError['reason'][] = ['network', 'timeout'];

export class StepNotApplicableError extends Error {
  override readonly name = 'StepNotApplicableError';
  readonly exitCode = 2;
}

/** The integration plan against one environment: reads live state, applies what Oracle's APIs allow, records attestations. */
export class PlanEngine {
  readonly steps: StepDefinition[];
  readonly profile: Profile;
  private readonly client: OracleClient;
  private requests = 0;
  /** Request attempts that got an HTTP answer (any status). */
  private answered = 0;

  constructor(private readonly options: EngineOptions) {
    this.profile = getProfile(options.plan.provider, options.plan.auth);
    this.steps = this.profile.steps;
    resolveEnvironment(options.plan, options.environment);
    this.client = clientFor(options.plan, options.planDir, options.environment, adminAuth(options.environment, options.credentials), this.clientSettings());
  }

  /** Request attempts sent by this engine (all identities). */
  get requestCount(): number {
    return this.requests;
  }

  get state(): EnvironmentState {
    return this.options.state;
  }

  private clientSettings() {
    return {
      onLog: (e: RequestLogEntry) => {
        this.requests++;
        if (e.status !== undefined) this.answered++;
        this.options.onLog?.(e);
      },
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.defaultProxy ? { defaultProxy: this.options.defaultProxy } : {}),
    };
  }

  private context(dryRun = false): StepContext {
    const o = this.options;
    return new StepContext(o.plan, o.planDir, o.environment, this.profile, this.client, o.credentials, o.state, o.signal, this.clientSettings(), dryRun);
  }

  private async runCheck(ctx: StepContext, id: StepId): Promise<CheckOutcome> {
    const na = notApplicableReason(this.profile.provider, this.profile.auth, id);
    if (na) return { status: 'not-applicable', detail: na, checks: [] };
    try {
      return await BEHAVIOURS[id].check(ctx);
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      return { status: 'unknown', detail: `Could not check: ${describeError(err)}`, checks: [] };
    }
  }

  /** Folds attestations and dependencies into raw check outcomes, in step order. */
  private compose(outcomes: Map<StepId, CheckOutcome>): StepResult[] {
    const out = new Map<StepId, StepResult>();
    for (const def of this.steps) {
      const o = outcomes.get(def.id);
      if (!o) continue;
      const attestation = this.options.state.attestations[def.id];
      let status = o.status;
      let detail = o.detail;
      if (attestation && def.automation === 'guided' && (status === 'needs-action' || status === 'unknown')) {
        if (o.refutesAttestation) detail = `Attested by ${attestation.by} on ${attestation.at.slice(0, 10)}, but the pod says otherwise: ${o.detail}`;
        else {
          // An answer we could not read (e.g. 403: the admin lacks the duty) neither confirms nor contradicts it.
          const unread = o.status === 'unknown' ? o.detail : o.checks.find((c) => c.outcome === 'unknown')?.message;
          status = 'attested';
          detail = `Attested by ${attestation.by} on ${attestation.at.slice(0, 10)}: ${attestation.note}${unread ? ` (not re-checked: ${unread})` : ''}`;
        }
      }
      if (status === 'needs-action') {
        const waiting = def.dependsOn.map((d) => out.get(d)).filter((r): r is StepResult => !!r && !isSatisfied(r.status));
        if (waiting.length && waiting.every((w) => w.status === 'unknown')) {
          // Not known to be waiting: a dependency could not be read (e.g. a network fault), so neither is this step's readiness.
          status = 'unknown';
          detail = `Cannot tell whether it can proceed: ${waiting.map((w) => w.id).join(', ')} could not be checked (${waiting[0]!.detail}). ${o.detail}`;
        } else if (waiting.length) {
          status = 'blocked';
          detail = `Waiting for ${waiting.map((w) => `${w.id} (${w.status})`).join(', ')}. ${o.detail}`;
        }
      }
      const r = result(def.id, status, detail, o.checks, o.evidence);
      if (attestation) r.attestation = attestation;
      out.set(def.id, r);
    }
    return [...out.values()];
  }

  private async checkAll(ctx: StepContext, onStep?: (r: StepResult) => void): Promise<StepResult[]> {
    this.options.onProgress?.(`Checking ${this.steps.length} steps on ${this.options.environment}…`);
    const answeredBefore = this.answered;
    const outcomes = new Map<StepId, CheckOutcome>();
    await Promise.all(
      this.steps.map(async (s) => {
        outcomes.set(s.id, await this.runCheck(ctx, s.id));
      }),
    );
    // The integration-user read (shared, already made) tells whether the pod could be reached at all.
    const probe = await ctx.integrationUser().then(
      () => undefined,
      (err: unknown) => err,
    );
    if (probe instanceof OracleError) {
      // A redirect (to a sign-in page, another host) means the base URL is not the pod's REST root.
      const redirected = probe.status !== undefined && probe.status >= 300 && probe.status < 400;
      const flaky = UNREACHABLE_REASONS.includes(probe.reason) && this.answered > answeredBefore;
      if ((FATAL_REASONS.includes(probe.reason) && !flaky) || redirected) throw probe;
    }
    const results = this.compose(outcomes);
    results.forEach((r) => onStep?.(r));
    return results;
  }

  /** Reads every step's live state: independent checks run in parallel; shared reads are made once. */
  async status(o: { onStep?: (r: StepResult) => void } = {}): Promise<StepResult[]> {
    const before = this.requests;
    const results = await this.checkAll(this.context(), o.onStep);
    recordResults(this.options.state, results, 'status', this.requests - before, this.options.source);
    await this.persist();
    return results;
  }

  /** Applies one step, or every automatic step ('all'), changing only what is missing; a dry run sends no change. */
  async apply(target: StepId | 'all', o: { dryRun?: boolean; onStep?: (r: StepResult) => void } = {}): Promise<ApplyOutcome> {
    const dryRun = o.dryRun ?? false;
    const ctx = this.context(dryRun);
    const before = this.requests;
    const wanted = target === 'all' ? this.steps.filter((s) => s.automation === 'automatic').map((s) => s.id) : [target];
    if (target !== 'all') {
      const na = notApplicableReason(this.profile.provider, this.profile.auth, target);
      if (na) throw new StepNotApplicableError(`${target} does not apply: ${na}`);
      if (!BEHAVIOURS[target].apply) {
        const def = this.steps.find((s) => s.id === target);
        throw new StepNotApplicableError(
          `${target} has nothing to apply: ${def?.automation === 'guided' ? 'Oracle offers no API for it; follow its checklist and attest it.' : 'it is a check only.'}`,
        );
      }
    }
    let results = await this.checkAll(ctx);
    // A failed apply keeps its reason even when a later step's re-check reads the pod again.
    const applyFailures = new Map<StepId, StepResult>();
    const keepFailures = (fresh: StepResult[]) => fresh.map((r) => (applyFailures.has(r.id) && !isSatisfied(r.status) ? applyFailures.get(r.id)! : r));
    for (const id of STEP_IDS) {
      if (!wanted.includes(id)) continue;
      const behaviour = BEHAVIOURS[id];
      const current = results.find((r) => r.id === id);
      if (!behaviour.apply || !current) continue;
      if (current.status === 'done' || current.status === 'not-applicable' || current.status === 'attested') continue;
      const def = this.steps.find((s) => s.id === id);
      const unmet = (def?.dependsOn ?? []).filter((d) => {
        const dep = results.find((r) => r.id === d);
        return !!dep && !isSatisfied(dep.status);
      });
      if (current.status === 'failed' || current.status === 'blocked' || unmet.length) {
        this.options.onProgress?.(`${id}: ${current.status}${unmet.length ? ` (${unmet.join(', ')} not satisfied)` : ''}, not applied. ${current.detail}`);
        continue;
      }
      this.options.onProgress?.(`${dryRun ? 'Planning' : 'Applying'} ${id}…`);
      try {
        await behaviour.apply(ctx);
      } catch (err) {
        if (ctx.signal?.aborted) throw err;
        // A lost connection or an unanswered change leaves the outcome unknown, not failed: the next run re-checks.
        const unsure = err instanceof OracleError && (err.reason === 'network' || err.reason === 'timeout' || err.outcomeUnknown);
        const failed = result(id, unsure ? 'unknown' : 'failed', `Apply failed: ${describeError(err)}`, current.checks);
        applyFailures.set(id, failed);
        results = results.map((r) => (r.id === id ? failed : r));
        continue;
      }
      if (!dryRun) {
        ctx.invalidate();
        results = keepFailures(await this.checkAll(ctx));
      }
    }
    results.forEach((r) => o.onStep?.(r));
    if (!dryRun) {
      const failedApplies = results.filter((r) => r.detail.startsWith('Apply failed'));
      recordResults(this.options.state, results, 'apply', this.requests - before, this.options.source);
      if (failedApplies.length) this.options.state.history.push({ at: new Date().toISOString(), action: 'apply', detail: failedApplies.map((r) => `${r.id}: ${r.detail}`).join(' | ') });
    } else {
      this.options.state.history.push({ at: new Date().toISOString(), action: 'dry-run', requests: this.requests - before, detail: `${ctx.planned.length} planned request(s)` });
    }
    await this.persist();
    return { results, plannedRequests: ctx.planned, performed: ctx.performed };
  }

  /** Records that a person confirmed a guided step, with their evidence note; returns the new status. */
  async attest(step: StepId, note: string): Promise<StepResult> {
    const def = this.steps.find((s) => s.id === step);
    if (!def) throw new StepNotApplicableError(`Unknown step "${step}". Steps: ${STEP_IDS.join(', ')}.`);
    if (def.automation !== 'guided') throw new StepNotApplicableError(`${step} is checked and applied through Oracle's API; it cannot be attested.`);
    const na = notApplicableReason(this.profile.provider, this.profile.auth, step);
    if (na) throw new StepNotApplicableError(`${step} does not apply: ${na}`);
    if (!note.trim()) throw new StepNotApplicableError('An attestation needs a note: what you checked and where (the evidence).');
    attestStep(this.options.state, step, { by: this.options.actor ?? 'unknown', at: new Date().toISOString(), note: note.trim() });
    const results = await this.status();
    return results.find((r) => r.id === step)!;
  }

  private async persist(): Promise<void> {
    if (this.options.persist === false) return;
    await saveState(statePath(this.options.planDir, this.options.environment), this.options.state);
  }
}

/** Tests the administrator credentials of an environment with one cheap authenticated read. */
export async function testConnection(
  plan: PlanFile,
  planDir: string,
  environment: string,
  credentials: EnvironmentCredentials,
  o: { signal?: AbortSignal; onLog?: (e: RequestLogEntry) => void; defaultProxy?: string } = {},
): Promise<{ ok: true; user: string } | { ok: false; error: OracleError | Error }> {
  try {
    const client = clientFor(plan, planDir, environment, adminAuth(environment, credentials), {
      ...(o.onLog ? { onLog: o.onLog } : {}),
      ...(o.defaultProxy ? { defaultProxy: o.defaultProxy } : {}),
    });
    const user = credentials.admin!.username;
    await findUserByUserName(client, user, o.signal ? { signal: o.signal } : {});
    return { ok: true, user };
  } catch (err) {
    return { ok: false, error: err as Error };
  }
}

