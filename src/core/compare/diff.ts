import { BASIS_LEGEND, BASIS_MARK } from '../plan/result';
import { weakestBasis, type Basis } from '../../oracle/basis';
import { AREA_TITLES, FACT_AREAS, type FactArea, type Snapshot } from './snapshot';

export interface Difference {
  area: FactArea;
  id: string;
  label: string;
  a: string | null;
  b: string | null;
  basis: Basis;
}

export interface Incomparable {
  area: FactArea;
  id: string;
  label: string;
  /** Why, per environment that could not be read. */
  reasons: Record<string, string>;
}

export interface EnvironmentDiff {
  a: string;
  b: string;
  differences: Difference[];
  cannotCompare: Incomparable[];
  /** Facts equal in both, by id. */
  same: string[];
  /** Environments that could not be read at all (their facts are missing). */
  errors: Record<string, string>;
  /** What each environment holds (for the environments that could be read). */
  snapshots: Snapshot[];
}

/** Compares two snapshots fact by fact; a fact unreadable on either side is listed as not comparable, never as a difference. */
export function diffSnapshots(a: Snapshot, b: Snapshot): Omit<EnvironmentDiff, 'errors' | 'snapshots'> {
  const byId = (s: Snapshot) => new Map(s.facts.map((f) => [f.id, f]));
  const ma = byId(a);
  const mb = byId(b);
  const ids = [...new Set([...a.facts.map((f) => f.id), ...b.facts.map((f) => f.id)])];
  const differences: Difference[] = [];
  const cannotCompare: Incomparable[] = [];
  const same: string[] = [];
  for (const id of ids) {
    const fa = ma.get(id);
    const fb = mb.get(id);
    const any = (fa ?? fb)!;
    if (fa?.unreadable || fb?.unreadable) {
      const reasons: Record<string, string> = {};
      if (fa?.unreadable) reasons[a.environment] = fa.unreadable;
      if (fb?.unreadable) reasons[b.environment] = fb.unreadable;
      cannotCompare.push({ area: any.area, id, label: any.label, reasons });
      continue;
    }
    const va = fa?.value ?? null;
    const vb = fb?.value ?? null;
    if (va === vb) same.push(id);
    else differences.push({ area: any.area, id, label: any.label, a: va, b: vb, basis: weakestBasis([fa?.basis ?? 'inferred', fb?.basis ?? 'inferred'])! });
  }
  return { a: a.environment, b: b.environment, differences, cannotCompare, same };
}

const byArea = <T extends { area: FactArea }>(items: T[]) => FACT_AREAS.map((area) => ({ area, items: items.filter((i) => i.area === area) })).filter((g) => g.items.length);

/** A readable list: what differs, area by area, then what could not be compared, then what is the same. */
export function diffToText(d: EnvironmentDiff): string {
  const lines = [`${d.a} vs ${d.b}`, ''];
  for (const [env, message] of Object.entries(d.errors)) lines.push(`✖ ${env} could not be read: ${message}`);
  if (Object.keys(d.errors).length) {
    lines.push('');
    for (const s of d.snapshots) {
      lines.push(`What ${s.environment} holds:`);
      for (const g of byArea(s.facts)) {
        lines.push(`  ${AREA_TITLES[g.area]}`);
        for (const f of g.items) lines.push(`    ${f.label}: ${f.unreadable ? `(could not be read: ${f.unreadable})` : (f.value ?? '–')}`);
      }
    }
    return lines.join('\n') + '\n';
  }
  const width = Math.max(d.a.length, d.b.length);
  lines.push(d.differences.length ? `${d.differences.length} difference(s):` : 'No difference in what could be compared.');
  for (const g of byArea(d.differences)) {
    lines.push(`  ${AREA_TITLES[g.area]}`);
    for (const x of g.items) {
      lines.push(`    ${x.label} [${BASIS_MARK[x.basis]}]`);
      lines.push(`      ${d.a.padEnd(width)}  ${x.a ?? '–'}`);
      lines.push(`      ${d.b.padEnd(width)}  ${x.b ?? '–'}`);
    }
  }
  if (d.cannotCompare.length) {
    lines.push('', `${d.cannotCompare.length} fact(s) could not be compared:`);
    for (const c of d.cannotCompare) lines.push(`  ${AREA_TITLES[c.area]}: ${c.label}: ${Object.entries(c.reasons).map(([env, why]) => `${env}: ${why}`).join('; ')}`);
  }
  lines.push('', `${d.same.length} fact(s) the same.`, BASIS_LEGEND);
  return lines.join('\n') + '\n';
}

/** The same as JSON (no snapshot facts unless an environment failed). */
export function diffToJson(d: EnvironmentDiff): unknown {
  return {
    a: d.a,
    b: d.b,
    differences: d.differences,
    cannotCompare: d.cannotCompare,
    same: d.same,
    errors: d.errors,
    ...(Object.keys(d.errors).length ? { snapshots: d.snapshots.map((s) => ({ environment: s.environment, facts: s.facts })) } : {}),
    requests: Object.fromEntries(d.snapshots.map((s) => [s.environment, s.requests])),
  };
}

