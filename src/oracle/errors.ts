/**
 * Typed errors of the Oracle REST client.
 *
 * An OracleError never carries credentials: it holds the method, the path (no query, no host, no
 * userinfo), the HTTP status, the Oracle error code and detail parsed from the body (already
 * redacted by the client), and a hint saying what to do next. It never keeps the underlying axios
 * error (whose config holds the Authorization header) as a cause.
 */

export type OracleErrorReason =
  | 'http'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'cancelled'
  | 'invalid-response'
  | 'tls'
  | 'config';

export interface OracleErrorInit {
  reason: OracleErrorReason;
  method: string;
  path: string;
  status?: number;
  code?: string;
  detail?: string;
  /** Whether trying again later could succeed (transient condition and no risk of a duplicate). */
  retryable?: boolean;
  /** A non-idempotent request (POST) may or may not have been applied: check before sending it again. */
  outcomeUnknown?: boolean;
  /** What to do next; the default depends on the reason. */
  hint?: string;
  /** Short technical cause (e.g. 'ECONNRESET'), never an object. */
  causeCode?: string;
  /** Server-requested wait before retrying, in ms (from Retry-After). */
  retryAfterMs?: number;
}

const DEFAULT_HINTS: Record<OracleErrorReason, string> = {
  http: 'check the values sent in the request',
  auth: 'check the credentials configured for this environment',
  forbidden: 'give the user a role that grants this resource (see the required privileges), then try again',
  'not-found': 'check the base URL and that the object or feature exists in this pod',
  conflict: 'the object already exists: look it up instead of creating it',
  'rate-limited': 'Oracle is throttling requests: wait a little, lower the concurrency, then try again',
  server: 'Oracle reported a server-side problem: try again later; if it persists, check the pod status or raise a service request',
  network: 'check the network connection, the proxy settings (HTTPS_PROXY, NO_PROXY) and the base URL',
  timeout: 'the server did not answer in time: try again, or raise the timeout',
  cancelled: 'the operation was cancelled; run it again when ready',
  'invalid-response': 'check that the base URL points to an Oracle Fusion pod (not a login page, proxy or load balancer)',
  tls: "the server certificate is not trusted: if your network inspects TLS, configure your organization's CA file (never disable verification)",
  config: 'fix the connection settings',
};

export class OracleError extends Error {
  override readonly name = 'OracleError';
  readonly reason: OracleErrorReason;
  readonly status?: number;
  /** o:errorCode (ADF), errorCode (ESS), scimType (SCIM) or error (OAuth). */
  readonly code?: string;
  readonly detail?: string;
  readonly method: string;
  /** Path only: no query string, no host, no credentials. */
  readonly path: string;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;
  readonly hint: string;
  readonly causeCode?: string;
  readonly retryAfterMs?: number;

  constructor(init: OracleErrorInit) {
    super('');
    this.reason = init.reason;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    if (init.detail !== undefined && init.detail !== '') this.detail = init.detail;
    this.method = init.method;
    this.path = init.path;
    this.retryable = init.retryable ?? false;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    this.hint = init.hint ?? DEFAULT_HINTS[init.reason];
    if (init.causeCode !== undefined) this.causeCode = init.causeCode;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.message = this.userMessage();
    Error.captureStackTrace?.(this, OracleError);
  }

  /** One line: what failed, why, what to do next. */
  userMessage(): string {
    if (this.method === 'CONFIG') {
      return `Invalid ${this.path} setting${this.detail ? `: ${oneLine(this.detail)}` : ''}. ${capitalize(this.hint)}.`.replace(/\.\.$/, '.');
    }
    const what = `${this.method} ${this.path} failed`;
    const why: string[] = [];
    if (this.status !== undefined) why.push(`HTTP ${this.status}${statusText(this.status)}`);
    else why.push(REASON_TEXT[this.reason]);
    if (this.code) why.push(this.code);
    let line = `${what}: ${why.join(' ')}`;
    if (this.detail) line += ` (${oneLine(this.detail)})`;
    if (this.outcomeUnknown) line += '; the outcome is unknown: the server may or may not have applied it, so it was not sent again';
    return `${line}. ${capitalize(this.hint)}.`.replace(/\.\.$/, '.');
  }

  /** Safe structured form (used by JSON.stringify). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      reason: this.reason,
      status: this.status,
      code: this.code,
      detail: this.detail,
      method: this.method,
      path: this.path,
      retryable: this.retryable,
      outcomeUnknown: this.outcomeUnknown,
      message: this.message,
    };
  }
}

const REASON_TEXT: Record<OracleErrorReason, string> = {
  http: 'HTTP error',
  auth: 'authentication failed',
  forbidden: 'access denied',
  'not-found': 'not found',
  conflict: 'conflict',
  'rate-limited': 'rate limited',
  server: 'server error',
  network: 'network error',
  timeout: 'timed out',
  cancelled: 'cancelled',
  'invalid-response': 'unexpected response',
  tls: 'TLS certificate not trusted',
  config: 'invalid configuration',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  409: 'Conflict',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusText(status: number): string {
  const t = STATUS_TEXT[status];
  return t ? ` ${t}` : '';
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? flat.slice(0, 297) + '...' : flat;
}

function capitalize(s: string): string {
  return s.length ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** The fields of an error, to build another one from it (e.g. with a better hint). */
export function initOf(e: OracleError): OracleErrorInit {
  return {
    reason: e.reason,
    method: e.method,
    path: e.path,
    ...(e.status !== undefined && { status: e.status }),
    ...(e.code !== undefined && { code: e.code }),
    ...(e.detail !== undefined && { detail: e.detail }),
    retryable: e.retryable,
    outcomeUnknown: e.outcomeUnknown,
    hint: e.hint,
    ...(e.causeCode !== undefined && { causeCode: e.causeCode }),
    ...(e.retryAfterMs !== undefined && { retryAfterMs: e.retryAfterMs }),
  };
}

/** Maps an HTTP error status to a reason. */
export function reasonForStatus(status: number): OracleErrorReason {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  return 'http';
}

export interface ParsedErrorBody {
  code?: string;
  detail?: string;
  /** Which shape was recognised. */
  shape: 'adf' | 'ess' | 'scim' | 'oauth' | 'json' | 'html' | 'text' | 'empty';
}

/**
 * Extracts an Oracle error code and detail from an error response body, whatever its shape:
 * ADF `{"title","status","o:errorDetails":[{"detail","o:errorCode"}]}`, ESS
 * `{"title","detail","errorCode","status"}`, SCIM `{"schemas","status","detail","scimType"}`,
 * OAuth `{"error","error_description"}`, plain text or an HTML page.
 */
export function parseErrorBody(body: string, contentType?: string): ParsedErrorBody {
  const whole = String(body ?? '').trim();
  if (!whole) return { shape: 'empty' };
  // Only the start of a large body is scanned (the HTML and text patterns would otherwise take
  // time proportional to its square); an error body that matters is small.
  const text = whole.length > MAX_SCANNED_CHARS ? whole.slice(0, MAX_SCANNED_CHARS) : whole;
  if (whole.startsWith('{') || whole.startsWith('[') || /json/i.test(contentType ?? '')) {
    let json: unknown;
    try {
      json = whole.length <= MAX_JSON_ERROR_CHARS ? JSON.parse(whole) : undefined;
    } catch {
      json = undefined;
    }
    if (json && typeof json === 'object' && !Array.isArray(json)) return parseErrorJson(json as Record<string, unknown>);
  }
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text) || /html/i.test(contentType ?? '')) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const stripped = (title ?? text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
    return { shape: 'html', detail: `an HTML page${stripped ? ` "${truncate(stripped, 120)}"` : ''} instead of JSON (often a login page, proxy or load balancer)` };
  }
  return { shape: 'text', detail: truncate(text.replace(/\s+/g, ' '), 300) };
}

/** Characters of an error body scanned for an HTML title or plain text. */
const MAX_SCANNED_CHARS = 64 * 1024;
/** Largest error body parsed as JSON. */
const MAX_JSON_ERROR_CHARS = 1024 * 1024;
/** Longest code or detail kept from an error body (the message shows 300 characters). */
const MAX_FIELD_CHARS = 2000;

function parseErrorJson(o: Record<string, unknown>): ParsedErrorBody {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? truncate(v.trim(), MAX_FIELD_CHARS) : typeof v === 'number' ? String(v) : undefined);
  const details = o['o:errorDetails'];
  if (Array.isArray(details)) {
    const items = details.filter((d): d is Record<string, unknown> => !!d && typeof d === 'object');
    const code = items.map((d) => str(d['o:errorCode'])).find((c) => c !== undefined);
    const texts = items.slice(0, 20).map((d) => str(d.detail)).filter((d): d is string => d !== undefined);
    const detail = texts.length ? truncate(texts.join('; '), MAX_FIELD_CHARS) : str(o.detail) ?? str(o.title);
    return { shape: 'adf', ...(code !== undefined && { code }), ...(detail !== undefined && { detail }) };
  }
  if (str(o.errorCode) !== undefined) {
    const detail = str(o.detail) ?? str(o.title);
    return { shape: 'ess', code: str(o.errorCode)!, ...(detail !== undefined && { detail }) };
  }
  if (Array.isArray(o.schemas) || str(o.scimType) !== undefined) {
    const code = str(o.scimType);
    const detail = str(o.detail);
    return { shape: 'scim', ...(code !== undefined && { code }), ...(detail !== undefined && { detail }) };
  }
  if (str(o.error) !== undefined && typeof o.error === 'string') {
    const detail = str(o.error_description);
    return { shape: 'oauth', code: str(o.error)!, ...(detail !== undefined && { detail }) };
  }
  const detail = str(o.detail) ?? str(o.message) ?? str(o.title);
  return { shape: 'json', ...(detail !== undefined && { detail }) };
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 3) + '...' : s;
}
