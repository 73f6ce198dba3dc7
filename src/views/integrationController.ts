import * as vscode from 'vscode';
import { networkSettings } from './httpSettings';
import { userInfo } from 'node:os';
import { PlanEngine, testConnection, type ApplyOutcome } from '../core/plan/engine';
import { secretValues, type CredentialStore, type EnvironmentCredentials } from '../core/model/credentials';
import { MissingCredentialsError } from '../core/plan/context';
import { PlanFileError, type PlanFile } from '../core/plan/planFile';
import type { StepResult } from '../core/plan/result';
import type { StepId } from '../core/plan/stepIds';
import { OracleError } from '../oracle/errors';
import type { IntegrationModel } from './integrationModel';
import type { OliLog } from './logger';
import type { RunningSteps } from './runningSteps';

export type ControllerErrorReason = 'no-plan' | 'no-environment' | 'busy' | 'unknown-step';

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
  ) {}

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
      source: 'vscode',
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

  private guardBusy(env: string): void {
    if (this.running.isBusy(env)) throw new ControllerError('busy', vscode.l10n.t('Something is already running on "{0}"; wait for it or cancel it.', env));
  }

  /** Records a failed connection (the status bar warns), then rethrows. */
  private noteFailure(env: string, err: unknown): never {
    if (err instanceof OracleError && ['auth', 'forbidden', 'tls', 'network', 'timeout', 'config'].includes(err.reason)) {
      this.model.setConnection(env, { ok: false, message: err.message, at: new Date().toISOString() });
    }
    throw err;
  }

  private async saveResults(env: string, engine: PlanEngine): Promise<void> {
    this.model.setConnection(env, { ok: true, message: vscode.l10n.t('Connected to {0}', this.model.plan?.environments[env]?.url ?? env), at: new Date().toISOString() });
    await this.model.saveEnvironmentState(env, engine.state);
  }

  async refreshStatus(envName?: string, o: RunOptions = {}): Promise<StepResult[]> {
    const env = this.environment(envName);
    this.guardBusy(env);
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
    const message = this.log.redact(r.error.message);
    this.model.setConnection(env, { ok: false, message, at });
    if (o.signal?.aborted) throw r.error;
    return { ok: false, message };
  }
}
