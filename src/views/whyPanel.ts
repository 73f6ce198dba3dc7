import * as vscode from 'vscode';
import type { WhyLinkStatus, WhyReport } from '../core/why/report';
import { verdictWord } from '../core/why/render';
import { BASIS_MARK } from '../core/plan/result';
import { OperationsPanel } from './operationsWebview';
import { esc } from './operationsProtocol';
import type { ComponentLog } from './logger';

const DOT: Record<WhyLinkStatus, string> = { ok: '✓', broken: '✗', waiting: '…', unknown: '?', info: 'i' };

function statusWord(s: WhyLinkStatus): string {
  return { ok: vscode.l10n.t('holds'), broken: vscode.l10n.t('broken'), waiting: vscode.l10n.t('waiting'), unknown: vscode.l10n.t('could not be checked'), info: vscode.l10n.t('note') }[s];
}

const time = (iso: string) => iso.replace('T', ' ').replace(/:\d{2}(\.\d{3})?Z$/, ' UTC');

/** The "Why Didn't This Land?" timeline as HTML (every text escaped). */
export function whyBody(r: WhyReport): string {
  const links = r.links
    .map((l) => {
      const first = r.verdict.link === l.id && (r.verdict.outcome === 'not-landed' || r.verdict.outcome === 'not-yet');
      return `<li class="${esc(l.status)}${first ? ' first' : ''}" data-link="${esc(l.id)}" data-status="${esc(l.status)}">
  <span class="dot">${DOT[l.status]}</span>
  <span class="title">${esc(l.title)}</span><span class="when">${l.at ? esc(time(l.at)) : ''}</span><span class="basis">[${BASIS_MARK[l.basis]}] ${esc(statusWord(l.status))}</span>
  <div class="message">${esc(l.message)}</div>
  ${l.check && l.status !== 'ok' ? `<div class="check muted">→ ${esc(l.check)}</div>` : ''}
</li>`;
    })
    .join('\n');
  return `<h1>${esc(vscode.l10n.t("Why didn't this land?"))}</h1>
<div class="muted">${esc(`${r.learner} · ${r.content} · ${r.environment} (${r.url})${r.since ? ` · ${vscode.l10n.t('completed around {0}', time(r.since))}` : ''}`)}</div>
<div id="verdict" class="verdict ${esc(r.verdict.outcome)}" data-outcome="${esc(r.verdict.outcome)}"><strong>${esc(verdictWord(r))}</strong><p>${esc(r.verdict.text)}</p></div>
<div class="bar"><button data-action="copy">${esc(vscode.l10n.t('Copy for the support desk'))}</button><button class="secondary" data-action="refresh">${esc(vscode.l10n.t('Check again'))}</button></div>
<ol id="timeline" class="timeline">
${links}
</ol>
<p class="muted">${esc(vscode.l10n.t('{0} request(s), read-only, at {1}. [D] documented by Oracle · [I] inferred · [S] sandbox stand-in.', r.requests, time(r.at)))}</p>`;
}

/** The panel: one at a time; "Check again" reruns the same question, "Copy" puts the verdict on the clipboard. */
export class WhyPanel extends OperationsPanel {
  report: WhyReport | undefined;

  constructor(log: ComponentLog, rerun: (r: WhyReport) => Promise<void>) {
    super('oli.why', log, async (m) => {
      if (!this.report) return;
      if (m.type === 'copy') {
        await vscode.env.clipboard.writeText(this.report.verdict.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Verdict copied for the support desk'), 3000);
      } else if (m.type === 'refresh') await rerun(this.report);
    });
  }

  showReport(r: WhyReport): void {
    this.report = r;
    this.show(vscode.l10n.t('Why: {0}', r.learner), whyBody(r));
  }
}
