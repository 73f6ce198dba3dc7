import { BASIS_LEGEND, BASIS_MARK } from '../plan/result';
import type { WhyLinkStatus, WhyReport } from './report';

export const LINK_ICON: Record<WhyLinkStatus, string> = { ok: '✔', broken: '✖', waiting: '…', unknown: '?', info: 'i' };

const VERDICT_WORD: Record<WhyReport['verdict']['outcome'], string> = {
  landed: 'Landed',
  'not-landed': 'Not landed',
  'not-yet': 'Not yet (expected)',
  'should-have-landed': 'Should have landed',
  'cannot-tell': 'Cannot tell',
};

export function verdictWord(r: WhyReport): string {
  return VERDICT_WORD[r.verdict.outcome];
}

/** `oli why` for a terminal: the timeline, then the verdict to paste. */
export function whyToText(r: WhyReport): string {
  const lines = [`Why didn't it land? ${r.learner} · ${r.content} on ${r.environment} (${r.url})`, ''];
  for (const l of r.links) {
    const first = l.id === r.verdict.link ? '  ← first broken link' : '';
    lines.push(`${LINK_ICON[l.status]} ${l.status.padEnd(8)} [${BASIS_MARK[l.basis]}] ${l.title}${l.at ? ` (${l.at.replace('T', ' ').replace(/:\d{2}\.\d{3}Z$/, ' UTC')})` : ''}${r.verdict.outcome === 'not-landed' ? first : ''}`);
    lines.push(`             ${l.message}`);
    if (l.check && l.status !== 'ok') lines.push(`             → ${l.check}`);
  }
  lines.push('', `Verdict: ${verdictWord(r)}`, '', r.verdict.text, '', `${r.requests} request(s), read-only. ${BASIS_LEGEND}`);
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function whyToMarkdown(r: WhyReport): string {
  return (
    [
      `# Why didn't it land? ${r.learner} · ${r.content}`,
      '',
      `- Environment: ${r.environment} (${r.url}), ${r.at}`,
      `- Verdict: **${verdictWord(r)}**`,
      '',
      '> ' + md(r.verdict.text),
      '',
      '| | Link | Basis | What the pod says | Next step |',
      '|---|---|---|---|---|',
      ...r.links.map((l) => `| ${LINK_ICON[l.status]} ${l.status} | ${md(l.title)} | [${BASIS_MARK[l.basis]}] | ${md(l.message)} | ${md(l.status === 'ok' ? '' : (l.check ?? ''))} |`),
      '',
      BASIS_LEGEND,
    ].join('\n') + '\n'
  );
}
