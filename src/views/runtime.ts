// The extension's runtime: the model, the views, the commands and the inspector. Bundled on its own
// (dist/runtime.js) and loaded by the activation shell (src/extension.ts) after activation or when a
// command, the tree or the certificate editor first needs it: zod, the plan engine, axios and
// node-forge stay off the activation path.
import * as vscode from 'vscode';
import { CommandRegistry } from '../commands/registry';
import type { CommandDeps } from '../commands/deps';
import { registerPlanCommands } from '../commands/planCommands';
import { registerEnvironmentCommands } from '../commands/environmentCommands';
import { registerCredentialCommands } from '../commands/credentialCommands';
import { registerStepCommands } from '../commands/stepCommands';
import { registerReportCommands } from '../commands/reportCommands';
import { LocalSandboxSession, registerSandboxCommands } from '../commands/sandboxCommands';
import { registerInspectorCommands } from '../commands/inspectorCommands';
import { registerLogCommands } from '../commands/logCommands';
import { registerProbeCommands } from '../commands/probeCommands';
import { registerOperationsCommands, type OperationsViews } from '../commands/operationsCommands';
import { CertificateStatusBar } from './certificateStatusBar';
import { OliLog } from './logger';
import { SecretStorageCredentialStore } from './secretStorageCredentialStore';
import { IntegrationModel } from './integrationModel';
import { RunningSteps } from './runningSteps';
import { IntegrationTreeProvider } from './integrationTree';
import { StatusDecorationProvider } from './statusDecorations';
import { ActiveEnvironmentStatusBar } from './statusBar';
import { ContextKeys } from './contextKeys';
import { IntegrationController } from './integrationController';
import { InspectorPanelHost } from './inspectorPanel';
import { InspectorService } from './inspectorService';
import { CertificateEditorProvider } from './certificateEditor';
import type { IntegrationNode } from './treeNodes';

/** What the activation shell hands to the runtime. */
export interface ShellParts {
  context: vscode.ExtensionContext;
  treeView: vscode.TreeView<IntegrationNode>;
  /** Connects the runtime's tree provider to the view the shell created. */
  bindTree(provider: vscode.TreeDataProvider<IntegrationNode>): void;
  /** performance.now() deltas measured by the shell. */
  timings: { activateMs: number };
}

export interface ExtensionTimings {
  /** The shell's activate() (the bundle load is measured by whoever requires it). */
  activateMs: number;
  /** require('dist/runtime.js'), measured by the shell. */
  runtimeLoadMs: number;
  /** startRuntime() up to the first model load. */
  runtimeStartMs: number;
}

/** The live objects, for the integration tests and for other extensions. */
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
  inspectorService: InspectorService;
  certificateEditor: CertificateEditorProvider;
  contextKeys: ContextKeys;
  timings: ExtensionTimings;
  /** Issue 14: the inbound certificate's warning, the why timeline and the environments matrix. */
  certificateBar: CertificateStatusBar;
  operations: OperationsViews;
}

/** Wires the core (plan, engine, credentials) to the UI (views, commands). No logic of its own. */
export async function startRuntime(shell: ShellParts, runtimeLoadMs: number): Promise<OliExtensionApi> {
  const started = performance.now();
  const { context, treeView } = shell;
  const own = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = own(new OliLog());
  const credentials = new SecretStorageCredentialStore(context.secrets);
  const model = own(new IntegrationModel(context.workspaceState, credentials, log.for('model')));
  const running = own(new RunningSteps());
  const tree = own(new IntegrationTreeProvider(model, running));
  shell.bindTree(tree);
  const decorations = own(new StatusDecorationProvider(model, running));
  const statusBar = own(new ActiveEnvironmentStatusBar(model));
  const contextKeys = own(new ContextKeys(model));
  const controller = new IntegrationController(model, running, credentials, log);
  const inspectorService = new InspectorService(model, controller, log);
  const inspector = own(new InspectorPanelHost(context.extensionUri, log.for('inspector'), inspectorService));
  const certificateEditor = own(new CertificateEditorProvider(context.extensionUri, log.for('inspector'), inspectorService));
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
  registerProbeCommands(registry, deps);
  const certificateBar = own(new CertificateStatusBar(model));
  const operations = registerOperationsCommands(registry, deps, certificateBar);

  const updateBadge = () => {
    const env = model.activeEnvironment;
    const open = env ? (model.profile?.steps ?? []).filter((s) => ['failed', 'needs-action'].includes(model.result(env, s.id)?.status ?? '')).length : 0;
    treeView.badge = open ? { value: open, tooltip: vscode.l10n.t('{0} step(s) need action or failed on {1}', open, env ?? '') } : undefined;
    treeView.description = env;
  };
  own(model.onDidChange(updateBadge));
  own(model.onDidChange(() => inspector.updateContext()));
  own(vscode.workspace.onDidGrantWorkspaceTrust(() => contextKeys.update()));

  await model.reload();
  const timings: ExtensionTimings = { activateMs: shell.timings.activateMs, runtimeLoadMs, runtimeStartMs: performance.now() - started };
  log
    .for('extension')
    .info(
      `activated in ${timings.activateMs.toFixed(1)} ms; runtime loaded in ${timings.runtimeLoadMs.toFixed(1)} ms and started in ${timings.runtimeStartMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.appHost})`,
    );
  return { model, running, tree, treeView, decorations, statusBar, credentials, controller, registry, log, inspector, inspectorService, certificateEditor, contextKeys, timings, certificateBar, operations };
}
