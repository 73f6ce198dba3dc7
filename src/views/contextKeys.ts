import * as vscode from 'vscode';
import { isSatisfied } from '../core/plan/stepIds';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { LocalSandboxSession } from './localSandbox';

/** Context keys for `when`/`enablement` clauses, welcome views and the walkthrough (`onContext`). */
export const CONTEXT = {
  loaded: 'oli.loaded',
  hasFolder: 'oli.hasFolder',
  hasPlan: 'oli.hasPlan',
  planInvalid: 'oli.planInvalid',
  hasEnvironment: 'oli.hasEnvironment',
  hasCredentials: 'oli.hasCredentials',
  connectionOk: 'oli.connectionOk',
  statusChecked: 'oli.statusChecked',
  hasResults: 'oli.hasResults',
  automaticDone: 'oli.automaticDone',
  sandboxRunning: 'oli.sandboxRunning',
  /** The active environment is the local sandbox this window started (practice actions offered). */
  practiceAvailable: 'oli.practiceAvailable',
  /** Every step of the active environment is done, attested or not applicable. */
  allSatisfied: 'oli.allSatisfied',
  inspectorAvailable: 'oli.inspectorAvailable',
} as const;

export class ContextKeys extends Disposable {
  private readonly values = new Map<string, unknown>();

  constructor(
    private readonly model: IntegrationModel,
    private readonly sandbox: LocalSandboxSession,
  ) {
    super();
    this.register(model.onDidChange(() => this.update()));
    this.register(sandbox.onDidChange(() => this.update()));
  }

  set(key: string, value: unknown): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }

  update(): void {
    const m = this.model;
    const env = m.activeEnvironment;
    const steps = m.profile?.steps ?? [];
    const results = env ? steps.map((s) => m.result(env, s.id)) : [];
    this.set(CONTEXT.loaded, m.isLoaded);
    this.set(CONTEXT.hasFolder, !!m.root);
    this.set(CONTEXT.hasPlan, !!m.plan);
    this.set(CONTEXT.planInvalid, !!m.planError);
    this.set(CONTEXT.hasEnvironment, !!env);
    this.set(CONTEXT.hasCredentials, !!env && m.credentialPresence(env).admin);
    this.set(CONTEXT.connectionOk, !!env && m.connection(env)?.ok === true);
    this.set(CONTEXT.hasResults, results.some((r) => r !== undefined));
    this.set(CONTEXT.statusChecked, results.length > 0 && results.every((r) => r !== undefined));
    this.set(CONTEXT.sandboxRunning, this.sandbox.running);
    this.set(CONTEXT.practiceAvailable, !!env && this.sandbox.offersPractice(env, m.plan?.environments[env]?.url));
    this.set(CONTEXT.allSatisfied, results.length > 0 && results.every((r) => r !== undefined && isSatisfied(r.status)));
    this.set(
      CONTEXT.automaticDone,
      results.length > 0 && steps.every((s, i) => s.automation !== 'automatic' || (results[i] !== undefined && isSatisfied(results[i]!.status))),
    );
  }
}
