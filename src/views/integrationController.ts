import * as vscode from 'vscode';
import { inspectionSettings, networkSettings } from './httpSettings';
import { userInfo } from 'node:os';
import { PlanEngine, testConnection, type ApplyOutcome } from '../core/plan/engine';
import { secretValues, type CredentialStore, type EnvironmentCredentials } from '../core/model/credentials';
import { MissingCredentialsError } from '../core/plan/context';
import { PlanFileError, type PlanFile } from '../core/plan/planFile';
import type { StepResult } from '../core/plan/result';
import type { StepId } from '../core/plan/stepIds';
import { OracleError } from '../oracle/errors';
import { formatRetry, type RetryNotice } from '../oracle/client';
import { SignInLedger } from '../oracle/signIn';
import { adminSignInKey, refusedInARow, SignInRefusedError } from '../core/plan/signIn';
import { environmentAuth, type SignInMethod } from '../core/plan/planFile';
import type { IntegrationModel } from './integrationModel';
import type { OliLog } from './logger';
import type { RunningSteps } from './runningSteps';
import type { CredentialsElsewhere, SecretStorageCredentialStore } from './secretStorageCredentialStore';
import { assertTrustedToSendCredentials } from './workspaceTrust';
import type { LocalSandboxSession } from './localSandbox';
import { connectionCause } from './connection';

export type ControllerErrorReason = 'no-plan' | 'no-environment' | 'busy' | 'unknown-step' | 'sandbox-stopped';

export class ControllerError extends Error {
  override readonly name = 'ControllerError';
  constructor(
    readonly reason: ControllerErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

/** What to do after a refused sign-in, in VS Code. */
export const VSCODE_REFUSED_NEXT_STEP = 'Check the user name and password and set them again ("Set Credentials"): they are not sent again until you do.';

/** Asked before a stored credential goes to a pod it was not stored for; true to send it there. */
export interface RebindQuestion {
  environment: string;
  /** The origin the credentials were stored for; undefined for credentials stored before they were bound to a pod. */
  from: string | undefined;
  /** The pod URL the plan names now. */
  to: string;
}
export type RebindPrompt = (q: RebindQuestion) => Promise<boolean>;

const defaultRebindPrompt: RebindPrompt = async (q) => {
  const toHost = new URL(q.to).host;
  const send = vscode.l10n.t('Send to {0}', toHost);
  const message =
    q.from === undefined
      ? vscode.l10n.t('The credentials of "{0}" were stored before they were bound to a pod. Send them to {1}?', q.environment, toHost)
      : vscode.l10n.t('The plan now sends "{0}" to {1}; its credentials were stored for {2}. Send them to {1}?', q.environment, toHost, new URL(q.from).host);
  const answer = await vscode.window.showWarningMessage(
    message,
    { modal: true, detail: vscode.l10n.t('If you did not change the URL yourself (a pulled change, a plan from someone else), choose Cancel and check the plan first.') },
    send,
  );
  return answer === send;
};

/** Who runs the extension, for attestations and history. */
export function currentActor(): string {
  try {
    return `${userInfo().username} (VS Code)`;
  } catch {
    return 'VS Code user';
  }
}

/**
 * Runs the core plan engine for the environments of the workspace's plan and feeds the results
 * back into the model; marks steps as running in the transient state while it works.
 */
export class IntegrationController {
  /** Replaceable (tests answer without a modal dialog). */
  confirmRebind: RebindPrompt = defaultRebindPrompt;
  /**
   * Sign-in gates of the stored credentials, for this window: a credential the pod refused is not
   * sent again by later commands (a refresh loop included) until it is set again.
   */
  readonly signIns = new SignInLedger();
  /** Says why nothing can be sent for an environment that signs in with a token and is not signed in (authProvider.ts). */
  notSignedIn?: (environment: string, url: string, method: SignInMethod) => Promise<Error>;
  /** Moves the user declined, this session ("env from→to"): not asked again. */
  private readonly declined = new Set<string>();

  constructor(
    private readonly model: IntegrationModel,
    private readonly running: RunningSteps,
    private readonly credentials: CredentialStore & Partial<Pick<SecretStorageCredentialStore, 'elsewhere' | 'move' | 'markRefused' | 'refusal'>>,
    private readonly log: OliLog,
    private readonly sandbox: LocalSandboxSession,
  ) {}

  /** Forgets refusals and declined moves (after the credentials were set again). */
  credentialsChanged(): void {
    this.signIns.clear();
    this.declined.clear();
  }

  private sandboxStopped(env: string): ControllerError {
    return new ControllerError('sandbox-stopped', vscode.l10n.t('The local sandbox is not running, so "{0}" cannot be reached. Start it again with "Start Local Sandbox" (its data is kept).', env));
  }

  requirePlan(): { plan: PlanFile; root: string } {
    if (!this.model.plan || !this.model.root) {
      if (this.model.planError) throw new PlanFileError(this.model.planPath ?? '', 'invalid', this.model.planError);
      throw new ControllerError('no-plan', vscode.l10n.t('No plan in this workspace. Run "Oracle Learning: Create Plan" first.'));
    }
    return { plan: this.model.plan, root: this.model.root };
  }

  /** The environment to act on: the given one, else the active one. */
  environment(name?: string): string {
    const { plan } = this.requirePlan();
    const env = name ?? this.model.activeEnvironment;
    if (!env || !plan.environments[env]) {
      throw new ControllerError('no-environment', vscode.l10n.t('No environment selected. Add one with "Oracle Learning: Add Environment" or start a local sandbox.'));
    }
    // Never send the sandbox's credentials to whatever else may listen on its port now.
    if (this.sandbox.isStopped(env, this.model.planFileUrl(env))) throw this.sandboxStopped(env);
    return env;
  }

  /** The credentials stored for the environment's current pod (to show or edit them; nothing is sent). */
  async credentialsOf(env: string): Promise<EnvironmentCredentials> {
    const { plan } = this.requirePlan();
    const c = await this.credentials.get(env, plan.environments[env]!.url);
    this.log.addSecrets(secretValues(c));
    return c;
  }

  /**
   * The credentials to send to the environment's pod, for `action` (a command's name, for the
   * message). The one way credentials leave the store to be sent:
   * - in Restricted Mode nothing is sent (UntrustedWorkspaceError, with "Trust this folder");
   * - credentials stored for another pod (the plan's URL changed) or before credentials were bound
   *   to a pod are sent to this one only if the user says so, once (naming both hosts).
   */
  async credentialsForSending(env: string, action: string): Promise<EnvironmentCredentials> {
    assertTrustedToSendCredentials(action);
    const { plan } = this.requirePlan();
    const url = plan.environments[env]!.url;
    let c = await this.credentials.get(env, url);
    const method = environmentAuth(plan, env).method;
    if (method !== 'basic') {
      // OAuth with the identity domain, or the administrator's own key: signed in, or nothing is sent.
      if (!c.admin && this.notSignedIn) throw await this.notSignedIn(env, url, method);
      this.log.addSecrets(secretValues(c));
      return c;
    }
    if (!c.admin && this.credentials.elsewhere && this.credentials.move) {
      const candidate = (await this.credentials.elsewhere(env, url)).find((e: CredentialsElsewhere) => e.slots.includes('admin'));
      const key = candidate ? `${env} ${candidate.origin ?? '(unbound)'}→${new URL(url).origin}` : '';
      if (candidate && !this.declined.has(key)) {
        if (await this.confirmRebind({ environment: env, from: candidate.origin, to: url })) {
          await this.credentials.move(env, candidate.origin, url);
          this.log.for('credentials').info(`credentials of "${env}" moved from ${candidate.origin ?? 'an unbound key'} to ${new URL(url).origin} (confirmed by the user)`);
          await this.model.refreshCredentialPresence(env);
          c = await this.credentials.get(env, url);
        } else this.declined.add(key);
      }
    }
    this.log.addSecrets(secretValues(c));
    if (c.admin && this.credentials.refusal) {
      // Refused earlier (this window or another session): not sent again until it is set again.
      const refused = await this.credentials.refusal(env, url, 'admin');
      if (refused) {
        const cause = new OracleError({ reason: 'auth', method: refused.method, path: refused.path, status: refused.status });
        const count = Math.max(1, await refusedInARow(this.requirePlan().root, env, adminSignInKey(c.admin.username, url)));
        throw new SignInRefusedError(cause, { who: `administrator "${c.admin.username}"`, environment: env, refusedInARow: count, nextStep: VSCODE_REFUSED_NEXT_STEP, refusedEarlierAt: new Date(refused.at) });
      }
    }
    return c;
  }

  /** Remembers, next to the stored credential, that the pod refused it (never for a refusal remembered earlier). */
  async recordRefusal(env: string, err: unknown): Promise<void> {
    // A refused token (OAuth, own key) is not a password to keep from the pod: the next command signs anew.
    if (!(err instanceof SignInRefusedError) || err.refusedEarlier || !err.lockout || !this.credentials.markRefused) return;
    const url = this.model.plan?.environments[env]?.url;
    if (!url) return;
    await this.credentials.markRefused(env, url, 'admin', { at: new Date().toISOString(), method: err.method, path: err.path, status: err.status ?? 401 }).catch((e: unknown) => {
      this.log.for('credentials').warn(`could not record the refusal: ${(e as Error).message}`);
    });
  }

  /** Retry notices: a line in the progress notification and in the log. */
  private retryReporter(o: RunOptions): (n: RetryNotice) => void {
    const log = this.log.for('http');
    return (n) => {
      const line = vscode.l10n.t('Retrying: {0}', formatRetry(n));
      log.warn(line);
      o.progress?.(line);
    };
  }

  private async engine(env: string, o: RunOptions, action: string): Promise<PlanEngine> {
    const { plan, root } = this.requirePlan();
    const credentials = await this.credentialsForSending(env, action);
    if (!credentials.admin) throw new MissingCredentialsError(env);
    const engineLog = this.log.for('engine');
    return new PlanEngine({
      plan,
      planDir: root,
      environment: env,
      credentials,
      // The engine re-reads the state file and saves its changes under the file's lock (other
      // windows and the CLI may write it too); the model adopts what it saved.
      state: structuredClone(this.model.state(env)),
      ...networkSettings(),
      ...inspectionSettings(),
      actor: currentActor(),
      via: 'vscode',
      signIns: this.signIns,
      refusedNextStep: VSCODE_REFUSED_NEXT_STEP,
      onRetry: this.retryReporter(o),
      ...(o.signal ? { signal: o.signal } : {}),
      onLog: (e) => this.log.request(e),
      onProgress: (m) => {
        engineLog.info(m);
        o.progress?.(m);
      },
    });
  }

  /** Status reads in flight, by environment: a second read joins the first; a change waits for it. */
  private readonly reading = new Map<string, Promise<StepResult[]>>();

  /** Waits for a status read of `env` in flight (an automatic refresh), whatever its outcome. */
  private async settle(env: string): Promise<void> {
    for (let p = this.reading.get(env); p; p = this.reading.get(env)) await p.catch(() => undefined);
  }

  private guardBusy(env: string): void {
    if (this.running.isBusy(env)) throw new ControllerError('busy', vscode.l10n.t('Something is already running on "{0}"; wait for it or cancel it.', env));
  }

  /**
   * Records why the environment could not be used (the status bar and the environment row say it,
   * until the next success), then rethrows. An unreachable local sandbox is checked: if its process
   * is gone, the error says so and offers to start it.
   */
  private async noteFailure(env: string, err: unknown): Promise<never> {
    await this.recordRefusal(env, err);
    const cause = connectionCause(err);
    if (!cause) throw err;
    const at = new Date().toISOString();
    if (cause === 'unreachable' && this.sandbox.isSandboxEnvironment(env, this.model.planFileUrl(env)) && !(await this.sandbox.probe())) {
      const stopped = this.sandboxStopped(env);
      this.model.setConnection(env, { ok: false, message: stopped.message, at, cause: 'sandbox-stopped' });
      throw stopped;
    }
    this.model.setConnection(env, { ok: false, message: this.log.redact(err instanceof Error ? err.message : String(err)), at, cause });
    throw err;
  }

  private async saveResults(env: string, engine: PlanEngine): Promise<void> {
    this.model.setConnection(env, { ok: true, message: vscode.l10n.t('Connected to {0}', this.model.plan?.environments[env]?.url ?? env), at: new Date().toISOString() });
    this.model.adoptEnvironmentState(env, engine.state);
  }

  async refreshStatus(envName?: string, o: RunOptions = {}): Promise<StepResult[]> {
    const env = this.environment(envName);
    const inFlight = this.reading.get(env);
    if (inFlight) return inFlight;
    this.guardBusy(env);
    const read = this.readStatus(env, o);
    this.reading.set(env, read);
    try {
      return await read;
    } finally {
      if (this.reading.get(env) === read) this.reading.delete(env);
    }
  }

  private async readStatus(env: string, o: RunOptions): Promise<StepResult[]> {
    const steps = this.model.profile?.steps.map((s) => s.id) ?? [];
    const busy = this.running.start(env, steps, vscode.l10n.t('checking…'));
    try {
      const engine = await this.engine(env, o, vscode.l10n.t('Refresh Status'));
      const results = await engine.status().catch((e: unknown) => this.noteFailure(env, e));
      await this.saveResults(env, engine);
      this.log.for('engine').info(`status ${env}: ${results.map((r) => `${r.id}=${r.status}`).join(' ')} (${engine.requestCount} requests)`);
      return results;
    } finally {
      busy.dispose();
    }
  }

  async apply(target: StepId | 'all', envName?: string, o: RunOptions & { dryRun?: boolean } = {}): Promise<ApplyOutcome> {
    const env = this.environment(envName);
    await this.settle(env);
    this.guardBusy(env);
    const profile = this.model.profile;
    if (target !== 'all' && !profile?.steps.some((s) => s.id === target)) throw new ControllerError('unknown-step', vscode.l10n.t('Unknown step "{0}".', target));
    const steps = target === 'all' ? (profile?.steps.filter((s) => s.automation === 'automatic').map((s) => s.id) ?? []) : [target];
    const busy = this.running.start(env, steps, o.dryRun ? vscode.l10n.t('planning…') : vscode.l10n.t('running…'));
    try {
      const engine = await this.engine(env, o, o.dryRun ? vscode.l10n.t('Dry Run') : target === 'all' ? vscode.l10n.t('Run All Automatic Steps') : vscode.l10n.t('Run Step'));
      const outcome = await engine.apply(target, { dryRun: o.dryRun ?? false }).catch((e: unknown) => this.noteFailure(env, e));
      if (!o.dryRun) await this.saveResults(env, engine);
      this.log.for('engine').info(`${o.dryRun ? 'dry run' : 'apply'} ${target} on ${env}: ${outcome.performed.length} change(s), ${outcome.plannedRequests.length} planned request(s)`);
      return outcome;
    } finally {
      busy.dispose();
    }
  }

  async attest(step: StepId, note: string, envName?: string, o: RunOptions = {}): Promise<StepResult> {
    const env = this.environment(envName);
    await this.settle(env);
    this.guardBusy(env);
    const busy = this.running.start(env, [step], vscode.l10n.t('attesting…'));
    try {
      const engine = await this.engine(env, o, vscode.l10n.t('Attest Guided Step'));
      const r = await engine.attest(step, note).catch((e: unknown) => this.noteFailure(env, e));
      await this.saveResults(env, engine);
      return r;
    } finally {
      busy.dispose();
    }
  }

  async testConnection(envName?: string, o: RunOptions = {}): Promise<{ ok: boolean; message: string }> {
    const env = this.environment(envName);
    const { plan, root } = this.requirePlan();
    const credentials = await this.credentialsForSending(env, vscode.l10n.t('Test Connection'));
    if (!credentials.admin) throw new MissingCredentialsError(env);
    const r = await testConnection(plan, root, env, credentials, {
      ...(o.signal ? { signal: o.signal } : {}),
      onLog: (e) => this.log.request(e),
      onRetry: this.retryReporter(o),
      signIns: this.signIns,
      refusedNextStep: VSCODE_REFUSED_NEXT_STEP,
      actor: currentActor(),
      ...networkSettings(),
    });
    const at = new Date().toISOString();
    const url = plan.environments[env]!.url;
    if (r.ok) {
      const message = vscode.l10n.t('Connected to {0} as {1}.', url, r.user);
      this.model.setConnection(env, { ok: true, message, at });
      return { ok: true, message };
    }
    await this.recordRefusal(env, r.error);
    if (o.signal?.aborted) throw r.error;
    const cause = connectionCause(r.error);
    if (cause === 'unreachable' && this.sandbox.isSandboxEnvironment(env, this.model.planFileUrl(env)) && !(await this.sandbox.probe())) {
      const message = this.sandboxStopped(env).message;
      this.model.setConnection(env, { ok: false, message, at, cause: 'sandbox-stopped' });
      return { ok: false, message };
    }
    const message = this.log.redact(r.error.message);
    this.model.setConnection(env, { ok: false, message, at, ...(cause ? { cause } : {}) });
    return { ok: false, message };
  }
}
