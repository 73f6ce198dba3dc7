import type { OracleClient, RequestLogEntry, RetryNotice } from '../../oracle/client';
import { OracleError } from '../../oracle/errors';
import { findUserByUserName } from '../../oracle/scimUsers';
import { isRefusal, SignInLedger } from '../../oracle/signIn';
import type { EnvironmentCredentials } from '../model/credentials';
import { adminAuth, clientFor, describeError, StepContext, type PlannedRequest } from './context';
import { resolveEnvironment, type PlanFile } from './planFile';
import { getProfile, notApplicableReason, type Profile } from './profiles';
import { result, type StepResult } from './result';
import { adminRefusalFacts, recordRefusedSignIn, recordSignInSuccess, refusedInARow, SignInRefusedError } from './signIn';
import { attestStep, loadState, recordHistory, recordResults, statePath, updateState, type EnvironmentState, type HistoryExtra } from './stateStore';
import { CallRecorder } from './history';
import * as l10n from '@vscode/l10n';
import { isSatisfied, STEP_IDS, type StepId } from './stepIds';
import type { CheckOutcome, StepBehaviour } from './steps/behaviour';
import { needsJobIdDiscovery, readRecentRequestsFirst } from './steps/schedules';
import type { StepDefinition } from './types';

let behavioursLoading: Promise<Record<StepId, StepBehaviour>> | undefined;

/**
 * The steps' checks and applies, loaded on first use: a status sends its sign-in request first and
 * loads them while that request is in flight (the CLI's bundles keep them in a chunk of their own).
 */
function behaviours(): Promise<Record<StepId, StepBehaviour>> {
  return (behavioursLoading ??= import('./steps/registry').then(
    (m) => m.BEHAVIOURS,
    (err: unknown) => {
      behavioursLoading = undefined;
      throw err;
    },
  ));
}

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
  /**
   * Save each operation's change to the state file (default true), under the file's lock and on top
   * of what is on disk then: attestations and results other commands saved meanwhile are kept.
   */
  persist?: boolean;
  /** Per-attempt request timeout in ms (default 30 s): a pod that does not answer within it counts as a network fault. */
  timeoutMs?: number;
  /** Per-attempt deadline for the connection and the first byte of the answer, in ms (default 10 s). */
  firstByteTimeoutMs?: number;
  /** Told before each retry (the CLI prints a line on stderr, VS Code shows it in the progress). */
  onRetry?: (notice: RetryNotice) => void;
  /**
   * Sign-in gates of stored credentials (the administrator's password, an OAuth client secret) that
   * outlive the engine: VS Code keeps one per window, so a refused credential is not sent again by
   * later commands (a refresh loop) until it is set again. Without it, each operation (status,
   * apply, attest) makes at most one failed sign-in per credential.
   */
  signIns?: SignInLedger;
  /** What to do after a refused sign-in, said after the lockout warning (default: the CLI's environment variables). */
  refusedNextStep?: string;
  /** Proxy for environments whose plan entry names none (VS Code passes its http.proxy setting). */
  defaultProxy?: string;
  /** Hosts reached without the default proxy, as NO_PROXY lists them (VS Code passes its http.noProxy setting). */
  noProxy?: string[];
  /** Where this runs, for the history: the CLI or VS Code. */
  via?: 'cli' | 'vscode';
  /** A certificate expiring within this many days is flagged (default 30). */
  certificateWarningDays?: number;
  /** Clock skew allowed when checking a JWT's exp, nbf and iat, in seconds (default 60). */
  clockToleranceSeconds?: number;
}

export interface ApplyOutcome {
  results: StepResult[];
  /** In a dry run: every request the apply would send, redacted. */
  plannedRequests: PlannedRequest[];
  /** What was changed. */
  performed: string[];
}

/**
 * Sign-in answers that mean the environment itself is unusable (credentials, privileges, TLS,
 * settings, no answer at all), not a step finding: the command stops with exit 2.
 */
const FATAL_REASONS: OracleError['reason'][] = ['auth', 'forbidden', 'tls', 'config', 'network', 'timeout'];

const CLI_REFUSED_NEXT_STEP = 'Check the user name and password (OLI_USERNAME and OLI_PASSWORD) and that the account is active before running it again.';

export class StepNotApplicableError extends Error {
  override readonly name = 'StepNotApplicableError';
  readonly exitCode = 2;
}

/** The integration plan against one environment: reads live state, applies what Oracle's APIs allow, records attestations. */
export class PlanEngine {
  readonly steps: StepDefinition[];
  readonly profile: Profile;
  private readonly client: OracleClient;
  private readonly signIns: SignInLedger;
  private requests = 0;
  /** The requests of this engine, for the history entries of its operations. */
  private readonly recorder = new CallRecorder();
  /** The sign-in of this engine's command (one proving request before any other). */
  private signedIn?: Promise<void>;

  constructor(private readonly options: EngineOptions) {
    this.profile = getProfile(options.plan.provider, options.plan.auth);
    this.steps = this.profile.steps;
    resolveEnvironment(options.plan, options.environment);
    this.signIns = new SignInLedger(options.signIns);
    this.client = clientFor(options.plan, options.planDir, options.environment, adminAuth(options.environment, options.credentials), this.clientSettings());
  }

  /** Request attempts sent by this engine (all identities). */
  get requestCount(): number {
    return this.requests;
  }

  get state(): EnvironmentState {
    return this.options.state;
  }

  /** Client settings; `signIns`: the gates of the operation (default: the engine's, for its administrator client). */
  private clientSettings(signIns: SignInLedger = this.signIns) {
    return {
      onLog: (e: RequestLogEntry) => {
        this.requests++;
        this.recorder.add(e);
        this.options.onLog?.(e);
      },
      signIns,
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: this.options.firstByteTimeoutMs } : {}),
      ...(this.options.onRetry ? { onRetry: this.options.onRetry } : {}),
      ...(this.options.defaultProxy ? { defaultProxy: this.options.defaultProxy } : {}),
      ...(this.options.noProxy?.length ? { noProxy: this.options.noProxy } : {}),
    };
  }

  /** Who ran an operation and from where, with the requests it made since `mark`, for its history entry. */
  private historyExtra(mark: number): HistoryExtra {
    return { ...(this.options.actor ? { by: this.options.actor } : {}), ...(this.options.via ? { via: this.options.via } : {}), ...this.recorder.since(mark) };
  }

  private get statePath(): string {
    return statePath(this.options.planDir, this.options.environment);
  }

  private get owner(): string {
    return `${this.options.actor ?? 'oli'} (process ${process.pid})`;
  }

  /**
   * Sign-in first: one request (a read the checks need anyway: the learner sample, which heads the
   * longest chain of reads, or else the integration user's) proves the administrator's credentials
   * before anything fans out. A refusal stops the command at once
   * with how close a lockout may be; no answer at all, TLS, a redirect or an HTML page instead of
   * Oracle's API stop it too (the base URL or the network is wrong). Other answers (5xx, 429)
   * leave the checks to report; the client's gate keeps them from sending an unproven credential
   * in parallel.
   */
  private signIn(ctx: StepContext): Promise<void> {
    this.signedIn ??= this.doSignIn(ctx);
    return this.signedIn;
  }

  private async doSignIn(ctx: StepContext): Promise<void> {
    const o = this.options;
    const { key, facts } = adminRefusalFacts(o.credentials.admin!, o.environment, resolveEnvironment(o.plan, o.environment).config.url, o.refusedNextStep ?? CLI_REFUSED_NEXT_STEP);
    const earlier = this.client.signIn.refused;
    if (earlier) {
      // Refused by an earlier command of this window: not sent again.
      throw new SignInRefusedError(earlier.error, { ...facts, refusedInARow: Math.max(1, await refusedInARow(o.planDir, o.environment, key)), refusedEarlierAt: earlier.at });
    }
    try {
      // The read that heads the longest chain: the ESS discovery on a first status (its answer
      // tells which requests to read next), else the learner sample, else the integration user.
      const discoveryNeeded = !notApplicableReason(this.profile.provider, this.profile.auth, 'scheduled-processes') && needsJobIdDiscovery(ctx);
      const learnerSampleNeeded = !o.plan.identitySample && !notApplicableReason(this.profile.provider, this.profile.auth, 'learner-identity');
      // A discovery read the pod refuses for want of an ESS role (403) still proves the
      // credentials; one it cannot serve (404, 405) proves nothing, so another read is made.
      const proven = discoveryNeeded
        ? await readRecentRequestsFirst(ctx).then(
            () => true,
            (err: unknown) => {
              if (err instanceof OracleError && !isRefusal(err) && (err.status === 403 || err.status === 404 || err.status === 405)) return err.status === 403;
              throw err;
            },
          )
        : false;
      if (!proven) await (learnerSampleNeeded ? ctx.learnerSample() : ctx.integrationUser());
    } catch (err) {
      if (!(err instanceof OracleError)) throw err;
      if (isRefusal(err)) {
        const count = o.persist === false ? 1 : await recordRefusedSignIn(o.planDir, o.environment, key, this.owner).catch(() => 1);
        throw new SignInRefusedError(err, { ...facts, refusedInARow: count });
      }
      const redirected = err.status !== undefined && err.status >= 300 && err.status < 400;
      // A page instead of Oracle's API (a sign-in page answering 200): the base URL is not the pod's REST root.
      const notThePod = err.reason === 'invalid-response' && err.status !== undefined && err.status < 300 && /HTML page|expected JSON/.test(err.detail ?? '');
      if (FATAL_REASONS.includes(err.reason) || redirected || notThePod) throw err;
      return;
    }
    this.signInAccepted = key;
  }

  /** The administrator's sign-in key once accepted (its failures in a row are cleared with the next save). */
  private signInAccepted?: string;

  /** Reads the state on disk again (another command may have saved since this engine started). */
  private async refreshState(): Promise<void> {
    if (this.options.persist === false) return;
    this.options.state = await loadState(this.statePath, this.options.environment);
  }

  /** Applies `change` to the state in memory and, under the file's lock, to the state on disk. */
  private async persist(change: (s: EnvironmentState) => void): Promise<void> {
    const accepted = this.signInAccepted;
    const withSignIn = (s: EnvironmentState) => {
      change(s);
      if (accepted && s.signIns?.[accepted]) {
        const rest = { ...s.signIns };
        delete rest[accepted];
        if (Object.keys(rest).length) s.signIns = rest;
        else delete s.signIns;
      }
    };
    if (this.options.persist === false) {
      withSignIn(this.options.state);
      return;
    }
    this.options.state = await updateState(this.statePath, this.options.environment, withSignIn, { owner: this.owner });
  }

  /**
   * The context of one operation. Its own sign-in gates for the provider's identities (the OAuth
   * client, a JWT): each operation sends a refused one once at most, and the next operation (after
   * the administrator fixed the setup in Oracle) tries again. Stored credentials follow `signIns`.
   */
  private context(dryRun = false): StepContext {
    const o = this.options;
    const inspection = {
      ...(o.certificateWarningDays !== undefined ? { certificateWarningDays: o.certificateWarningDays } : {}),
      ...(o.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: o.clockToleranceSeconds } : {}),
    };
    return new StepContext(o.plan, o.planDir, o.environment, this.profile, this.client, o.credentials, o.state, o.signal, this.clientSettings(new SignInLedger(o.signIns)), dryRun, inspection);
  }

  private async runCheck(ctx: StepContext, id: StepId): Promise<CheckOutcome> {
    const na = notApplicableReason(this.profile.provider, this.profile.auth, id);
    if (na) return { status: 'not-applicable', detail: na, checks: [] };
    try {
      return await (await behaviours())[id].check(ctx);
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      return { status: 'unknown', detail: l10n.t('Could not check: {0}', describeError(err)), checks: [] };
    }
  }

  /** A step as people read it in a sentence: its title, quoted. */
  private titled(id: StepId): string {
    return `"${this.steps.find((s) => s.id === id)?.title ?? id}"`;
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
        if (o.refutesAttestation) detail = l10n.t('Attested by {0} on {1}, but the pod says otherwise: {2}', attestation.by, attestation.at.slice(0, 10), o.detail);
        else {
          // An answer we could not read (e.g. 403: the admin lacks the duty) neither confirms nor contradicts it.
          const unread = o.status === 'unknown' ? o.detail : o.checks.find((c) => c.outcome === 'unknown')?.message;
          status = 'attested';
          detail = l10n.t('Attested by {0} on {1}: {2}', attestation.by, attestation.at.slice(0, 10), attestation.note) + (unread ? l10n.t(' (not re-checked: {0})', unread) : '');
        }
      }
      if (status === 'needs-action') {
        const waiting = def.dependsOn.map((d) => out.get(d)).filter((r): r is StepResult => !!r && !isSatisfied(r.status));
        if (waiting.length && waiting.every((w) => w.status === 'unknown')) {
          // Not known to be waiting: a dependency could not be read (e.g. a network fault), so neither is this step's readiness.
          status = 'unknown';
          detail = l10n.t('Cannot tell whether it can proceed: {0} could not be checked ({1}). {2}', waiting.map((w) => this.titled(w.id)).join(', '), waiting[0]!.detail, detail);
        } else if (waiting.length) {
          status = 'blocked';
          detail = l10n.t('Waiting for {0}. {1}', waiting.map((w) => `${this.titled(w.id)} (${w.status.replace('-', ' ')})`).join(', '), detail);
        }
      }
      const r = result(def.id, status, detail, o.checks, o.evidence);
      if (attestation) r.attestation = attestation;
      out.set(def.id, r);
    }
    return [...out.values()];
  }

  private async checkAll(ctx: StepContext, onStep?: (r: StepResult) => void): Promise<StepResult[]> {
    this.options.onProgress?.(`Signing in to ${this.options.environment}…`);
    const signedIn = this.signIn(ctx);
    // While the sign-in request is in flight (no other request leaves before it is answered): load
    // the checks and do their local work (files named in the plan, tokens to sign), so that they
    // send their own requests as soon as the answer proves the credentials.
    const prepared = this.prepare(ctx);
    try {
      await signedIn;
    } finally {
      await prepared;
    }
    this.options.onProgress?.(`Checking ${this.steps.length} steps on ${this.options.environment}…`);
    const outcomes = new Map<StepId, CheckOutcome>();
    await Promise.all(
      this.steps.map(async (s) => {
        outcomes.set(s.id, await this.runCheck(ctx, s.id));
      }),
    );
    const results = this.compose(outcomes);
    results.forEach((r) => onStep?.(r));
    return results;
  }

  /** The applicable steps' local work (StepBehaviour.prepare), started after the sign-in request left; never rejects. */
  private async prepare(ctx: StepContext): Promise<void> {
    // Let the sign-in request reach the socket before compiling the checks' code.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const all = await behaviours();
      await Promise.all(
        this.steps
          .filter((s) => !notApplicableReason(this.profile.provider, this.profile.auth, s.id))
          .map((s) => all[s.id].prepare?.(ctx).catch(() => undefined)),
      );
    } catch {
      // The checks load again (and say what failed) when they run.
    }
  }

  /** Reads every step's live state: independent checks run in parallel; shared reads are made once. */
  async status(o: { onStep?: (r: StepResult) => void } = {}): Promise<StepResult[]> {
    await this.refreshState();
    const before = this.requests;
    const mark = this.recorder.mark;
    const results = await this.checkAll(this.context(), o.onStep);
    const requests = this.requests - before;
    await this.persist((s) => recordResults(s, results, 'status', requests, this.historyExtra(mark)));
    return results;
  }

  /** Applies one step, or every automatic step ('all'), changing only what is missing; a dry run sends no change. */
  async apply(target: StepId | 'all', o: { dryRun?: boolean; onStep?: (r: StepResult) => void } = {}): Promise<ApplyOutcome> {
    const dryRun = o.dryRun ?? false;
    await this.refreshState();
    const ctx = this.context(dryRun);
    const before = this.requests;
    const mark = this.recorder.mark;
    const wanted = target === 'all' ? this.steps.filter((s) => s.automation === 'automatic').map((s) => s.id) : [target];
    if (target !== 'all') {
      const na = notApplicableReason(this.profile.provider, this.profile.auth, target);
      if (na) throw new StepNotApplicableError(`${target} does not apply: ${na}`);
      if (!(await behaviours())[target].apply) {
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
    const all = await behaviours();
    for (const id of STEP_IDS) {
      if (!wanted.includes(id)) continue;
      const behaviour = all[id];
      const current = results.find((r) => r.id === id);
      if (!behaviour.apply || !current) continue;
      if (current.status === 'done' || current.status === 'not-applicable' || current.status === 'attested') continue;
      const def = this.steps.find((s) => s.id === id);
      const unmet = (def?.dependsOn ?? []).filter((d) => {
        const dep = results.find((r) => r.id === d);
        return !!dep && !isSatisfied(dep.status);
      });
      if (current.status === 'failed' || current.status === 'blocked' || unmet.length) {
        this.options.onProgress?.(`${this.titled(id)}: ${current.status.replace('-', ' ')}${unmet.length ? ` (${unmet.map((d) => this.titled(d)).join(', ')} not satisfied)` : ''}, not applied. ${current.detail}`);
        continue;
      }
      this.options.onProgress?.(`${dryRun ? 'Planning' : 'Applying'} ${this.titled(id)}…`);
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
    const requests = this.requests - before;
    if (!dryRun) {
      const failedApplies = results.filter((r) => r.detail.startsWith('Apply failed'));
      const x = this.historyExtra(mark);
      await this.persist((s) => {
        recordResults(s, results, 'apply', requests, x);
        if (failedApplies.length) recordHistory(s, { action: 'apply', detail: failedApplies.map((r) => `${r.id}: ${r.detail}`).join(' | ') }, { by: x.by, via: x.via });
      });
    } else {
      const x = this.historyExtra(mark);
      await this.persist((s) => recordHistory(s, { action: 'dry-run', requests, detail: `${ctx.planned.length} planned request(s)` }, x));
    }
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
    const attestation = { by: this.options.actor ?? 'unknown', at: new Date().toISOString(), note: note.trim() };
    // Saved at once: the attestation stands even if the re-check below cannot reach the pod.
    await this.persist((s) => attestStep(s, step, attestation, this.options.via ? { via: this.options.via } : {}));
    const results = await this.status();
    return results.find((r) => r.id === step)!;
  }
}

/**
 * Tests the administrator credentials of an environment with one cheap authenticated read. A
 * refusal is recorded (failures in a row, for the lockout warning) and comes back as a
 * SignInRefusedError; a credential already refused in `signIns` is not sent again.
 */
export async function testConnection(
  plan: PlanFile,
  planDir: string,
  environment: string,
  credentials: EnvironmentCredentials,
  o: {
    signal?: AbortSignal;
    onLog?: (e: RequestLogEntry) => void;
    onRetry?: (notice: RetryNotice) => void;
    defaultProxy?: string;
    noProxy?: string[];
    timeoutMs?: number;
    firstByteTimeoutMs?: number;
    signIns?: SignInLedger;
    refusedNextStep?: string;
    actor?: string;
  } = {},
): Promise<{ ok: true; user: string } | { ok: false; error: OracleError | Error }> {
  try {
    const auth = adminAuth(environment, credentials);
    const client = clientFor(plan, planDir, environment, auth, {
      ...(o.onLog ? { onLog: o.onLog } : {}),
      ...(o.onRetry ? { onRetry: o.onRetry } : {}),
      ...(o.defaultProxy ? { defaultProxy: o.defaultProxy } : {}),
      ...(o.noProxy?.length ? { noProxy: o.noProxy } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: o.firstByteTimeoutMs } : {}),
      ...(o.signIns ? { signIns: o.signIns } : {}),
    });
    const user = credentials.admin!.username;
    const { key, facts } = adminRefusalFacts(credentials.admin!, environment, resolveEnvironment(plan, environment).config.url, o.refusedNextStep ?? CLI_REFUSED_NEXT_STEP);
    const earlier = client.signIn.refused;
    if (earlier) return { ok: false, error: new SignInRefusedError(earlier.error, { ...facts, refusedInARow: Math.max(1, await refusedInARow(planDir, environment, key)), refusedEarlierAt: earlier.at }) };
    try {
      await findUserByUserName(client, user, o.signal ? { signal: o.signal } : {});
    } catch (err) {
      if (err instanceof OracleError && isRefusal(err)) {
        const count = await recordRefusedSignIn(planDir, environment, key, `${o.actor ?? 'oli'} (process ${process.pid})`).catch(() => 1);
        return { ok: false, error: new SignInRefusedError(err, { ...facts, refusedInARow: count }) };
      }
      throw err;
    }
    await recordSignInSuccess(planDir, environment, key, `${o.actor ?? 'oli'} (process ${process.pid})`).catch(() => undefined);
    return { ok: true, user };
  } catch (err) {
    return { ok: false, error: err as Error };
  }
}
