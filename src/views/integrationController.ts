import * as vscode from 'vscode';
import { networkSettings } from './httpSettings';
import { userInfo } from 'node:os';
import { PlanEngine, testConnection, type ApplyOutcome } from '../core/plan/engine';
import { secretValues, type CredentialStore, type EnvironmentCredentials } from '../core/model/credentials';
import { MissingCredentialsError } from '../core/plan/context';
import { PlanFileError, type PlanFile } from '../core/plan/planFile';
import type { StepResult } from '../core/plan/result';
import type { StepId } from '../core/plan/stepIds';
import type { IntegrationModel } from './integrationModel';
import type { OliLog } from './logger';
import type { RunningSteps } from './runningSteps';
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
  constructor(
    private readonly model: IntegrationModel,
    private readonly running: RunningSteps,
    private readonly credentials: CredentialStore,
    private readonly log: OliLog,
    private readonly sandbox: LocalSandboxSession,
  ) {}

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

  async credentialsOf(env: string): Promise<EnvironmentCredentials> {
    const c = await this.credentials.get(env);
    this.log.addSecrets(secretValues(c));
    return c;
  }

  private async engine(env: string, o: RunOptions): Promise<PlanEngine> {
    const { plan, root } = this.requirePlan();
    const credentials = await this.credentialsOf(env);
    if (!credentials.admin) throw new MissingCredentialsError(env);
    const engineLog = this.log.for('engine');
    return new PlanEngine({
      plan,
      planDir: root,
      environment: env,
      credentials,
      state: structuredClone(this.model.state(env)),
      persist: false,
      ...networkSettings(),
      actor: currentActor(),
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
    await this.model.saveEnvironmentState(env, engine.state);
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
      const engine = await this.engine(env, o);
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
      const engine = await this.engine(env, o);
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
      const engine = await this.engine(env, o);
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
    const credentials = await this.credentialsOf(env);
    if (!credentials.admin) throw new MissingCredentialsError(env);
    const r = await testConnection(plan, root, env, credentials, { ...(o.signal ? { signal: o.signal } : {}), onLog: (e) => this.log.request(e), ...networkSettings() });
    const at = new Date().toISOString();
    const url = plan.environments[env]!.url;
    if (r.ok) {
      const message = vscode.l10n.t('Connected to {0} as {1}.', url, r.user);
      this.model.setConnection(env, { ok: true, message, at });
      return { ok: true, message };
    }
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
