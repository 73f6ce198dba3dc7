// The run history of an environment (issue 13): every status, apply, dry run, attestation and
// probe, from the CLI or VS Code, appends one entry to `.oracle-learning/<env>.state.json` with who
// ran it, from where, and the requests it made (method, path, the query with the values of filters
// replaced by placeholders, the answer's status and time). Never a secret, never a learner value.
import type { RequestLogEntry } from '../../oracle/client';
import type { StepId } from './stepIds';
import type { HistoryCall, HistoryEntry } from './stateStore';

export type { HistoryCall, HistoryEntry };

/** Requests kept per entry (a status sends about a dozen; an identity check would send a thousand). */
export const MAX_CALLS_PER_ENTRY = 60;

/** Query parameters whose values may quote people (learners' emails, user names): their quoted literals become placeholders. */
const FILTER_PARAMS = new Set(['filter', 'q', 'finder']);

/** A filter with its quoted values replaced: `emails.value eq "…" or emails.value eq "…"`. */
export function placeholderFilter(value: string): string {
  return value.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/'(?:[^'\\]|''|\\.)*'/g, "'…'");
}

/** Method, path and query of a request as the history keeps it (the URL is already redacted by the client). */
export function historyRequest(method: string, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${method} ${url.split('?')[0]}`;
  }
  const query = [...u.searchParams].map(([k, v]) => `${k}=${FILTER_PARAMS.has(k) ? placeholderFilter(v) : v}`).join('&');
  return `${method} ${u.pathname}${query ? `?${query}` : ''}`;
}

export function historyCall(e: Pick<RequestLogEntry, 'method' | 'url' | 'status' | 'durationMs' | 'attempt' | 'error'>): HistoryCall {
  return {
    request: historyRequest(e.method, e.url),
    ...(e.status !== undefined ? { status: e.status } : {}),
    ms: Math.round(e.durationMs),
    ...(e.attempt > 1 ? { attempt: e.attempt } : {}),
    ...(e.status === undefined && e.error ? { error: e.error.slice(0, 200) } : {}),
  };
}

/** Collects the requests of one operation for its history entry. */
export class CallRecorder {
  private readonly calls: HistoryCall[] = [];
  private dropped = 0;

  add(e: Parameters<typeof historyCall>[0]): void {
    if (this.calls.length < MAX_CALLS_PER_ENTRY) this.calls.push(historyCall(e));
    else this.dropped++;
  }

  /** A mark to take the calls made since (one operation of an engine that runs several). */
  get mark(): number {
    return this.calls.length + this.dropped;
  }

  since(mark: number): { calls: HistoryCall[]; callsDropped?: number } {
    const kept = this.calls.slice(Math.min(mark, this.calls.length));
    const total = this.calls.length + this.dropped - mark;
    return { calls: kept, ...(total > kept.length ? { callsDropped: total - kept.length } : {}) };
  }
}

/** Where and by whom an operation ran. */
export interface HistoryOrigin {
  by?: string;
  via?: 'cli' | 'vscode';
}

/** A step's status in a status or apply entry (its detail lists `id=status` pairs). */
export function stepStatusIn(entry: HistoryEntry, step: StepId): string | undefined {
  if (entry.step === step && entry.status) return entry.status;
  if (entry.action !== 'status' && entry.action !== 'apply') return undefined;
  const m = new RegExp(`(?:^|\\s)${step}=([a-z-]+)(?:\\s|$)`).exec(entry.detail ?? '');
  return m?.[1];
}

/** The entries that concern a step, newest first: its attestations, and the statuses and applies that read it. */
export function stepHistory(history: readonly HistoryEntry[], step: StepId, max = 50): { entry: HistoryEntry; status?: string }[] {
  const out: { entry: HistoryEntry; status?: string }[] = [];
  for (let i = history.length - 1; i >= 0 && out.length < max; i--) {
    const entry = history[i]!;
    if (entry.step === step) out.push({ entry, ...(entry.status ? { status: entry.status } : {}) });
    else {
      const status = stepStatusIn(entry, step);
      if (status) out.push({ entry, status });
    }
  }
  return out;
}
