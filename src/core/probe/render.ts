import { BASIS_LEGEND, BASIS_MARK } from '../plan/result';
import { recordHistory, type EnvironmentState, type HistoryExtra } from '../plan/stateStore';
import type { ProbeOutcome, ProbeReport } from './probe';

const OUTCOME_WORD: Record<ProbeOutcome, string> = { confirmed: 'confirmed', contradicted: 'CONTRADICTED', refused: 'REFUSED', 'not-available': 'not available' };
const OUTCOME_ICON: Record<ProbeOutcome, string> = { confirmed: '✔', contradicted: '✖', refused: '⊘', 'not-available': '–' };

function outcomeText(a: ProbeReport['assumptions'][number]): string {
  if (a.outcome === 'refused') return `refused (${a.status ?? '?'}${a.privilege ? `, needs ${a.privilege}` : ''})`;
  return OUTCOME_WORD[a.outcome];
}

/** The probe for a terminal: one line per assumption, then the missing privileges. */
export function probeToText(r: ProbeReport): string {
  const lines = [`Probe of ${r.environment} (${r.url}) at ${r.at}: ${r.requests} GET request(s), nothing changed.`, ''];
  for (const a of r.assumptions) {
    lines.push(`${OUTCOME_ICON[a.outcome]} [${BASIS_MARK[a.basis]}] ${a.title}: ${outcomeText(a)}`);
    lines.push(`      ${a.detail}`);
    if (a.request) lines.push(`      (${a.request})`);
  }
  lines.push('', `Summary: ${r.learned.summary ?? ''}.`);
  lines.push('', r.missingPrivileges.length ? 'Missing privileges of the administrator, per step:' : 'The administrator was refused nothing.');
  for (const m of r.missingPrivileges) lines.push(`  ${m.step}: ${m.needs} (refused: ${m.because.join('; ')})`);
  lines.push('', BASIS_LEGEND, 'Contradicted or refused? Attach `oli probe --format md` to a bug report: it holds shapes, never values or secrets.');
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The probe as Markdown: what a user attaches to a bug (shapes only, never values or secrets). */
export function probeToMarkdown(r: ProbeReport): string {
  const lines = [
    `# Probe of ${r.environment}`,
    '',
    `- Pod: ${r.url}`,
    `- When: ${r.at}`,
    `- Requests: ${r.requests}, all GET (nothing was changed)`,
    `- Summary: ${r.learned.summary ?? ''}`,
    '',
    '| Assumption | Basis | Outcome | What the pod answered |',
    '|---|---|---|---|',
    ...r.assumptions.map((a) => `| ${md(a.title)} (\`${a.id}\`) | [${BASIS_MARK[a.basis]}] ${a.basis} | **${md(outcomeText(a))}** | ${md(a.detail)} |`),
    '',
    BASIS_LEGEND,
    '',
    '## Missing privileges of the administrator, per step',
    '',
  ];
  if (!r.missingPrivileges.length) lines.push('None: nothing was refused.');
  for (const m of r.missingPrivileges) lines.push(`- **${m.title}** (\`${m.step}\`): ${md(m.needs)}. Refused: ${m.because.map((b) => `\`${md(b)}\``).join(', ')}.`);
  lines.push('', '## Remembered for status and apply', '', '```json', JSON.stringify(r.learned, null, 2), '```', '', '## Samples (shapes only: keys and value types)', '');
  for (const a of r.assumptions.filter((x) => x.sample !== undefined)) lines.push(`### ${a.title}`, '', a.request ? `\`${a.request}\`` : '', '', '```json', JSON.stringify(a.sample, null, 2), '```', '');
  return lines.join('\n') + '\n';
}

/** Writes what the probe confirmed into the environment's state (later status and apply use it) and a history entry. */
export function recordProbe(state: EnvironmentState, r: ProbeReport, x: HistoryExtra = {}): void {
  state.probe = r.learned;
  recordHistory(state, { at: r.at, action: 'probe', requests: r.requests, detail: r.learned.summary ?? '' }, x);
}
