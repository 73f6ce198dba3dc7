import * as vscode from 'vscode';
import { CommandRegistry } from './commands/registry';
import type { CommandDeps } from './commands/deps';
import { registerPlanCommands } from './commands/planCommands';
import { registerEnvironmentCommands } from './commands/environmentCommands';
import { registerCredentialCommands } from './commands/credentialCommands';
import { registerStepCommands } from './commands/stepCommands';
import { registerReportCommands } from './commands/reportCommands';
import { LocalSandboxSession, registerSandboxCommands } from './commands/sandboxCommands';
import { registerInspectorCommands } from './commands/inspectorCommands';
import { registerLogCommands } from './commands/logCommands';
import { OliLog } from './views/logger';
import { SecretStorageCredentialStore } from './views/secretStorageCredentialStore';
import { IntegrationModel } from './views/integrationModel';
import { RunningSteps } from './views/runningSteps';
import { INTEGRATION_VIEW_ID, IntegrationTreeProvider } from './views/integrationTree';
import { StatusDecorationProvider } from './views/statusDecorations';
import { ActiveEnvironmentStatusBar } from './views/statusBar';
import { ContextKeys } from './views/contextKeys';
import { IntegrationController } from './views/integrationController';
import { InspectorPanelHost } from './views/inspectorPanel';
import { InspectorEntryProvider, INSPECTOR_VIEW_ID } from './views/inspectorEntries';
import type { IntegrationNode } from './views/treeNodes';

/** What activate() returns: the live objects, for the integration tests and for other extensions. */
export interface OliExtensionApi {
  model: IntegrationModel;
  running: RunningSteps;
  tree: IntegrationTreeProvider;
  treeView: vscode.TreeView<IntegrationNode>;
  decorations: StatusDecorationProvider;
  statusBar: ActiveEnvironmentStatusBar;
  credentials: SecretStorageCredentialStore;
  controller: IntegrationController;
  registry: CommandRegistry;
  log: OliLog;
  inspector: InspectorPanelHost;
  contextKeys: ContextKeys;
}

/** Wires the core (plan, engine, credentials) to the UI (views, commands). No logic of its own. */
export async function activate(context: vscode.ExtensionContext): Promise<OliExtensionApi> {
  const started = Date.now();
  const own = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = own(new OliLog());
  const credentials = new SecretStorageCredentialStore(context.secrets);
  const model = own(new IntegrationModel(context.workspaceState, credentials, log.for('model')));
  const running = own(new RunningSteps());
  const tree = own(new IntegrationTreeProvider(model, running));
  const treeView = own(vscode.window.createTreeView(INTEGRATION_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }));
  own(vscode.window.registerTreeDataProvider(INSPECTOR_VIEW_ID, new InspectorEntryProvider()));
  const decorations = own(new StatusDecorationProvider(model, running));
  const statusBar = own(new ActiveEnvironmentStatusBar(model));
  const contextKeys = own(new ContextKeys(model));
  const controller = new IntegrationController(model, running, credentials, log);
  const inspector = own(new InspectorPanelHost(context.extensionUri, log.for('inspector')));
  const registry = own(new CommandRegistry(log));
  const session = own(new LocalSandboxSession());

  const deps: CommandDeps = { context, model, controller, running, credentials, log, contextKeys };
  registerPlanCommands(registry, deps);
  registerEnvironmentCommands(registry, deps);
  registerCredentialCommands(registry, deps);
  registerStepCommands(registry, deps);
  registerReportCommands(registry, deps);
  registerSandboxCommands(registry, deps, session);
  registerInspectorCommands(registry, deps, inspector);
  registerLogCommands(registry, deps);

  const updateBadge = () => {
    const env = model.activeEnvironment;
    const open = env ? (model.profile?.steps ?? []).filter((s) => ['failed', 'needs-action'].includes(model.result(env, s.id)?.status ?? '')).length : 0;
    treeView.badge = open ? { value: open, tooltip: vscode.l10n.t('{0} step(s) need action or failed on {1}', open, env ?? '') } : undefined;
    treeView.description = env;
  };
  own(model.onDidChange(updateBadge));
  own(vscode.workspace.onDidGrantWorkspaceTrust(() => contextKeys.update()));

  await model.reload();
  log.for('extension').info(`activated in ${Date.now() - started} ms (VS Code ${vscode.version}, ${vscode.env.appHost})`);
  return { model, running, tree, treeView, decorations, statusBar, credentials, controller, registry, log, inspector, contextKeys };
}

export function deactivate(): void {}
