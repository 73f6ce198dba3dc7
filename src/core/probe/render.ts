import * as l10n from '@vscode/l10n';
import { BASIS_LEGEND, BASIS_MARK } from '../plan/result';
import { recordHistory, type EnvironmentState, type HistoryExtra } from '../plan/stateStore';
import type { ProbeOutcome, ProbeReport } from './probe';

const OUTCOME_ICON: Record<ProbeOutcome, string> = { confirmed: '✔', contradicted: '✖', refused: '⊘', 'not-available': '–' };

function outcomeText(a: ProbeReport['assumptions'][number]): string {
  if (a.outcome === 'refused') return a.privilege ? l10n.t('refused ({0}, needs {1})', a.status ?? '?', a.privilege) : l10n.t('refused ({0})', a.status ?? '?');
  const words: Record<Exclude<ProbeOutcome, 'refused'>, string> = { confirmed: l10n.t('confirmed'), contradicted: l10n.t('CONTRADICTED'), 'not-available': l10n.t('not available') };
  return words[a.outcome];
}

/** The probe for a terminal: one line per assumption, then the missing privileges. */
export function probeToText(r: ProbeReport): string {
  const lines = [l10n.t('Probe of {0} ({1}) at {2}: {3} GET request(s), nothing changed.', r.environment, r.url, r.at, r.requests), ''];
  for (const a of r.assumptions) {
    lines.push(`${OUTCOME_ICON[a.outcome]} [${BASIS_MARK[a.basis]}] ${a.title}: ${outcomeText(a)}`);
    lines.push(`      ${a.detail}`);
    if (a.request) lines.push(`      (${a.request})`);
  }
  lines.push('', l10n.t('Summary: {0}.', r.learned.summary ?? ''));
  lines.push('', r.missingPrivileges.length ? l10n.t('Missing privileges of the administrator, per step:') : l10n.t('The administrator was refused nothing.'));
  for (const m of r.missingPrivileges) lines.push(`  ${l10n.t('{0}: {1} (refused: {2})', m.step, m.needs, m.because.join('; '))}`);
  lines.push('', BASIS_LEGEND, l10n.t('Contradicted or refused? Attach `oli probe --format md` to a bug report: it holds shapes, never values or secrets.'));
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The probe as Markdown: what a user attaches to a bug (shapes only, never values or secrets). */
export function probeToMarkdown(r: ProbeReport): string {
  const lines = [
    `# ${l10n.t('Probe of {0}', r.environment)}`,
    '',
    `- ${l10n.t('Pod: {0}', r.url)}`,
    `- ${l10n.t('When: {0}', r.at)}`,
    `- ${l10n.t('Requests: {0}, all GET (nothing was changed)', r.requests)}`,
    `- ${l10n.t('Summary: {0}', r.learned.summary ?? '')}`,
    '',
    `| ${l10n.t('Assumption')} | ${l10n.t('Basis')} | ${l10n.t('Outcome')} | ${l10n.t('What the pod answered')} |`,
    '|---|---|---|---|',
    ...r.assumptions.map((a) => `| ${md(a.title)} (\`${a.id}\`) | [${BASIS_MARK[a.basis]}] ${a.basis} | **${md(outcomeText(a))}** | ${md(a.detail)} |`),
    '',
    BASIS_LEGEND,
    '',
    `## ${l10n.t('Missing privileges of the administrator, per step')}`,
    '',
  ];
  if (!r.missingPrivileges.length) lines.push(l10n.t('None: nothing was refused.'));
  for (const m of r.missingPrivileges) lines.push(`- **${m.title}** (\`${m.step}\`): ${l10n.t('{0}. Refused: {1}.', md(m.needs), m.because.map((b) => `\`${md(b)}\``).join(', '))}`);
  lines.push('', `## ${l10n.t('Remembered for status and apply')}`, '', '```json', JSON.stringify(r.learned, null, 2), '```', '', `## ${l10n.t('Samples (shapes only: keys and value types)')}`, '');
  for (const a of r.assumptions.filter((x) => x.sample !== undefined)) lines.push(`### ${a.title}`, '', a.request ? `\`${a.request}\`` : '', '', '```json', JSON.stringify(a.sample, null, 2), '```', '');
  return lines.join('\n') + '\n';
}

/** Writes what the probe confirmed into the environment's state (later status and apply use it) and a history entry. */
export function recordProbe(state: EnvironmentState, r: ProbeReport, x: HistoryExtra = {}): void {
  state.probe = r.learned;
  recordHistory(state, { at: r.at, action: 'probe', requests: r.requests, detail: r.learned.summary ?? '' }, x);
}
