import type { PlanFile } from '../plan/planFile';
import { nextSteps } from './rotation';
import { nextStage, ROTATION_STAGES, STAGE_TITLES, type Rotation } from './state';

const short = (iso: string) => iso.replace('T', ' ').replace(/:\d{2}(\.\d{3})?Z$/, ' UTC');

function evidenceLine(e: Record<string, unknown>): string {
  return Object.entries(e)
    .filter(([k]) => !['checks', 'warnings', 'replaces'].includes(k))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

/** Where a rotation stands: each stage with who, when and its evidence, then what to do next. */
export function rotationToText(r: Rotation, plan: PlanFile, environment: string): string {
  const state = r.completedAt ? `complete since ${short(r.completedAt)}` : r.abandonedAt ? `abandoned on ${short(r.abandonedAt)}` : 'in progress';
  const lines = [
    `Certificate rotation on ${environment}: ${state}`,
    `  from ${r.oldCertificate ? `${r.oldCertificate.file} (${r.oldCertificate.subject}, SHA-1 ${r.oldCertificate.sha1}, expires ${short(r.oldCertificate.notAfter)})` : 'the current certificate (unreadable)'}${r.oldAlias ? `, alias ${r.oldAlias}` : ''}`,
    `  to   ${r.newCertificate.file} (${r.newCertificate.subject}, SHA-1 ${r.newCertificate.sha1}, expires ${short(r.newCertificate.notAfter)}), alias ${r.newAlias}`,
    '',
  ];
  const next = nextStage(r);
  for (const [i, s] of ROTATION_STAGES.entries()) {
    const done = r.stages[s];
    lines.push(`${done ? '✔' : s === next && !r.abandonedAt ? '→' : ' '} ${i + 1}. ${STAGE_TITLES[s]}`);
    if (done) lines.push(`       ${short(done.at)} by ${done.by}: ${evidenceLine(done.evidence)}`);
    const warnings = done?.evidence.warnings;
    if (Array.isArray(warnings)) for (const w of warnings) lines.push(`       ! ${String(w)}`);
  }
  if (!r.completedAt && !r.abandonedAt) lines.push('', 'Next:', ...nextSteps(r, plan).map((s) => `  - ${s}`));
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rotation as a Markdown section (the audit report). */
export function rotationToMarkdown(r: Rotation): string[] {
  const lines = [
    `- From: ${r.oldCertificate ? `${r.oldCertificate.file}, SHA-1 ${r.oldCertificate.sha1}, expires ${r.oldCertificate.notAfter}` : 'unreadable'}${r.oldAlias ? ` (alias ${r.oldAlias})` : ''}`,
    `- To: ${r.newCertificate.file}, SHA-1 ${r.newCertificate.sha1}, expires ${r.newCertificate.notAfter} (alias ${r.newAlias})`,
    `- State: ${r.completedAt ? `complete (${r.completedAt})` : r.abandonedAt ? `abandoned (${r.abandonedAt})` : 'in progress'}`,
    '',
    '| Stage | When | By | Evidence |',
    '|---|---|---|---|',
  ];
  for (const s of ROTATION_STAGES) {
    const d = r.stages[s];
    lines.push(`| ${md(STAGE_TITLES[s])} | ${d?.at ?? ''} | ${md(d?.by ?? '')} | ${md(d ? JSON.stringify(d.evidence) : 'not done')} |`);
  }
  return lines;
}
