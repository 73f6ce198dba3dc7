import { markdownCell, printable } from '../text/printable';
import type { PlanFile } from './planFile';
import { BASIS_LEGEND, BASIS_MARK, type Basis, type StepResult } from './result';
import type { EnvironmentState, HistoryEntry } from './stateStore';
import type { StepDefinition } from './types';
import type { Rotation } from '../rotation/state';
import { rotationToMarkdown } from '../rotation/render';
import { healthSummary } from '../health/report';

/** The audit record of an environment: what each step's status is, who attested what, and what was done. */
export interface Report {
  generatedAt: string;
  generatedBy: string;
  environment: { name: string; url: string };
  provider: string;
  auth: string;
  summary: Record<string, number>;
  steps: {
    id: string;
    title: string;
    automation: string;
    status: string;
    detail: string;
    checkedAt: string;
    attestation?: { by: string; at: string; note: string };
    evidence?: Record<string, unknown>;
    /** What the status rests on: documented, inferred or a sandbox stand-in. */
    basis?: Basis;
    checks: { id: string; outcome: string; message: string; basis: Basis }[];
  }[];
  /** What `oli probe` confirmed on the pod, when it ran (one line). */
  probe?: { at: string; summary?: string };
  /** The certificate rotation in progress, or the last one, stage by stage with its evidence (issue 14). */
  rotation?: Rotation;
  /** The last `oli health` (one line). */
  health?: { at: string; level: string; summary: string };
  history: HistoryEntry[];
}

export function buildReport(input: { plan: PlanFile; environment: string; url: string; steps: StepDefinition[]; results: StepResult[]; state: EnvironmentState; actor: string }): Report {
  const summary: Record<string, number> = {};
  for (const r of input.results) summary[r.status] = (summary[r.status] ?? 0) + 1;
  return {
    generatedAt: new Date().toISOString(),
    generatedBy: input.actor,
    environment: { name: input.environment, url: input.url },
    provider: input.plan.provider,
    auth: input.plan.auth,
    summary,
    steps: input.results.map((r) => {
      const def = input.steps.find((s) => s.id === r.id);
      return {
        id: r.id,
        title: def?.title ?? r.id,
        automation: def?.automation ?? 'automatic',
        status: r.status,
        detail: r.detail,
        checkedAt: r.checkedAt,
        ...(r.attestation ? { attestation: r.attestation } : {}),
        ...(r.evidence ? { evidence: r.evidence } : {}),
        ...(r.basis ? { basis: r.basis } : {}),
        checks: r.checks.map((c) => ({ id: c.id, outcome: c.outcome, message: c.message, basis: c.basis ?? 'inferred' })),
      };
    }),
    ...(input.state.probe ? { probe: { at: input.state.probe.at, ...(input.state.probe.summary ? { summary: input.state.probe.summary } : {}) } } : {}),
    ...(input.state.rotation ? { rotation: input.state.rotation } : {}),
    ...(input.state.health ? { health: { at: input.state.health.at, level: input.state.health.level, summary: healthSummary(input.state.health.findings) } } : {}),
    history: input.state.history.slice(-100),
  };
}

/** Every value in the report comes from the pod, the plan, a learner file or a note: escaped the same way. */
const md = (s: string) => markdownCell(s.replace(/\r?\n/g, ' '));

export function reportToMarkdown(r: Report): string {
  const lines = [
    `# Oracle Learning integration report: ${r.provider} (${r.auth})`,
    '',
    `- Environment: **${md(r.environment.name)}** (${md(r.environment.url)})`,
    `- Generated: ${r.generatedAt} by ${md(r.generatedBy)}`,
    `- Summary: ${Object.entries(r.summary).map(([k, v]) => `${v} ${k}`).join(', ')}`,
    ...(r.probe ? [`- Last probe: ${r.probe.at}${r.probe.summary ? ` (${r.probe.summary})` : ''}`] : []),
    ...(r.health ? [`- Last health: ${r.health.at}: ${r.health.level} (${r.health.summary})`] : []),
    '',
    '| # | Step | Kind | Status | Basis | Detail |',
    '|---|---|---|---|---|---|',
    ...r.steps.map((s, i) => `| ${i + 1} | ${md(s.title)} (\`${s.id}\`) | ${s.automation} | **${s.status}** | ${s.basis ? `[${BASIS_MARK[s.basis]}]` : ''} | ${md(s.detail)} |`),
    '',
    BASIS_LEGEND,
    '',
    '## Attestations',
    '',
  ];
  const attested = r.steps.filter((s) => s.attestation);
  if (!attested.length) lines.push('None.');
  for (const s of attested) lines.push(`- \`${s.id}\`: ${md(s.attestation!.by)}, ${md(s.attestation!.at)}: ${md(s.attestation!.note)}`);
  lines.push('', '## Evidence', '');
  for (const s of r.steps) {
    if (!s.checks.length && !s.evidence) continue;
    lines.push(`### ${s.title}`, '');
    for (const c of s.checks) lines.push(`- ${c.outcome.toUpperCase()} [${BASIS_MARK[c.basis]}] ${md(c.message)}`);
    // JSON escapes C0 controls itself; C1 and bidi controls are escaped per line, and a ``` in a value cannot close the block.
    if (s.evidence) lines.push('', '```json', ...JSON.stringify(s.evidence, null, 2).split('\n').map((l) => printable(l).replace(/```/g, '\\u0060\\u0060\\u0060')), '```');
    lines.push('');
  }
  if (r.rotation) lines.push('## Certificate rotation', '', ...rotationToMarkdown(r.rotation), '');
  lines.push('## History (requests made)', '', '| When | Action | Step | Requests | Detail |', '|---|---|---|---|---|');
  for (const h of r.history) lines.push(`| ${h.at} | ${h.action} | ${h.step ?? h.outcome ?? ''} | ${h.requests ?? ''} | ${md(h.detail ?? '')} |`);
  return lines.join('\n') + '\n';
}
