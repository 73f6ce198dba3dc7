import * as l10n from '@vscode/l10n';
import { BASIS_LEGEND, BASIS_MARK } from '../plan/result';
import { healthSummary, type HealthFinding, type HealthLevel, type HealthReport } from './report';

export const LEVEL_ICON: Record<HealthLevel, string> = { ok: '✔', info: 'i', warning: '!', unknown: '?', error: '✖' };
const ORDER: Record<HealthLevel, number> = { error: 0, unknown: 1, warning: 2, ok: 3, info: 4 };

/** Problems first (errors, unknowns, warnings), then what is fine; the original order within a level. */
export function sortedFindings(findings: HealthFinding[]): HealthFinding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => ORDER[a.f.level] - ORDER[b.f.level] || a.i - b.i).map((x) => x.f);
}

const short = (iso: string | null | undefined) => (iso ? iso.replace(/:\d{2}(\.\d{3})?Z$/, 'Z').replace('T', ' ') : '–');

/** `oli health` for a terminal. `brief`: one line per finding (the demo's closing summary). */
export function healthToText(r: HealthReport, o: { brief?: boolean } = {}): string {
  const lines = [l10n.t('Health of {0} ({1}) at {2}: {3}; {4} request(s).', r.environment, r.url, short(r.at), healthSummary(r.findings), r.requests), ''];
  for (const f of sortedFindings(r.findings)) {
    if (o.brief) {
      lines.push(`  ${LEVEL_ICON[f.level]} ${f.level.padEnd(7)} ${f.title}: ${f.message}`);
      continue;
    }
    lines.push(`${LEVEL_ICON[f.level]} ${f.level.padEnd(7)} [${BASIS_MARK[f.basis]}] ${f.title}`);
    lines.push(`            ${f.message}`);
    if (f.check) lines.push(`            → ${f.check}`);
  }
  if (o.brief) return lines.join('\n') + '\n';
  if (r.processes.length) {
    lines.push('', l10n.t('Scheduled processes (ESS):'));
    for (const p of r.processes) {
      const runs = p.lastRuns.map((x) => `${x.requestId} ${x.state} ${short(x.end ?? x.start ?? x.scheduledTime)}`).join(', ') || l10n.t('none');
      const schedule = p.schedule ? l10n.t('request {0}', p.schedule.requestId) : l10n.t('none');
      // `from` is the schema's word for where the next run was read (waiting run, schedule definition).
      const next = p.nextRun ? `${short(p.nextRun.at)} (${p.nextRun.from}${p.nextRun.requestId ? ` ${p.nextRun.requestId}` : ''})` : '–';
      lines.push(`  ${p.name}`);
      lines.push(`      ${l10n.t('schedule {0} · last runs: {1} · last success: {2} · next: {3}', schedule, runs, short(p.lastSuccess), next)}`);
    }
  }
  lines.push('', BASIS_LEGEND, l10n.t('Levels: ok, info (nothing to act on), warning, unknown (could not be read), error. Exit: 0 ok or info, 1 warning or unknown, 2 error.'));
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The health as Markdown (VS Code opens it; a support rotation pastes it into a ticket). */
export function healthToMarkdown(r: HealthReport): string {
  const lines = [
    `# ${l10n.t('Health of {0}', r.environment)}`,
    '',
    `- ${l10n.t('Pod: {0}', r.url)}`,
    `- ${l10n.t('When: {0}', r.at)}`,
    `- ${l10n.t('Result: **{0}** ({1}), {2} request(s)', r.level, healthSummary(r.findings), r.requests)}`,
    '',
    `| ${l10n.t('Level')} | ${l10n.t('Finding')} | ${l10n.t('Basis')} | ${l10n.t('What we found')} | ${l10n.t('What to check')} |`,
    '|---|---|---|---|---|',
    ...sortedFindings(r.findings).map((f) => `| ${LEVEL_ICON[f.level]} ${f.level} | ${md(f.title)} | [${BASIS_MARK[f.basis]}] | ${md(f.message)} | ${md(f.check ?? '')} |`),
    '',
    `## ${l10n.t('Scheduled processes')}`,
    '',
    `| ${l10n.t('Process')} | ${l10n.t('Schedule')} | ${l10n.t('Last runs')} | ${l10n.t('Last success')} | ${l10n.t('Next run')} |`,
    '|---|---|---|---|---|',
    ...r.processes.map(
      (p) =>
        `| ${md(p.name)} | ${p.schedule ? p.schedule.requestId : l10n.t('none')} | ${md(p.lastRuns.map((x) => `${x.requestId} ${x.state} ${short(x.end ?? x.start ?? x.scheduledTime)}`).join(', ') || l10n.t('none'))} | ${short(p.lastSuccess)} | ${p.nextRun ? `${short(p.nextRun.at)} (${p.nextRun.from})` : '–'} |`,
    ),
    '',
    BASIS_LEGEND,
  ];
  return lines.join('\n') + '\n';
}
