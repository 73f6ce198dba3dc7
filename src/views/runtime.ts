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
import { registerSandboxCommands } from '../commands/sandboxCommands';
import { registerPracticeCommands } from '../commands/practiceCommands';
import { registerInspectorCommands } from '../commands/inspectorCommands';
import { registerLogCommands } from '../commands/logCommands';
import { registerProbeCommands } from '../commands/probeCommands';
import { registerOperationsCommands, type OperationsViews } from '../commands/operationsCommands';
import { CertificateStatusBar } from './certificateStatusBar';
import { registerTrustCommands } from '../commands/trustCommands';
import { registerSignInCommands } from '../commands/signInCommands';
import { SecretStorageSignInStore, SignInAccounts } from './authProvider';
import { SignInCredentialStore } from './signInCredentialStore';
import { environmentAuth } from '../core/plan/planFile';
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
import { LocalSandboxSession } from './localSandbox';
import { AutoRefresh } from './autoRefresh';
import { planErrorForPeople } from './planErrors';
import { Settings } from './settings';
import { PlanDiagnostics } from './planDiagnostics';
import { HISTORY_VIEW, HistoryTreeProvider } from './historyView';
import { StepPageHost } from './stepPage';
import { IdentityPageHost } from './identityPage';
import { StepNode } from './treeNodes';
import { isTrusted } from './workspaceTrust';
import { registerPlanFixCommands } from '../commands/planFixCommands';
import { registerStepPageCommands } from '../commands/stepPageCommands';
import { configureCoreL10n } from './coreL10n';

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
  sandbox: LocalSandboxSession;
  autoRefresh: AutoRefresh;
  /** The sign-ins (OAuth with the identity domain, own JWT key) and their Accounts-menu providers. */
  accounts: SignInAccounts;
  timings: ExtensionTimings;
  /** Issue 13: the typed settings, the plan's Problems, the History view, the step page and the identity check page. */
  settings: Settings;
  planDiagnostics: PlanDiagnostics;
  history: HistoryTreeProvider;
  historyView: vscode.TreeView<unknown>;
  stepPage: StepPageHost;
  identityPage: IdentityPageHost;
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
  // The core's messages (step details, findings) in the UI language, through @vscode/l10n.
  configureCoreL10n();
  const settings = own(new Settings());
  const credentials = new SecretStorageCredentialStore(context.secrets);
  // What an environment sends depends on how its plan entry signs in: a password, or a sign-in of the providers below.
  let accounts: SignInAccounts | undefined;
  let model: IntegrationModel | undefined;
  const signedIn = new SignInCredentialStore(credentials, () => accounts!, (env) => (model?.plan ? environmentAuth(model.plan, env) : { method: 'basic' }));
  model = own(new IntegrationModel(context.workspaceState, signedIn, log.for('model')));
  accounts = own(new SignInAccounts(context, new SecretStorageSignInStore(context.secrets), model, log));
  const running = own(new RunningSteps());
  const sandbox = own(new LocalSandboxSession(context.workspaceState, context.storageUri?.fsPath, context.extensionPath, log.for('sandbox')));
  const tree = own(new IntegrationTreeProvider(model, running, sandbox));
  shell.bindTree(tree);
  const decorations = own(new StatusDecorationProvider(model, running));
  const statusBar = own(new ActiveEnvironmentStatusBar(model, sandbox));
  const contextKeys = own(new ContextKeys(model, sandbox));
  const controller = new IntegrationController(model, running, signedIn, log, sandbox);
  controller.notSignedIn = (env, url, method) => accounts!.notSignedIn(env, url, method);
  own(
    accounts.onDidChange(({ environment }) => {
      controller.credentialsChanged();
      void model!.refreshCredentialPresence(environment);
    }),
  );
  const autoRefresh = own(new AutoRefresh(model, controller, running, sandbox, log.for('model')));
  const inspectorService = new InspectorService(model, controller, log);
  const inspector = own(new InspectorPanelHost(context.extensionUri, log.for('inspector'), inspectorService));
  const certificateEditor = own(new CertificateEditorProvider(context.extensionUri, log.for('inspector'), inspectorService));
  const registry = own(new CommandRegistry(log));
  const planDiagnostics = own(new PlanDiagnostics(model, log.for('plan')));
  const history = own(new HistoryTreeProvider(model));
  const historyView = own(vscode.window.createTreeView(HISTORY_VIEW, { treeDataProvider: history }));
  const stepPage = own(new StepPageHost(context.extensionUri, model, running, tree, registry, log.for('webview')));
  const identityPage = own(new IdentityPageHost(context.extensionUri, log.for('webview')));

  const deps: CommandDeps = { context, model, controller, running, credentials, log, contextKeys, sandbox, autoRefresh, identityPage };
  registerPlanCommands(registry, deps);
  registerEnvironmentCommands(registry, deps);
  registerCredentialCommands(registry, deps);
  registerStepCommands(registry, deps);
  registerReportCommands(registry, deps);
  registerSandboxCommands(registry, deps);
  registerPracticeCommands(registry, deps);
  registerInspectorCommands(registry, deps, inspector);
  registerLogCommands(registry, deps);
  registerProbeCommands(registry, deps);
  registerTrustCommands(registry);
  registerPlanFixCommands(registry, deps);
  registerStepPageCommands(registry, deps, { stepPage, history });

  // Selecting a step in the tree shows it on the step page (one page, reused; the tree keeps the focus).
  own(
    treeView.onDidChangeSelection((e) => {
      const node = e.selection[0];
      log.for('webview').trace(`tree selection: ${node?.kind ?? 'none'} ${node?.id ?? ''}`);
      if (node instanceof StepNode) stepPage.open(node.environment, node.definition.id, { preserveFocus: true });
    }),
  );

  // Settings apply at once: the network ones at the next request (read per command), the ones that
  // judge certificates and tokens by reading the status again, the default environment by selecting it.
  model.preferredEnvironment = () => settings.current.defaultEnvironment;
  const settingsLog = log.for('settings');
  own(
    settings.onDidChange((c) => {
      settingsLog.info(`settings changed: ${settings.describe(c.settings)}`);
      if (c.judgement && model.activeEnvironment && Object.keys(model.state(model.activeEnvironment).lastResults).length) autoRefresh.request(undefined, 'the certificate warning days or the JWT clock tolerance changed');
      const env = c.settings.defaultEnvironment;
      if (c.defaultEnvironment && env && model.environments.includes(env) && env !== model.activeEnvironment) void model.setActiveEnvironment(env);
    }),
  );
  registerSignInCommands(registry, deps, accounts);
  const certificateBar = own(new CertificateStatusBar(model));
  const operations = registerOperationsCommands(registry, deps, certificateBar);

  const updateBadge = () => {
    const env = model.activeEnvironment;
    const open = env ? (model.profile?.steps ?? []).filter((s) => ['failed', 'needs-action'].includes(model.result(env, s.id)?.status ?? '')).length : 0;
    treeView.badge = open ? { value: open, tooltip: vscode.l10n.t('{0} step(s) need action or failed on {1}', open, env ?? '') } : undefined;
    treeView.description = env;
    // An invalid plan: the view says what is wrong (its nodes offer Open Plan and Show Log).
    const message = tree.planMessage();
    treeView.message = message ? vscode.l10n.t('The plan file is not valid, so nothing can be checked. {0}', message) : undefined;
  };
  own(model.onDidChange(updateBadge));
  own(model.onDidChange(() => inspector.updateContext()));
  own(vscode.workspace.onDidGrantWorkspaceTrust(() => contextKeys.update()));
  // The local sandbox on another port than the plan's stable URL: the environment resolves to the live one.
  const syncSandboxUrl = () => {
    const r = sandbox.record;
    if (!r) return;
    const planUrl = model.planFileUrl(r.environment);
    model.setUrlOverride(r.environment, sandbox.running && planUrl && planUrl !== r.url && sandbox.isSandboxEnvironment(r.environment, planUrl) ? r.url : undefined);
  };
  own(sandbox.onDidChange(syncSandboxUrl));
  own(model.onDidChangePlan(syncSandboxUrl));
  // An invalid plan is said once when it becomes invalid (not at every reload), with the way to fix it.
  let lastPlanError: string | undefined;
  own(
    model.onDidChangePlan(() => {
      const err = model.planError;
      if (err && err !== lastPlanError) {
        const open = vscode.l10n.t('Open Plan');
        void vscode.window.showWarningMessage(vscode.l10n.t('The plan file is not valid: {0}', planErrorForPeople(err)), open).then((c) => c === open && vscode.commands.executeCommand('oli.openPlan'));
      }
      lastPlanError = err;
    }),
  );

  await sandbox.attach();
  await model.reload();
  settingsLog.info(`settings: ${settings.describe()}`);
  // oracleLearning.refreshOnOpen: the active environment's status, read once the window opened (trusted folders only: it sends the stored credentials).
  if (settings.current.refreshOnOpen && model.activeEnvironment) {
    if (isTrusted()) autoRefresh.request(undefined, vscode.l10n.t('the window opened (oracleLearning.refreshOnOpen)'), { immediate: true });
    else settingsLog.info('refresh on open skipped: Restricted Mode sends nothing to Oracle');
  }
  const timings: ExtensionTimings = { activateMs: shell.timings.activateMs, runtimeLoadMs, runtimeStartMs: performance.now() - started };
  log
    .for('extension')
    .info(
      `activated in ${timings.activateMs.toFixed(1)} ms; runtime loaded in ${timings.runtimeLoadMs.toFixed(1)} ms and started in ${timings.runtimeStartMs.toFixed(1)} ms (VS Code ${vscode.version}, ${vscode.env.appHost})`,
    );
  return { model, running, tree, treeView, decorations, statusBar, credentials, controller, registry, log, inspector, inspectorService, certificateEditor, contextKeys, sandbox, autoRefresh, accounts, timings, settings, planDiagnostics, history, historyView: historyView as vscode.TreeView<unknown>, stepPage, identityPage, certificateBar, operations };
}
