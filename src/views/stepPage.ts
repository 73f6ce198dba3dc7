import * as vscode from 'vscode';
import { isSatisfied, STEP_IDS, type StepId } from '../core/plan/stepIds';
import { stepHistory } from '../core/plan/history';
import type { Basis } from '../core/plan/result';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { IntegrationTreeProvider } from './integrationTree';
import type { RunningSteps } from './runningSteps';
import type { ComponentLog } from './logger';
import type { CommandRegistry } from '../commands/registry';
import { stepPageStateSchema, stepPageToHostSchema, toStepPageSchema, type StepPageToHost, type StepPageView, type ToStepPage } from './stepPageProtocol';
import { outcomeLabel, statusLabel } from './statusPresentation';
import { basisLine } from './treeNodes';
import { actionLabel, viaLabel } from './historyView';
import { isTrusted, restrictedModeText } from './workspaceTrust';
import { PAGE_STYLE, webviewShell } from './webviewHtml';

export const STEP_PAGE_TYPE = 'oli.stepPage';

/** Strings the page shows, translated here (vscode.l10n) and sent at init. */
export function stepPageStrings(): Record<string, string> {
  return {
    environment: vscode.l10n.t('Environment'),
    oracleSays: vscode.l10n.t('What Oracle\'s procedure asks'),
    openDocs: vscode.l10n.t('Open Oracle\'s documentation'),
    liveChecks: vscode.l10n.t('Live checks'),
    noChecks: vscode.l10n.t('No finding yet: read the status to check this step on the pod.'),
    lastChecked: vscode.l10n.t('Last checked'),
    never: vscode.l10n.t('never'),
    dependsOn: vscode.l10n.t('Depends on'),
    checklist: vscode.l10n.t('Checklist'),
    checklistIntro: vscode.l10n.t('What an administrator does in Oracle for this step:'),
    openInOracle: vscode.l10n.t('Open in Oracle'),
    practice: vscode.l10n.t('Do this in the sandbox'),
    practiceNote: vscode.l10n.t('simulates the Oracle page in the local sandbox; not Oracle'),
    cautions: vscode.l10n.t('Cautions'),
    evidence: vscode.l10n.t('Evidence and attestation'),
    recordHint: vscode.l10n.t('Write down as evidence'),
    noteLabel: vscode.l10n.t('Evidence note: what you checked and where'),
    notePlaceholder: vscode.l10n.t('e.g. Security Console > Roles: XX_COURSERA_CONTENT_PROVIDER_JOB exists with the duty, checked by …'),
    attest: vscode.l10n.t('Attest'),
    attestedBy: vscode.l10n.t('Attested by {0} on {1}'),
    notAttested: vscode.l10n.t('Not attested yet.'),
    attestAutomatic: vscode.l10n.t('This step is checked and applied through Oracle\'s API: it is not attested.'),
    run: vscode.l10n.t('Run Step'),
    dryRun: vscode.l10n.t('Dry Run'),
    refresh: vscode.l10n.t('Refresh Status'),
    factsFound: vscode.l10n.t('Facts found on the pod'),
    history: vscode.l10n.t('History'),
    noHistory: vscode.l10n.t('Nothing recorded for this step yet.'),
    when: vscode.l10n.t('When'),
    what: vscode.l10n.t('What'),
    who: vscode.l10n.t('Who'),
    outcome: vscode.l10n.t('Outcome'),
    requests: vscode.l10n.t('Requests'),
    showRequests: vscode.l10n.t('Show {0} requests'),
    basisLegend: vscode.l10n.t('D: documented by Oracle · I: inferred (Oracle publishes nothing; a pod may differ) · S: sandbox stand-in'),
    restricted: vscode.l10n.t('Restricted Mode'),
    running: vscode.l10n.t('Running'),
    sandboxPod: vscode.l10n.t('local sandbox, not Oracle'),
    production: vscode.l10n.t('production: applying and attesting ask first'),
  };
}

const BASIS_LETTER: Record<Basis, string> = { documented: 'D', inferred: 'I', 'stand-in': 'S' };

/** Journal of the page's messages (tests read it). */
export interface StepPageJournal {
  sent: ToStepPage[];
  received: StepPageToHost[];
  rejected: unknown[];
}

function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > 100) list.shift();
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * The step page (issue 13): one editor page, reused, for the step selected in the tree. What
 * Oracle's procedure asks, the live sub-checks with their basis, the checklist with the deep link
 * (and "Do this in the sandbox" on the local sandbox), the evidence and attestation form, the facts
 * found, and the step's history with who and when. Typed messages both ways, a ready handshake;
 * the page keeps which step it shows and the draft note (setState), and is restored after a
 * window reload (the serializer, src/extension.ts).
 */
export class StepPageHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private target: { environment: string; step: StepId } | undefined;
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  readonly journal: StepPageJournal = { sent: [], received: [], rejected: [] };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: IntegrationModel,
    private readonly running: RunningSteps,
    private readonly tree: IntegrationTreeProvider,
    private readonly registry: CommandRegistry,
    private readonly log: ComponentLog,
  ) {
    super();
    this.register(model.onDidChange(() => this.update()));
    this.register(running.onDidChange(() => this.update()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()));
    this.register({ dispose: () => this.panel?.dispose() });
  }

  get isOpen(): boolean {
    return !!this.panel;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The step shown, if any. */
  get current(): { environment: string; step: StepId } | undefined {
    return this.target;
  }

  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.readyWaiters.push(r));
  }

  /** Shows a step on the page (opening it, or reusing the one open). */
  open(environment: string, step: StepId, o: { preserveFocus?: boolean } = {}): vscode.WebviewPanel {
    this.target = { environment, step };
    if (this.panel) {
      this.panel.reveal(undefined, o.preserveFocus ?? false);
      this.update();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(STEP_PAGE_TYPE, this.title(), { viewColumn: vscode.ViewColumn.Active, preserveFocus: o.preserveFocus ?? false }, { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: true });
    this.attach(panel);
    return panel;
  }

  /** A page VS Code restores after a reload (its state: which step it showed). */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const s = stepPageStateSchema.safeParse(state);
    if (s.success && (STEP_IDS as readonly string[]).includes(s.data.step)) this.target = { environment: s.data.environment, step: s.data.step as StepId };
    if (this.panel) {
      // One page: a second restored one is closed (the first shows the step).
      panel.dispose();
      return;
    }
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'oracle-learning.svg');
    panel.webview.html = webviewShell(panel.webview, this.extensionUri, { script: 'stepPage.js', title: this.title(), style: PAGE_STYLE + STEP_PAGE_STYLE });
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden page is destroyed (retainContextWhenHidden: false); it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        this.panelDisposables.forEach((d) => d.dispose());
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
        }
      }),
    ];
    panel.title = this.title();
  }

  private title(): string {
    const t = this.target;
    const def = t && this.model.profile?.steps.find((s) => s.id === t.step);
    return def ? vscode.l10n.t('Step: {0} ({1})', def.title, t!.environment) : vscode.l10n.t('Oracle Learning step');
  }

  private send(message: ToStepPage): void {
    const checked = toStepPageSchema.parse(message);
    remember(this.journal.sent, checked);
    if (this.panel && this.ready) void this.panel.webview.postMessage(checked);
  }

  /** Sends the current step again (after a change of the model, a run, a trust grant). */
  update(): void {
    if (!this.panel) return;
    this.panel.title = this.title();
    if (!this.ready) return;
    const view = this.view();
    if (view) this.send({ type: 'step', view });
    else this.send({ type: 'empty', message: vscode.l10n.t('This step is not in the plan of the workspace any more (or the environment is gone).') });
  }

  /** The page's content for the current step, every text prepared here. */
  view(): StepPageView | undefined {
    const t = this.target;
    const plan = this.model.plan;
    const profile = this.model.profile;
    if (!t || !plan || !profile || !plan.environments[t.environment]) return undefined;
    const index = profile.steps.findIndex((s) => s.id === t.step);
    const def = profile.steps[index];
    if (!def) return undefined;
    const env = t.environment;
    const r = this.model.result(env, def.id);
    const status = r?.status ?? 'unknown';
    const kind = this.tree.environmentKind(env);
    const runningLabel = this.running.get(env, def.id) ?? null;
    const trusted = isTrusted();
    const practicable = this.tree.practiceOffered(env) && !isSatisfied(status) && status !== 'not-applicable';
    const state = this.model.state(env);
    return {
      environment: env,
      url: plan.environments[env]!.url,
      environmentKind: kind,
      step: {
        id: def.id,
        index: index + 1,
        title: def.title,
        automation: def.automation,
        automationLabel: def.automation === 'automatic' ? vscode.l10n.t('automatic') : vscode.l10n.t('guided'),
        status,
        statusLabel: statusLabel(status),
        detail: r?.detail ?? vscode.l10n.t('Not checked yet: read the status (Refresh Status).'),
        basis: r?.basis ?? null,
        basisText: r?.basis ? `${BASIS_LETTER[r.basis]} · ${basisLine(r.basis)}` : null,
        checkedAt: r ? when(r.checkedAt) : null,
        oracleAsks: def.oracleAsks,
        docUrl: def.docUrl,
        dependsOn: def.dependsOn.map((d) => {
          const dr = this.model.result(env, d)?.status ?? 'unknown';
          return { id: d, title: profile.steps.find((s) => s.id === d)?.title ?? d, status: dr, statusLabel: statusLabel(dr) };
        }),
      },
      checks: (r?.checks ?? []).map((c) => ({ id: c.id, title: c.title, outcome: c.outcome, outcomeLabel: outcomeLabel(c.outcome), message: c.message, basis: c.basis ?? null, basisText: c.basis ? `${BASIS_LETTER[c.basis]} · ${basisLine(c.basis)}` : null })),
      guidance: { checklist: def.guidance.checklist, deepLink: def.guidance.deepLink ? { label: def.guidance.deepLink.label, navigation: def.guidance.deepLink.navigation } : null, record: def.guidance.record, cautions: def.guidance.cautions ?? [] },
      attestation: r?.attestation ?? state.attestations[def.id] ?? null,
      evidence: Object.entries(r?.evidence ?? {}).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) })),
      history: stepHistory(state.history, def.id, 30).map(({ entry, status: s }) => {
        const st = s ? (['done', 'attested', 'needs-action', 'failed', 'blocked', 'not-applicable', 'unknown'] as const).find((x) => x === s) : undefined;
        return {
          at: entry.at,
          when: when(entry.at),
          action: entry.action,
          actionLabel: actionLabel(entry.action),
          by: entry.by ?? null,
          via: viaLabel(entry.via),
          status: st ?? null,
          statusLabel: st ? statusLabel(st) : null,
          detail: entry.action === 'attest' || entry.action === 'unattest' ? (entry.detail ?? null) : null,
          requests: entry.requests ?? null,
          hasCalls: !!entry.calls?.length,
        };
      }),
      actions: {
        attest: def.automation === 'guided' && status !== 'not-applicable',
        run: def.automation === 'automatic' && status !== 'not-applicable',
        dryRun: def.automation === 'automatic' && status !== 'not-applicable',
        practice: practicable,
        openInOracle: !!def.guidance.deepLink,
        restricted: trusted ? null : restrictedModeText(),
        running: runningLabel,
      },
    };
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = stepPageToHostSchema.safeParse(raw);
    if (!parsed.success) {
      remember(this.journal.rejected, raw);
      this.log.warn(`ignored an invalid message from the step page: ${parsed.error.issues[0]?.message ?? 'not a message'}`);
      return;
    }
    const m = parsed.data;
    remember(this.journal.received, m);
    if (m.type === 'ready') {
      this.ready = true;
      this.send({ type: 'init', strings: stepPageStrings() });
      this.update();
      for (const w of this.readyWaiters.splice(0)) w();
      return;
    }
    if (m.type === 'invalid-message') {
      this.log.warn(`the step page ignored an invalid message: ${m.issue}`);
      return;
    }
    const t = this.target;
    if (!t) return;
    const arg = { step: t.step, environment: t.environment };
    switch (m.type) {
      case 'attest':
        await this.attest(m.note);
        return;
      case 'run-step':
        await vscode.commands.executeCommand('oli.runStep', arg);
        return;
      case 'dry-run':
        await vscode.commands.executeCommand('oli.dryRun', arg);
        return;
      case 'practice':
        await vscode.commands.executeCommand('oli.practiceStep', arg);
        return;
      case 'open-in-oracle':
        await vscode.commands.executeCommand('oli.openInOracle', arg);
        return;
      case 'open-docs':
        await vscode.commands.executeCommand('oli.openStepDocs', arg);
        return;
      case 'refresh':
        await vscode.commands.executeCommand('oli.refresh', { environment: t.environment });
        return;
      case 'show-requests':
        await vscode.commands.executeCommand('oli.showHistoryRequests', { environment: t.environment, at: m.at, action: m.action });
        return;
      case 'open-step':
        if ((STEP_IDS as readonly string[]).includes(m.step)) this.open(t.environment, m.step as StepId);
        return;
    }
  }

  /**
   * Attests the step from the page: through the "Attest Guided Step" command (the one trust gate,
   * the production confirmation), with the note written on the page; the page hears the outcome.
   */
  private async attest(note: string): Promise<void> {
    const t = this.target!;
    const before = this.registry.lastError;
    const r = (await vscode.commands.executeCommand('oli.attestStep', { step: t.step, environment: t.environment }, note)) as { status?: string; detail?: string } | undefined;
    if (r?.status) {
      const ok = r.status === 'attested';
      this.send({ type: 'attest-result', ok, message: ok ? (r.detail ?? vscode.l10n.t('Attested.')) : vscode.l10n.t('Recorded, but the pod says otherwise: {0}', r.detail ?? '') });
      return;
    }
    const err = this.registry.lastError !== before && this.registry.lastError?.command === 'oli.attestStep' ? this.registry.lastError.message : vscode.l10n.t('Not recorded (cancelled).');
    this.send({ type: 'attest-result', ok: false, message: err });
  }
}

const STEP_PAGE_STYLE = `
  .subtitle { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
  .checks li { list-style: none; margin-left: -22px; display: grid; grid-template-columns: 1.6em 1fr auto; gap: 2px 8px; }
  .checks .message { grid-column: 2 / 4; }
  .history td.status { white-space: nowrap; }
  .evidence td:first-child { white-space: nowrap; color: var(--vscode-descriptionForeground); }
  #attest-result[data-ok="false"] .mark { color: var(--vscode-errorForeground); }
`;
