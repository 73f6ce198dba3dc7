import * as vscode from 'vscode';
import { isAbsolute, join, relative, dirname, basename } from 'node:path';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { IntegrationController } from './integrationController';
import type { RunningSteps } from './runningSteps';
import type { LocalSandboxSession } from './localSandbox';
import type { ComponentLog } from './logger';
import { INTEGRATION_VIEW_ID } from './integrationTree';

export interface AutoRefreshRun {
  environment: string;
  reasons: string[];
  at: string;
  ok: boolean;
}

/**
 * Reads the status again by itself when what it depends on changed: after "Start Local Sandbox",
 * after a credential change, and when the plan or a file it names (certificate, sample token,
 * learner list, CA file) changes. Debounced; waits while something runs on the environment; only
 * for an environment with credentials (a refresh only reads). Progress shows on the view; a failure
 * shows as the environment's state (status bar, environment row), not as a notification.
 */
export class AutoRefresh extends Disposable {
  private readonly ran = this.register(new vscode.EventEmitter<AutoRefreshRun>());
  /** Fires after each automatic refresh (tests wait on it). */
  readonly onDidRun = this.ran.event;
  private timer: NodeJS.Timeout | undefined;
  private pending: { environment: string | undefined; reasons: Set<string> } | undefined;
  private fileWatchers: vscode.Disposable[] = [];
  private watched = '';
  private firstLoad = true;
  private inFlight = false;
  last: AutoRefreshRun | undefined;

  constructor(
    private readonly model: IntegrationModel,
    private readonly controller: IntegrationController,
    private readonly running: RunningSteps,
    private readonly sandbox: LocalSandboxSession,
    private readonly log: ComponentLog,
    private readonly delayMs = 500,
  ) {
    super();
    this.register({ dispose: () => this.timer && clearTimeout(this.timer) });
    this.register({ dispose: () => this.fileWatchers.splice(0).forEach((w) => w.dispose()) });
    this.register(
      model.onDidChangePlan(() => {
        this.watchNamedFiles();
        // The first load at activation reads no pod: opening a window never sends requests by itself.
        if (this.firstLoad) {
          this.firstLoad = false;
          return;
        }
        this.request(undefined, 'the plan changed');
      }),
    );
    this.register(running.onDidChange(() => this.pending && !this.timer && this.schedule(this.delayMs)));
  }

  /** Resolves once no automatic refresh is asked for or running (tests, before they take the controls). */
  async idle(): Promise<void> {
    while (this.pending || this.inFlight || this.timer) await new Promise((r) => setTimeout(r, 50));
  }

  /** Asks for a refresh of `environment` (default: the active one) soon; several requests make one refresh. */
  request(environment: string | undefined, reason: string, o: { immediate?: boolean } = {}): void {
    if (this.pending && this.pending.environment !== environment) this.pending.environment = undefined;
    else this.pending ??= { environment, reasons: new Set() };
    this.pending.reasons.add(reason);
    this.schedule(o.immediate ? 0 : this.delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, ms);
  }

  private async run(): Promise<void> {
    const p = this.pending;
    if (!p || this.isDisposed) return;
    const env = p.environment ?? this.model.activeEnvironment;
    const plan = this.model.plan;
    if (!env || !plan?.environments[env] || !this.model.credentialPresence(env).admin || this.sandbox.isStopped(env, this.model.planFileUrl(env))) {
      this.pending = undefined;
      return;
    }
    if (this.running.isBusy(env) || this.inFlight) return; // picked up again when the running step ends
    this.pending = undefined;
    this.inFlight = true;
    const reasons = [...p.reasons];
    let ok = false;
    try {
      await vscode.window.withProgress({ location: { viewId: INTEGRATION_VIEW_ID } }, () => this.controller.refreshStatus(env));
      ok = true;
      this.log.info(`status of "${env}" read again: ${reasons.join('; ')}`);
    } catch (err) {
      this.log.warn(`automatic refresh of "${env}" (${reasons.join('; ')}) failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.inFlight = false;
    }
    this.last = { environment: env, reasons, at: new Date().toISOString(), ok };
    this.ran.fire(this.last);
    if (this.pending) this.schedule(this.delayMs);
  }

  /** Watches the files the plan names; a change reads the status again. */
  private watchNamedFiles(): void {
    const plan = this.model.plan;
    const root = this.model.root;
    const files = plan && root ? [plan.jwt?.certificate, plan.jwt?.sampleToken, plan.identitySample, ...Object.values(plan.environments).map((e) => e.caFile)].filter((f): f is string => !!f) : [];
    const key = `${root ?? ''}|${[...new Set(files)].sort().join('|')}`;
    if (key === this.watched) return;
    this.watched = key;
    this.fileWatchers.splice(0).forEach((w) => w.dispose());
    for (const f of new Set(files)) {
      const abs = isAbsolute(f) ? f : join(root!, f);
      const rel = relative(root!, abs);
      const pattern = rel.startsWith('..') || isAbsolute(rel) ? new vscode.RelativePattern(vscode.Uri.file(dirname(abs)), basename(abs)) : new vscode.RelativePattern(vscode.Uri.file(root!), rel.split('\\').join('/'));
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      const on = () => this.request(undefined, vscode.l10n.t('{0} changed', f));
      this.fileWatchers.push(w, w.onDidChange(on), w.onDidCreate(on), w.onDidDelete(on));
    }
  }
}
