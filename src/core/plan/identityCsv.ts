// The identity check's problems as CSV (issue 13, "export as CSV"): one row per problem with its
// line in the learner file. Values come from the learner file and the pod: control characters are
// shown escaped, and a cell that a spreadsheet would run as a formula (= + - @, tab, CR) is
// prefixed with an apostrophe (OWASP "CSV injection").
import { printable } from '../text/printable';
import type { IdentityReport } from './identity';

function cell(value: string): string {
  let v = printable(value);
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 CSV (CRLF line ends, a header row). */
export function identityCsv(r: IdentityReport): string {
  const rows = [['line', 'value', 'problem', 'details', 'users']];
  for (const p of [...r.problems].sort((x, y) => (x.line ?? Infinity) - (y.line ?? Infinity))) rows.push([p.line === undefined ? '' : String(p.line), p.value, p.problem, p.message, (p.users ?? []).join(' ')]);
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
