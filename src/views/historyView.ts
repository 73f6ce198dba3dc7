import * as vscode from 'vscode';
import type { HistoryEntry } from '../core/plan/history';
import { HISTORY_ACTIONS } from '../core/plan/stateStore';
import { Disposable } from './disposable';
import { ICON, type IconId } from './icons';
import type { IntegrationModel } from './integrationModel';
import { themeIcon } from './statusPresentation';

export const HISTORY_VIEW = 'oli.history';
/** Scheme of the read-only documents listing the requests of a history entry. */
export const HISTORY_SCHEME = 'oli-history';

type Action = (typeof HISTORY_ACTIONS)[number];

const ACTION_ICON: Record<Action, IconId> = {
  status: ICON.historyStatus,
  apply: ICON.historyApply,
  attest: ICON.historyAttest,
  unattest: ICON.historyUnattest,
  'dry-run': ICON.historyDryRun,
  probe: ICON.historyProbe,
  health: ICON.historyHealth,
  why: ICON.historyWhy,
  rotation: ICON.historyRotation,
};

export function actionLabel(action: Action): string {
  const labels: Record<Action, () => string> = {
    status: () => vscode.l10n.t('Status read'),
    apply: () => vscode.l10n.t('Steps applied'),
    attest: () => vscode.l10n.t('Step attested'),
    unattest: () => vscode.l10n.t('Attestation withdrawn'),
    'dry-run': () => vscode.l10n.t('Dry run'),
    probe: () => vscode.l10n.t('Environment probed'),
    health: () => vscode.l10n.t('Health check'),
    why: () => vscode.l10n.t('Why (explanation)'),
    rotation: () => vscode.l10n.t('Certificate rotation'),
  };
  return labels[action]();
}

export function viaLabel(via: HistoryEntry['via']): string {
  return via === 'cli' ? vscode.l10n.t('CLI') : via === 'vscode' ? vscode.l10n.t('VS Code') : vscode.l10n.t('unknown origin');
}

function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : d.toLocaleString();
}

/** A short summary of an entry's outcome: "9 satisfied, 2 need action" for a status, the note for an attestation. */
export function entrySummary(e: HistoryEntry): string {
  if (e.action === 'status' || e.action === 'apply') {
    const statuses = [...(e.detail ?? '').matchAll(/=([a-z-]+)/g)].map((m) => m[1]!);
    if (statuses.length) {
      const ok = statuses.filter((s) => s === 'done' || s === 'attested' || s === 'not-applicable').length;
      return vscode.l10n.t('{0} of {1} satisfied', ok, statuses.length);
    }
  }
  return e.detail ?? '';
}

/** The URI of the requests document of an entry (environment and time identify it; the history only grows). */
export function historyUri(environment: string, e: HistoryEntry): vscode.Uri {
  return vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${encodeURIComponent(environment)}/${e.action}-${e.at.replace(/[:.]/g, '-')}.md`, query: new URLSearchParams({ at: e.at, action: e.action }).toString() });
}

export class HistoryNode {
  readonly id: string;
  constructor(
    readonly environment: string,
    readonly entry: HistoryEntry,
  ) {
    this.id = `history/${environment}/${entry.at}/${entry.action}/${entry.step ?? ''}`;
  }

  toTreeItem(stepTitle: (id: string) => string | undefined): vscode.TreeItem {
    const e = this.entry;
    const label = e.step ? `${actionLabel(e.action)}: ${stepTitle(e.step) ?? e.step}` : actionLabel(e.action);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = themeIcon(ACTION_ICON[e.action]);
    const who = [e.by, viaLabel(e.via)].filter(Boolean).join(', ');
    item.description = [when(e.at), who, e.requests !== undefined ? vscode.l10n.t('{0} request(s)', e.requests) : ''].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${label}**\n\n`);
    md.appendText(vscode.l10n.t('{0} by {1}, from {2}', when(e.at), e.by ?? vscode.l10n.t('someone'), viaLabel(e.via)));
    const summary = entrySummary(e);
    if (summary) md.appendMarkdown('\n\n').appendText(summary);
    if (e.calls?.length) md.appendMarkdown('\n\n').appendText(vscode.l10n.t('Click to see the {0} request(s) it made (redacted).', e.calls.length + (e.callsDropped ?? 0)));
    item.tooltip = md;
    item.accessibilityInformation = { label: `${label}, ${item.description}` };
    item.contextValue = `history:${e.action}${e.calls?.length ? ':calls' : ''}`;
    if (e.calls?.length) item.command = { command: 'oli.showHistoryRequests', title: vscode.l10n.t('Show the Requests Made (Redacted)'), arguments: [{ environment: this.environment, at: e.at, action: e.action }] };
    return item;
  }
}

/**
 * The History view: every status, run, attestation and probe of the active environment, newest
 * first, from VS Code and the CLI alike (the state file is shared), with who and when; a click
 * opens the requests it made.
 */
export class HistoryTreeProvider extends Disposable implements vscode.TreeDataProvider<HistoryNode>, vscode.TextDocumentContentProvider {
  private readonly changed = this.register(new vscode.EventEmitter<HistoryNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly docChanged = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.docChanged.event;
  /** At most this many entries are listed (the state file keeps 500). */
  static readonly MAX = 200;

  constructor(private readonly model: IntegrationModel) {
    super();
    this.register(model.onDidChange(() => this.changed.fire(undefined)));
    this.register(vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, this));
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    return node.toTreeItem((id) => this.model.profile?.steps.find((s) => s.id === id)?.title);
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    if (node) return [];
    const env = this.model.activeEnvironment;
    if (!env || !this.model.plan) return [];
    return this.model.state(env).history.slice(-HistoryTreeProvider.MAX).reverse().map((e) => new HistoryNode(env, e));
  }

  /** The entry of an environment's history at that time and action. */
  find(environment: string, at: string, action: string): HistoryEntry | undefined {
    return this.model.state(environment).history.find((e) => e.at === at && e.action === action);
  }

  /** The requests document of a history entry (Markdown; the requests are redacted, filter values are placeholders). */
  provideTextDocumentContent(uri: vscode.Uri): string {
    const environment = decodeURIComponent(uri.path.split('/')[1] ?? '');
    const q = new URLSearchParams(uri.query);
    const e = this.find(environment, q.get('at') ?? '', q.get('action') ?? '');
    if (!e) return vscode.l10n.t('This entry is no longer in the history of "{0}" (it keeps the last 500).', environment);
    return historyMarkdown(environment, e, (id) => this.model.profile?.steps.find((s) => s.id === id)?.title);
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** An entry and its requests as Markdown: what, who, when, from where, then one row per request. */
export function historyMarkdown(environment: string, e: HistoryEntry, stepTitle: (id: string) => string | undefined = () => undefined): string {
  const lines = [
    `# ${actionLabel(e.action)}${e.step ? `: ${stepTitle(e.step) ?? e.step}` : ''} — ${environment}`,
    '',
    `- ${vscode.l10n.t('When')}: ${e.at}`,
    `- ${vscode.l10n.t('Who')}: ${e.by ?? vscode.l10n.t('not recorded')}`,
    `- ${vscode.l10n.t('From')}: ${viaLabel(e.via)}`,
    ...(e.requests !== undefined ? [`- ${vscode.l10n.t('Requests')}: ${e.requests}`] : []),
    ...(e.detail ? [`- ${vscode.l10n.t('Outcome')}: ${cell(e.detail)}`] : []),
    '',
    vscode.l10n.t('Requests as sent, redacted: no credential, and the values of filters (learners, user names) replaced by …'),
    '',
  ];
  if (!e.calls?.length) lines.push(vscode.l10n.t('No request was recorded for this entry.'));
  else {
    lines.push(`| # | ${vscode.l10n.t('Request')} | ${vscode.l10n.t('Answer')} | ${vscode.l10n.t('Time')} |`, '|---|---|---|---|');
    e.calls.forEach((c, i) => lines.push(`| ${i + 1} | \`${cell(c.request)}\`${c.attempt ? ` (${vscode.l10n.t('attempt {0}', c.attempt)})` : ''} | ${c.status ?? cell(c.error ?? '—')} | ${c.ms} ms |`));
    if (e.callsDropped) lines.push('', vscode.l10n.t('{0} more request(s) not kept (an entry keeps 60).', e.callsDropped));
  }
  return lines.join('\n') + '\n';
}
