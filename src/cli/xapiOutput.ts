/**
 * How `oli inspect xapi` prints a result: the documented JSON shape (built as text directly, the hot
 * path for 100,000-statement files) or a few lines for a person. Used by the command and its worker
 * threads (src/cli/xapiWorker.ts).
 */
import type { XapiStatementResult } from '../core/inspect/xapi-stream';
import { printable } from '../core/text/printable';

/** Characters JSON.stringify escapes in a string (quote, backslash, controls) and surrogates (escaped when lone). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const q = (v: string | null): string => (v === null ? 'null' : NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`);
const n = (v: number | null): string => (v === null ? 'null' : JSON.stringify(v));

/** One result in the documented JSON shape, built as text directly: the hot path for 100,000-statement files. */
export function xapiResultJsonText(r: XapiStatementResult): string {
  const o = r.oracle;
  const errors = r.errors.length === 0 ? '[]' : JSON.stringify(r.errors.map((e) => ({ path: e.path, message: e.message })));
  return (
    `{"index":${r.index},"valid":${r.valid},"errors":${errors},"oracle":{"learner":{"by":${q(o.learner.by)},"value":${q(o.learner.value)}},` +
    `"contentId":${q(o.contentId)},"verb":${q(o.verb)},"completion":${o.completion},"timestamp":${q(o.timestamp)},"durationSeconds":${n(o.durationSeconds)},"score":${n(o.score)}}}`
  );
}

export function xapiHuman(r: XapiStatementResult): string {
  const where = `#${r.index}${r.line !== null ? ` (line ${r.line})` : ''}`;
  const o = r.oracle;
  const learner = o.learner.value === null ? 'no learner' : `${o.learner.by} ${o.learner.value}${o.learner.mappable ? '' : ' (Oracle cannot map it)'}`;
  const facts = [
    learner,
    `content ${o.contentId ?? '(none)'}`,
    `${o.verbName ?? o.verb ?? 'no verb'} -> ${o.action}`,
    o.timestamp ? `at ${o.timestamp}` : o.completion ? 'NO timestamp' : null,
    o.durationSeconds !== null ? `${o.durationSeconds} s` : null,
    o.score !== null ? `score ${o.score}` : null,
  ].filter(Boolean);
  const lines = [`${where} ${r.valid ? 'valid  ' : 'INVALID'} ${facts.join('; ')}`];
  for (const e of r.errors) lines.push(`    ${e.path || '(statement)'}: ${e.message}`);
  // Learner, content id and verb come from the statement: shown escaped.
  return lines.map(printable).join('\n') + '\n';
}
