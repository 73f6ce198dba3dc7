import * as vscode from 'vscode';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { environmentAuth, loadPlan, savePlan, PLAN_FILE_NAME, PlanFileError, type PlanFile, type SignInMethod } from '../core/plan/planFile';
import { summarizeSignIn, type SignInSummary } from '../core/auth/methods';
import { getProfile, type Profile } from '../core/plan/profiles';
import { loadState, statePath, emptyState, STATE_DIR, type EnvironmentState } from '../core/plan/stateStore';
import type { StepResult } from '../core/plan/result';
import type { StepId } from '../core/plan/stepIds';
import type { CredentialStore } from '../core/model/credentials';
import { Disposable } from './disposable';
import type { ComponentLog } from './logger';
import type { ConnectionCause } from './connection';
import { planErrorForPeople } from './planErrors';

export interface CredentialPresence {
  admin: boolean;
  providerClient: boolean;
  /** How the plan signs the administrator in to this environment (Basic when it says nothing). */
  method?: SignInMethod;
  /** How it is signed in now, and until when (never a secret). */
  signIn?: SignInSummary;
}

export interface ConnectionState {
  ok: boolean;
  message: string;
  at: string;
  /** Why the last attempt failed (shown in the status bar and on the environment row); none when ok. */
  cause?: ConnectionCause;
}

const ACTIVE_ENV_KEY = 'oli.activeEnvironment';

/**
 * What the extension knows about the workspace's integration: the plan, the active environment,
 * each environment's saved state (last results, attestations) and whether credentials exist.
 * The durable model only: transient "running" state lives in RunningSteps.
 */
export class IntegrationModel extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly planChanged = this.register(new vscode.EventEmitter<void>());
  /** The plan's content changed (or it appeared, or became invalid): not fired for state or credential changes. */
  readonly onDidChangePlan = this.planChanged.event;
  private planText: string | undefined;
  /** The plan as read from the file, before URL overrides. */
  private filePlan: PlanFile | undefined;
  /** Environments whose live URL differs from the plan's (the local sandbox on another port). */
  private readonly urlOverrides = new Map<string, string>();

  root: string | undefined;
  plan: PlanFile | undefined;
  planError: string | undefined;
  profile: Profile | undefined;
  private active: string | undefined;
  private readonly states = new Map<string, EnvironmentState>();
  private readonly credentials = new Map<string, CredentialPresence>();
  private readonly connections = new Map<string, ConnectionState>();
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Counts state saves; a reload that read a state file before a later save keeps the saved state. */
  private saves = 0;
  private readonly savedAt = new Map<string, number>();
  private loaded = false;
  /** Reloads, credential reads and plan writes run one at a time, in call order. */
  private chain: Promise<unknown> = Promise.resolve();

  /** The user's default environment (setting oracleLearning.defaultEnvironment), used while the workspace has none chosen. */
  preferredEnvironment: () => string | undefined = () => undefined;

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  constructor(
    private readonly memento: vscode.Memento,
    private readonly credentialStore: CredentialStore,
    private readonly log: ComponentLog,
  ) {
    super();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleReload()));
    this.register({ dispose: () => this.reloadTimer && clearTimeout(this.reloadTimer) });
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/{${PLAN_FILE_NAME},${STATE_DIR}/*.state.json}`));
    this.register(watcher.onDidChange(() => this.scheduleReload()));
    this.register(watcher.onDidCreate(() => this.scheduleReload()));
    this.register(watcher.onDidDelete(() => this.scheduleReload()));
  }

  get planPath(): string | undefined {
    return this.root ? join(this.root, PLAN_FILE_NAME) : undefined;
  }

  get environments(): string[] {
    return this.plan ? Object.keys(this.plan.environments) : [];
  }

  get activeEnvironment(): string | undefined {
    return this.active;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  state(environment: string): EnvironmentState {
    return this.states.get(environment) ?? emptyState(environment);
  }

  result(environment: string, step: StepId): StepResult | undefined {
    return this.states.get(environment)?.lastResults[step];
  }

  credentialPresence(environment: string): CredentialPresence {
    return this.credentials.get(environment) ?? { admin: false, providerClient: false };
  }

  connection(environment: string): ConnectionState | undefined {
    return this.connections.get(environment);
  }

  /** The folder that holds the plan: the first workspace folder with one, else the first folder. */
  private pickRoot(): string | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const withPlan = folders.find((f) => f.uri.scheme === 'file' && existsSync(join(f.uri.fsPath, PLAN_FILE_NAME)));
    return (withPlan ?? folders.find((f) => f.uri.scheme === 'file'))?.uri.fsPath;
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), 150);
  }

  /** Reads the plan, the states and the credential presence again, then fires onDidChange. */
  reload(): Promise<void> {
    return this.serial(() => this.doReload());
  }

  private async doReload(): Promise<void> {
    const startedAt = this.saves;
    const root = this.pickRoot();
    let plan: PlanFile | undefined;
    let planError: string | undefined;
    let profile: Profile | undefined;
    const path = root ? join(root, PLAN_FILE_NAME) : undefined;
    if (path && existsSync(path)) {
      try {
        plan = await loadPlan(path);
        profile = getProfile(plan.provider, plan.auth);
      } catch (err) {
        plan = undefined;
        profile = undefined;
        planError = err instanceof Error ? err.message : String(err);
        this.log.warn(planErrorForPeople(planError));
      }
    }
    const envs = plan ? Object.keys(plan.environments) : [];
    const states = new Map<string, EnvironmentState>();
    const presence = new Map<string, CredentialPresence>();
    for (const env of envs) {
      try {
        states.set(env, await loadState(statePath(root!, env), env));
      } catch (err) {
        this.log.warn(`state of "${env}": ${(err as Error).message}`);
      }
      presence.set(env, await this.readPresence(env, plan!.environments[env]!.url, environmentAuth(plan!, env).method));
    }
    // Assigned at once: listeners never see a half-loaded model.
    const text = plan ? JSON.stringify(plan) : planError !== undefined ? `error:${planError}` : undefined;
    const planDiffers = text !== this.planText;
    this.planText = text;
    this.root = root;
    this.filePlan = plan;
    this.plan = this.withOverrides(plan);
    this.planError = planError;
    this.profile = profile;
    // A state saved while this reload was reading (e.g. an attestation) is newer than what it read.
    for (const env of envs) if ((this.savedAt.get(env) ?? -1) >= startedAt && this.states.has(env)) states.set(env, this.states.get(env)!);
    this.states.clear();
    for (const [k, v] of states) this.states.set(k, v);
    this.credentials.clear();
    for (const [k, v] of presence) this.credentials.set(k, v);
    const remembered = this.memento.get<string>(ACTIVE_ENV_KEY);
    const preferred = this.preferredEnvironment();
    this.active = remembered && envs.includes(remembered) ? remembered : ((preferred && envs.includes(preferred) ? preferred : undefined) ?? plan?.defaultEnvironment ?? envs[0]);
    this.loaded = true;
    this.changed.fire();
    if (planDiffers) this.planChanged.fire();
  }

  private withOverrides(plan: PlanFile | undefined): PlanFile | undefined {
    if (!plan || this.urlOverrides.size === 0) return plan;
    const environments = { ...plan.environments };
    for (const [env, url] of this.urlOverrides) if (environments[env]) environments[env] = { ...environments[env], url };
    return { ...plan, environments };
  }

  /**
   * Resolves an environment to a live URL without touching the plan file (the local sandbox when it
   * runs on another port than the plan's stable URL); undefined drops the override.
   */
  setUrlOverride(environment: string, url: string | undefined): void {
    if ((url === undefined ? undefined : url) === this.urlOverrides.get(environment)) return;
    if (url === undefined) this.urlOverrides.delete(environment);
    else this.urlOverrides.set(environment, url);
    this.plan = this.withOverrides(this.filePlan);
    this.changed.fire();
  }

  /** The URL the plan file holds for an environment (the tree shows the live one). */
  planFileUrl(environment: string): string | undefined {
    return this.filePlan?.environments[environment]?.url;
  }

  /** Which credentials are stored for the environment's current pod (those stored for another pod do not count). */
  private async readPresence(environment: string, url: string, method: SignInMethod): Promise<CredentialPresence> {
    try {
      const c = await this.credentialStore.get(environment, url);
      const signIn = summarizeSignIn(c.admin);
      return { admin: !!c.admin, providerClient: !!c.providerClient, method, ...(signIn ? { signIn } : {}) };
    } catch (err) {
      this.log.warn(`credentials of "${environment}": ${(err as Error).message}`);
      return { admin: false, providerClient: false, method };
    }
  }

  async setActiveEnvironment(name: string): Promise<void> {
    if (!this.environments.includes(name)) throw new PlanFileError(this.planPath ?? PLAN_FILE_NAME, 'invalid', vscode.l10n.t('No environment "{0}" in the plan. Add it with "Oracle Learning: Add Environment".', name));
    this.active = name;
    await this.memento.update(ACTIVE_ENV_KEY, name);
    this.changed.fire();
  }

  refreshCredentialPresence(environment: string): Promise<void> {
    return this.serial(async () => {
      const url = this.plan?.environments[environment]?.url;
      if (!url) return;
      this.credentials.set(environment, await this.readPresence(environment, url, environmentAuth(this.plan!, environment).method));
      this.changed.fire();
    });
  }

  setConnection(environment: string, c: ConnectionState | undefined): void {
    if (c) this.connections.set(environment, c);
    else this.connections.delete(environment);
    this.changed.fire();
  }

  /** Loads the plan from disk, applies the change, validates and saves it, then reloads. */
  async updatePlan(change: (plan: PlanFile) => PlanFile | void): Promise<PlanFile> {
    const path = this.planPath;
    if (!path) throw new PlanFileError(PLAN_FILE_NAME, 'missing', vscode.l10n.t('Open a folder first: the plan file {0} lives in the workspace folder.', PLAN_FILE_NAME));
    const next = await this.serial(async () => {
      const current = await loadPlan(path);
      const changed = change(current) ?? current;
      await savePlan(path, changed);
      return changed;
    });
    await this.reload();
    return next;
  }

  async writePlan(plan: PlanFile): Promise<void> {
    const path = this.planPath;
    if (!path) throw new PlanFileError(PLAN_FILE_NAME, 'missing', vscode.l10n.t('Open a folder first: the plan file {0} lives in the workspace folder.', PLAN_FILE_NAME));
    await this.serial(() => savePlan(path, plan));
    await this.reload();
  }

  /**
   * Takes the state an engine saved (under the state file's lock, on top of what other windows
   * and the CLI wrote) and fires onDidChange. Nothing is written here.
   */
  adoptEnvironmentState(environment: string, state: EnvironmentState): void {
    if (!this.root) return;
    this.savedAt.set(environment, this.saves++);
    this.states.set(environment, state);
    this.changed.fire();
  }

  forgetEnvironment(environment: string): void {
    this.states.delete(environment);
    this.credentials.delete(environment);
    this.connections.delete(environment);
  }
}
