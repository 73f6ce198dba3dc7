import * as l10n from '@vscode/l10n';
import { BASIS_LEGEND, BASIS_MARK } from '../plan/result';
import type { WhyLinkStatus, WhyReport } from './report';

export const LINK_ICON: Record<WhyLinkStatus, string> = { ok: '✔', broken: '✖', waiting: '…', unknown: '?', info: 'i' };

/** The verdict in words (the outcome itself stays the schema's value); built on each call, in the language configured then. */
export function verdictWord(r: WhyReport): string {
  const words: Record<WhyReport['verdict']['outcome'], string> = {
    landed: l10n.t('Landed'),
    'not-landed': l10n.t('Not landed'),
    'not-yet': l10n.t('Not yet (expected)'),
    'should-have-landed': l10n.t('Should have landed'),
    'cannot-tell': l10n.t('Cannot tell'),
  };
  return words[r.verdict.outcome];
}

/** `oli why` for a terminal: the timeline, then the verdict to paste. */
export function whyToText(r: WhyReport): string {
  const lines = [l10n.t("Why didn't it land? {0} · {1} on {2} ({3})", r.learner, r.content, r.environment, r.url), ''];
  for (const l of r.links) {
    const first = l.id === r.verdict.link ? `  ← ${l10n.t('first broken link')}` : '';
    lines.push(`${LINK_ICON[l.status]} ${l.status.padEnd(8)} [${BASIS_MARK[l.basis]}] ${l.title}${l.at ? ` (${l.at.replace('T', ' ').replace(/:\d{2}\.\d{3}Z$/, ' UTC')})` : ''}${r.verdict.outcome === 'not-landed' ? first : ''}`);
    lines.push(`             ${l.message}`);
    if (l.check && l.status !== 'ok') lines.push(`             → ${l.check}`);
  }
  lines.push('', l10n.t('Verdict: {0}', verdictWord(r)), '', r.verdict.text, '', `${l10n.t('{0} request(s), read-only.', r.requests)} ${BASIS_LEGEND}`);
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function whyToMarkdown(r: WhyReport): string {
  return (
    [
      `# ${l10n.t("Why didn't it land? {0} · {1}", r.learner, r.content)}`,
      '',
      `- ${l10n.t('Environment: {0} ({1}), {2}', r.environment, r.url, r.at)}`,
      `- ${l10n.t('Verdict: **{0}**', verdictWord(r))}`,
      '',
      '> ' + md(r.verdict.text),
      '',
      `| | ${l10n.t('Link')} | ${l10n.t('Basis')} | ${l10n.t('What the pod says')} | ${l10n.t('Next step')} |`,
      '|---|---|---|---|---|',
      ...r.links.map((l) => `| ${LINK_ICON[l.status]} ${l.status} | ${md(l.title)} | [${BASIS_MARK[l.basis]}] | ${md(l.message)} | ${md(l.status === 'ok' ? '' : (l.check ?? ''))} |`),
      '',
      BASIS_LEGEND,
    ].join('\n') + '\n'
  );
}
