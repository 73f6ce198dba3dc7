import * as vscode from 'vscode';
import { z } from 'zod';
import { STEP_IDS, type StepId } from '../core/plan/stepIds';
import type { StepDefinition } from '../core/plan/types';
import type { IntegrationController } from '../views/integrationController';
import type { IntegrationModel } from '../views/integrationModel';
import type { OliLog } from '../views/logger';
import type { RunningSteps } from '../views/runningSteps';
import type { SecretStorageCredentialStore } from '../views/secretStorageCredentialStore';
import type { ContextKeys } from '../views/contextKeys';
import type { LocalSandboxSession } from '../views/localSandbox';
import type { AutoRefresh } from '../views/autoRefresh';
import { EnvironmentNode, StepNode } from '../views/treeNodes';
import { statusLabel } from '../views/statusPresentation';
import { CommandPreconditionError, UserCancelledError } from './registry';
import { assertTrustedToSendCredentials } from '../views/workspaceTrust';

/** What the command handlers work with (wired in extension.ts). */
export interface CommandDeps {
  context: vscode.ExtensionContext;
  model: IntegrationModel;
  controller: IntegrationController;
  running: RunningSteps;
  credentials: SecretStorageCredentialStore;
  log: OliLog;
  contextKeys: ContextKeys;
  sandbox: LocalSandboxSession;
  autoRefresh: AutoRefresh;
}

const stepArgSchema = z.object({ step: z.enum(STEP_IDS), environment: z.string().optional() });
const envArgSchema = z.object({ environment: z.string() });

/** The environment named by a command argument (tree node or `{ environment }`), if any. */
export function environmentArg(arg: unknown): string | undefined {
  if (arg instanceof EnvironmentNode) return arg.environment;
  if (arg instanceof StepNode) return arg.environment;
  if (typeof arg === 'string') return arg;
  const parsed = envArgSchema.safeParse(arg);
  return parsed.success ? parsed.data.environment : undefined;
}

/** The step named by a command argument (tree node or `{ step, environment? }`), if any. */
export function stepArg(arg: unknown): { step: StepId; environment?: string } | undefined {
  if (arg instanceof StepNode) return { step: arg.definition.id, environment: arg.environment };
  if (typeof arg === 'string' && (STEP_IDS as readonly string[]).includes(arg)) return { step: arg as StepId };
  const parsed = stepArgSchema.safeParse(arg);
  if (!parsed.success) return undefined;
  return parsed.data.environment ? { step: parsed.data.step, environment: parsed.data.environment } : { step: parsed.data.step };
}

export async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const v = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (v === undefined) throw new UserCancelledError();
  return v;
}

export async function pick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Promise<T> {
  const v = await vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...options });
  if (v === undefined) throw new UserCancelledError();
  return v;
}

/** Applying changes needs a trusted workspace (the same gate as sending credentials at all). */
export function requireTrust(action: string): void {
  assertTrustedToSendCredentials(action);
}

/** Asks for a step of the current profile (optionally filtered). */
export async function pickStep(deps: CommandDeps, filter: (s: StepDefinition) => boolean, placeHolder: string): Promise<StepId> {
  const steps = (deps.model.profile?.steps ?? []).filter(filter);
  if (steps.length === 0) throw new CommandPreconditionError('not-available', vscode.l10n.t('No step fits this command in the current plan.'));
  const env = deps.model.activeEnvironment;
  const chosen = await pick(
    steps.map((s) => {
      const r = env ? deps.model.result(env, s.id) : undefined;
      return { label: s.title, description: r ? statusLabel(r.status) : undefined, detail: r?.detail, id: s.id };
    }),
    { placeHolder, matchOnDescription: true },
  );
  return chosen.id;
}

/** Asks for an environment of the plan (the active one first). */
export async function pickEnvironment(deps: CommandDeps, placeHolder: string): Promise<string> {
  const envs = deps.model.environments;
  if (envs.length === 0) throw new CommandPreconditionError('not-available', vscode.l10n.t('The plan has no environment yet. Run "Oracle Learning: Add Environment".'));
  const active = deps.model.activeEnvironment;
  const ordered = [...envs].sort((a, b) => (a === active ? -1 : b === active ? 1 : a.localeCompare(b)));
  const chosen = await pick(
    ordered.map((e) => ({ label: e, description: deps.model.plan?.environments[e]?.url, detail: e === active ? vscode.l10n.t('active') : undefined })),
    { placeHolder },
  );
  return chosen.label;
}

/** Asks before changing a production pod. */
export async function confirmProduction(deps: CommandDeps, env: string, what: string): Promise<void> {
  if (!deps.model.plan?.environments[env]?.production) return;
  const go = vscode.l10n.t('Apply to production');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is a production pod. {1}', env, what), { modal: true }, go);
  if (answer !== go) throw new UserCancelledError();
}
