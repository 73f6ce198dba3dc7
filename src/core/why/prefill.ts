import { oracleReadingOfStatement } from '../inspect/xapi-oracle';

/**
 * What "Why Didn't This Land?" is asked about, read from an xAPI statement as Oracle reads it:
 * the learner (work email or user name), the content id and the completion time. `text` is one
 * statement, an array or NDJSON; `index` picks the statement.
 */
export function whyPrefill(text: string, index = 0): { learner?: string; content?: string; since?: string } {
  let statement: unknown;
  try {
    const doc = JSON.parse(text.trim()) as unknown;
    statement = Array.isArray(doc) ? doc[index] : doc;
  } catch {
    const line = text.split(/\r?\n/).filter((l) => l.trim())[index];
    try {
      statement = line === undefined ? undefined : (JSON.parse(line) as unknown);
    } catch {
      return {};
    }
  }
  if (!statement || typeof statement !== 'object') return {};
  const r = oracleReadingOfStatement(statement);
  return { ...(r.learner.value ? { learner: r.learner.value } : {}), ...(r.contentId ? { content: r.contentId } : {}), ...(r.timestamp ? { since: r.timestamp } : {}) };
}
