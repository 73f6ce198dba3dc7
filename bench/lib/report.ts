/** One benchmark figure and the BENCHMARKS.md table. */
import { writeFileSync } from 'node:fs';

export interface Figure {
  id: string;
  figure: string;
  value: number | string;
  unit: string;
  /** e.g. "<= 3", ">= 2", "equal", or "info ..." for context figures. */
  bound: string;
  pass: boolean;
  detail: string;
  /** The command that produced it. */
  command: string;
}

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(figures: Figure[]): string {
  const rows = ['| figure | value | bound | result | how it was measured | command |', '|---|---|---|---|---|---|'];
  for (const f of figures) rows.push(`| ${cell(f.figure)} | ${cell(`${f.value} ${f.unit}`)} | ${cell(f.bound)} | ${f.bound.startsWith('info') ? 'info' : f.pass ? 'pass' : '**FAIL**'} | ${cell(f.detail)} | \`${cell(f.command)}\` |`);
  return rows.join('\n');
}

export function writeBenchmarksMd(path: string, figures: Figure[], meta: { date: string; machine: string; command: string; durationS: number; notes: string[] }): void {
  const failed = figures.filter((f) => !f.pass);
  const text = [
    '# Benchmarks',
    '',
    `Written by \`${meta.command}\` on ${meta.date} (${meta.durationS} s). Machine: ${meta.machine}.`,
    '',
    'Figures are ratios or counts measured in one run (the machines are noisy): each time is the median of a few',
    'runs of a whole process (`node dist/cli.js ...`), against the offline sandbox pod (docs/SANDBOX.md) on 127.0.0.1.',
    '',
    failed.length ? `**${failed.length} figure(s) out of bounds:** ${failed.map((f) => f.id).join(', ')}.` : 'All figures within bounds.',
    '',
    markdownTable(figures),
    '',
    '## Notes',
    '',
    ...meta.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  writeFileSync(path, text);
}
