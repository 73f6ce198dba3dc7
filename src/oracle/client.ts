/**
 * The Oracle Fusion REST client (axios): authentication, ADF and SCIM paging, retries with
 * exponential backoff and full jitter for idempotent requests only, a first-byte deadline and a
 * whole-request timeout per attempt, cancellation, a per-client concurrency cap, sign-in first
 * (signIn.ts), proxy and extra CA support, redacted request logs, and typed errors. Redirects are
 * never followed (credentials never go to another host). Response bodies are read as a stream into
 * one growing buffer, refused as soon as they pass the size cap.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import type { AxiosError, AxiosInstance, AxiosResponse } from 'axios';
import * as z from 'zod';
import { AuthProvider, basicCredentials, oauthTokenResponseSchema, type FetchedToken, type OracleAuth } from './auth';
import { initOf, OracleError, parseErrorBody, reasonForStatus, type OracleErrorInit } from './errors';
import { redactBody, redactHeaders, redactText, redactUrl } from './redact';
import { Semaphore } from './semaphore';
import { identityOf, SignInGate } from './signIn';
import { Transport } from './transport';

let axiosLoading: Promise<AxiosInstance> | undefined;

/**
 * axios and the HTTP stack under it (follow-redirects, its proxy agent, zlib), loaded with the
 * first request, not with the client: a command that fails before sending anything (a plan to fix,
 * a usage error) never pays for them, and the CLI's status command loads lighter (issue 13).
 */
function loadAxios(): Promise<AxiosInstance> {
  return (axiosLoading ??= import('axios').then(
    (m) => m.default.create(),
    (err: unknown) => {
      axiosLoading = undefined;
      throw err;
    },
  ));
}

export interface RequestLogEntry {
  method: string;
  /** Redacted (no userinfo, secret-named query parameters hidden). */
  url: string;
  status?: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  /** Redacted. */
  requestHeaders: Record<string, string>;
  /** Redacted. */
  requestBody?: unknown;
  /** One-line error (already redacted). */
  error?: string;
  /** The proxy used (redacted), if any. */
  proxy?: string;
}

/** Said before each retry (one line for a person: the CLI prints it, VS Code shows it in the progress). */
export interface RetryNotice {
  method: string;
  /** Path only (no query, no host). */
  path: string;
  /** The attempt that failed (1 = the first try). */
  attempt: number;
  /** Attempts allowed in all. */
  maxAttempts: number;
  delayMs: number;
  /** Why the attempt failed, short (e.g. "HTTP 503", "no response within 10 s"). */
  reason: string;
}

/** One line for a retry notice, e.g. "GET /hcmRestApi/scim/Users: no response within 10 s; retry 2 of 3 in 0.4 s". */
export function formatRetry(n: RetryNotice): string {
  return `${n.method} ${n.path}: ${n.reason}; retry ${n.attempt} of ${n.maxAttempts - 1} in ${(n.delayMs / 1000).toFixed(1)} s`;
}

export interface OracleClientOptions {
  baseUrl: string;
  auth: OracleAuth;
  /** Whole request (connection, answer and body), per attempt, default 30000. */
  timeoutMs?: number;
  /**
   * Connection and first byte of the answer (the status line), per attempt, default 10000 (never
   * more than timeoutMs). A pod that accepts connections and never answers is given up on after
   * MAX_SILENT_ATTEMPTS of these while it has never answered.
   */
  firstByteTimeoutMs?: number;
  /** Called before each retry. */
  onRetry?: (notice: RetryNotice) => void;
  /** The sign-in gate of this client's credential (shared by clients of one command); default: one of its own. */
  signIn?: SignInGate;
  /** Retries after the first attempt for idempotent requests, default 4. */
  maxRetries?: number;
  /** Backoff base, default 300 ms. */
  retryBaseMs?: number;
  /** Backoff ceiling, default 10000 ms. */
  retryMaxMs?: number;
  /** Longest Retry-After honoured by waiting (default 60000 ms); a longer one fails at once, saying how long to wait. */
  retryAfterMaxMs?: number;
  /** REST-Framework-Version sent on ADF (/resources/) requests, default '4'. */
  frameworkVersion?: string;
  /** Extra CA PEM file, added to Node's default roots. */
  caFile?: string;
  /** HTTP proxy URL; default from HTTPS_PROXY/https_proxy/HTTP_PROXY honouring NO_PROXY; '' disables. */
  proxy?: string;
  /** Hosts bypassing the proxy (NO_PROXY syntax); default from NO_PROXY/no_proxy. */
  noProxy?: string;
  onLog?: (entry: RequestLogEntry) => void;
  /** In-flight cap for this client, default 8. */
  maxConcurrency?: number;
  userAgent?: string;
  /** Allow plain http to a host that is not loopback (credentials would travel in clear). Default false. */
  allowInsecureHttp?: boolean;
  /** Refuse every method but GET before sending it (`oli probe` never writes). */
  readOnly?: boolean;
  /** Largest response body read, default 10 MB (MAX_RESPONSE_BYTES); a larger one is refused while streaming, never buffered whole. */
  maxResponseBytes?: number;
  /** Test hooks: the backoff sleep, the jitter source and the clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Environment used for proxy defaults (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface AdfListOptions extends RequestOptions {
  q?: string;
  fields?: string;
  expand?: string;
  finder?: string;
  orderBy?: string;
  /** Default 100, max 500. */
  pageSize?: number;
  maxItems?: number;
}

export interface ScimListOptions extends RequestOptions {
  filter?: string;
  attributes?: string;
  /** Page size, default 100. */
  count?: number;
  maxItems?: number;
}

/** ADF collection envelope `{items, count, hasMore, limit, offset, links}`. */
export const adfCollectionSchema = z.lazy(() => z.looseObject({
  items: z.array(z.unknown()),
  count: z.number().optional(),
  hasMore: z.boolean().optional(),
  limit: z.number().optional(),
  offset: z.number().optional(),
  totalResults: z.number().optional(),
}));

/** SCIM ListResponse envelope. `Resources` is omitted by some servers when empty. */
export const scimListResponseSchema = z.lazy(() => z.looseObject({
  totalResults: z.coerce.number().optional(),
  itemsPerPage: z.coerce.number().optional(),
  startIndex: z.coerce.number().optional(),
  Resources: z.array(z.unknown()).optional(),
}));

interface RequestSpec {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: unknown;
  form?: boolean;
  idempotent: boolean;
  signal?: AbortSignal;
  /** Whether to add the client's Authorization header (false for the token request). */
  useAuth: boolean;
  /** Extra hint for 401 (token endpoint). */
  authHint?: string;
  isTokenRequest?: boolean;
}

interface RawResponse {
  status: number;
  body: unknown;
}

/** `silent`: no answer at all (not even a status line) before the deadline. */
type AttemptResult = { ok: true; response: RawResponse } | { ok: false; error: OracleError; transient: boolean; silent?: boolean };

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'ESOCKETTIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
const TLS_CODE = /CERT|SSL|TLS|UNABLE_TO_|EPROTO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH/;

/** Default cap on a response body: a page of Oracle results is far smaller. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const DEFAULTS = { timeoutMs: 30_000, firstByteTimeoutMs: 10_000, maxRetries: 4, retryBaseMs: 300, retryMaxMs: 10_000, retryAfterMaxMs: 60_000, frameworkVersion: '4', maxConcurrency: 8 };

/**
 * Attempts without any answer (connection and first byte past their deadline) before giving up on
 * a pod that has never answered this client: 3 x 10 s plus backoff stays well under 45 s.
 */
export const MAX_SILENT_ATTEMPTS = 3;

/** Seconds for a person: "10 s", "0.5 s". */
function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

class BodyTooLarge extends Error {}

/**
 * Reads a response body into one buffer that grows by doubling, refusing it as soon as it passes
 * `cap`. A body sent in many tiny chunks costs no more than its size (buffering the chunks as
 * separate objects cost gigabytes for six parallel 10 MB answers in 1-byte chunks).
 */
function readBody(stream: Readable, cap: number, declaredLength: number | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredLength !== undefined && declaredLength > cap) {
      stream.destroy();
      return reject(new BodyTooLarge());
    }
    let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(declaredLength ?? 0, 16 * 1024)));
    let len = 0;
    let done = false;
    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      reject(err);
    };
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      if (len + chunk.length > cap) {
        fail(new BodyTooLarge());
        stream.destroy();
        return;
      }
      if (len + chunk.length > buf.length) {
        const next = Buffer.allocUnsafe(Math.min(cap, Math.max(buf.length * 2, len + chunk.length)));
        buf.copy(next, 0, 0, len);
        buf = next;
      }
      chunk.copy(buf, len);
      len += chunk.length;
    });
    stream.once('end', () => {
      if (done) return;
      done = true;
      resolve(buf.subarray(0, len));
    });
    stream.once('error', fail);
    stream.once('close', () => fail(Object.assign(new Error('the connection closed before the response was complete'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
  });
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function configError(setting: string, detail: string, hint: string): OracleError {
  return new OracleError({ reason: 'config', method: 'CONFIG', path: setting, detail, hint });
}

/** Validates an endpoint URL: http(s), no credentials, https unless loopback (or explicitly allowed). */
function checkEndpoint(setting: string, raw: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(setting, `"${redactUrl(raw)}" is not a valid URL`, 'use the full address, e.g. https://<pod>.fa.<dc>.oraclecloud.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(setting, `unsupported protocol ${url.protocol}`, 'use an https:// address');
  if (url.username || url.password) throw configError(setting, 'the URL contains a user name or password', 'remove the credentials from the URL and configure them as authentication instead');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecureHttp) {
    throw configError(setting, `plain http to ${url.host} would send credentials unencrypted`, 'use the https:// address of the environment');
  }
  return url;
}

function abortReasonText(signal?: AbortSignal): string | undefined {
  const r = signal?.reason as unknown;
  if (r instanceof Error && r.name !== 'AbortError') return r.message;
  if (typeof r === 'string') return r;
  return undefined;
}

/** Parses Retry-After (delta seconds or HTTP date) into ms. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

const liftedSignals = new WeakSet<AbortSignal>();

/**
 * A caller's signal is shared by all its concurrent requests, each listening for abort (and removing
 * its listener when done): lift Node's leak-warning threshold (10) instead of printing a false
 * MaxListenersExceededWarning. A signal already unlimited (0) is left alone.
 */
function allowConcurrentListeners(signal: AbortSignal): void {
  if (liftedSignals.has(signal)) return;
  liftedSignals.add(signal);
  let current: number;
  try {
    current = getMaxListeners(signal);
  } catch {
    return; // Node 20 throws here for a signal set to 0 (unlimited)
  }
  if (current !== 0 && current < 1000) setMaxListeners(1000, signal);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Summarises zod issues without echoing values. */
export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (error.issues.length > max) parts.push(`and ${error.issues.length - max} more`);
  return parts.join('; ');
}

export class OracleClient {
  readonly baseUrl: string;
  readonly frameworkVersion: string;
  /** Requests actually sent (every attempt, token requests included); token requests alone. */
  readonly stats = { requests: 0, tokenRequests: 0 };

  private readonly origin: string;
  private readonly basePath: string;
  private readonly transport: Transport;
  private readonly authProvider: AuthProvider;
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;
  private readonly firstByteTimeoutMs: number;
  private readonly gate: SignInGate;
  private readonly onRetry?: (notice: RetryNotice) => void;
  /** Attempts that got an answer (a status line), any status. */
  private answered = 0;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retryAfterMaxMs: number;
  private readonly maxResponseBytes: number;
  private readonly userAgent: string;
  private readonly onLog?: (entry: RequestLogEntry) => void;
  private readonly readOnly: boolean;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: OracleClientOptions) {
    const allowHttp = options.allowInsecureHttp ?? false;
    const base = checkEndpoint('baseUrl', options.baseUrl, allowHttp);
    if (base.search || base.hash) throw configError('baseUrl', 'the URL has a query or fragment', 'use only the scheme and host, e.g. https://<pod>.fa.<dc>.oraclecloud.com');
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.baseUrl = this.origin + this.basePath;
    const auth = options.auth;
    if (!auth || !['basic', 'bearer', 'oauth', 'none'].includes(auth.kind)) throw configError('auth', 'unknown authentication kind', "use 'basic', 'bearer', 'oauth' or 'none'");
    if (auth.kind === 'basic' && (!auth.username || !auth.password)) throw configError('auth', 'the user name or password is empty', 'give both the user name and the password');
    if (auth.kind === 'oauth') {
      checkEndpoint('tokenUrl', auth.tokenUrl, allowHttp);
      if (!auth.clientId || !auth.clientSecret) throw configError('auth', 'the client ID or client secret is empty', 'copy them from the OCI IAM confidential application');
    }
    const positive = (name: string, v: number | undefined, def: number, min = 0): number => {
      if (v === undefined) return def;
      if (!Number.isFinite(v) || v < min) throw configError(name, `${v} is not a valid value`, `give a number >= ${min}`);
      return v;
    };
    this.timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULTS.timeoutMs, 1);
    this.firstByteTimeoutMs = Math.min(this.timeoutMs, positive('firstByteTimeoutMs', options.firstByteTimeoutMs, DEFAULTS.firstByteTimeoutMs, 1));
    this.onRetry = options.onRetry;
    this.gate = options.signIn ?? new SignInGate(identityOf(auth, base.origin));
    this.maxRetries = Math.floor(positive('maxRetries', options.maxRetries, DEFAULTS.maxRetries));
    this.retryBaseMs = positive('retryBaseMs', options.retryBaseMs, DEFAULTS.retryBaseMs);
    this.retryMaxMs = positive('retryMaxMs', options.retryMaxMs, DEFAULTS.retryMaxMs);
    this.retryAfterMaxMs = positive('retryAfterMaxMs', options.retryAfterMaxMs, DEFAULTS.retryAfterMaxMs);
    this.maxResponseBytes = Math.floor(positive('maxResponseBytes', options.maxResponseBytes, MAX_RESPONSE_BYTES, 1));
    this.frameworkVersion = options.frameworkVersion ?? DEFAULTS.frameworkVersion;
    if (!/^\d+$/.test(this.frameworkVersion)) throw configError('frameworkVersion', `"${this.frameworkVersion}" is not a version number`, 'use a number such as 4');
    this.semaphore = new Semaphore(Math.floor(positive('maxConcurrency', options.maxConcurrency, DEFAULTS.maxConcurrency, 1)));
    this.userAgent = options.userAgent ?? 'oracle-learning-integrations';
    this.onLog = options.onLog;
    this.readOnly = options.readOnly ?? false;
    this.sleepFn = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.transport = new Transport({
      ...(options.caFile !== undefined && { caFile: options.caFile }),
      ...(options.proxy !== undefined && { proxy: options.proxy }),
      ...(options.noProxy !== undefined && { noProxy: options.noProxy }),
      ...(options.env !== undefined && { env: options.env }),
    });
    this.authProvider = new AuthProvider(auth, () => this.fetchOAuthToken(), this.now);
  }

  /** The kind of authentication configured. */
  get authKind(): OracleAuth['kind'] {
    return this.authProvider.kind;
  }

  /** The sign-in gate of this client's credential. */
  get signIn(): SignInGate {
    return this.gate;
  }

  /** Closes idle keep-alive connections. The client stays usable (new connections are opened). */
  close(): void {
    this.transport.close();
  }

  async get<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const res = await this.execute(this.spec('GET', path, options, true));
    return this.validate(schema, res.body, 'GET', path);
  }

  /**
   * POST / PUT / PATCH / DELETE. PUT and DELETE are idempotent by default; POST and PATCH only
   * when `idempotent: true`. A 204 or empty body gives undefined; the body is parsed and returned
   * only when a schema is given.
   */
  async send<T>(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: RequestOptions & { body?: unknown; schema?: z.ZodType<T>; idempotent?: boolean; form?: boolean },
  ): Promise<T | undefined> {
    if (this.readOnly) throw configError('readOnly', `${method} ${path} refused: this client only reads`, 'a read-only operation (oli probe) never changes the pod');
    const idempotent = options.idempotent ?? (method === 'PUT' || method === 'DELETE');
    const spec = this.spec(method, path, options, idempotent);
    if (options.body !== undefined) spec.body = options.body;
    // application/x-www-form-urlencoded (e.g. an OAuth token request).
    if (options.form) spec.form = true;
    const res = await this.execute(spec);
    if (!options.schema || res.body === undefined) return undefined;
    return this.validate(options.schema, res.body, method, path);
  }

  /** Lists an ADF collection following limit/offset/hasMore. Prefer `q` (server-side filter) to listing. */
  async adfList<T>(path: string, itemSchema: z.ZodType<T>, options: AdfListOptions = {}): Promise<T[]> {
    const pageSize = Math.max(1, Math.min(500, Math.floor(options.pageSize ?? 100)));
    const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    const isAdf = path.includes('/resources/');
    const out: T[] = [];
    let offset = 0;
    for (;;) {
      const limit = Math.min(pageSize, maxItems - out.length);
      if (limit <= 0) break;
      const query = {
        ...options.query,
        q: options.q,
        fields: options.fields,
        expand: options.expand,
        finder: options.finder,
        orderBy: options.orderBy,
        ...(isAdf && { onlyData: true }),
        limit,
        offset,
      };
      const page = await this.get(path, adfCollectionSchema, { ...options, query });
      page.items.forEach((item, i) => out.push(this.validate(itemSchema, item, 'GET', path, `items[${offset + i}]`)));
      offset += page.items.length;
      const more = page.hasMore ?? page.items.length >= limit;
      if (!more || page.items.length === 0) break;
    }
    return out.length > maxItems ? out.slice(0, maxItems) : out;
  }

  /** Lists SCIM resources with 1-based startIndex/count paging. Prefer `filter` to listing. */
  async scimList<T>(path: string, resourceSchema: z.ZodType<T>, options: ScimListOptions = {}): Promise<{ resources: T[]; totalResults?: number }> {
    const pageSize = Math.max(1, Math.floor(options.count ?? 100));
    const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    const resources: T[] = [];
    let startIndex = 1;
    let total: number | undefined;
    for (;;) {
      const count = Math.min(pageSize, maxItems - resources.length);
      if (count <= 0) break;
      const query = { ...options.query, filter: options.filter, attributes: options.attributes, startIndex, count };
      const page = await this.get(path, scimListResponseSchema, { ...options, query });
      if (page.startIndex !== undefined && page.startIndex !== startIndex && (page.Resources?.length ?? 0) > 0) {
        throw new OracleError({
          reason: 'invalid-response',
          method: 'GET',
          path: this.pathOf(path),
          detail: `asked for startIndex ${startIndex}, got ${page.startIndex}`,
          hint: 'the server does not page as SCIM requires; narrow the filter so that one page is enough',
        });
      }
      if (page.totalResults !== undefined) total = page.totalResults;
      const items = page.Resources ?? [];
      items.forEach((r, i) => resources.push(this.validate(resourceSchema, r, 'GET', path, `Resources[${startIndex - 1 + i}]`)));
      startIndex += items.length;
      if (items.length === 0) break;
      if (total !== undefined ? startIndex > total : items.length < count) break;
    }
    return { resources: resources.length > maxItems ? resources.slice(0, maxItems) : resources, ...(total !== undefined && { totalResults: total }) };
  }

  // ---------------------------------------------------------------- internals

  private pathOf(path: string): string {
    try {
      return new URL(path, this.origin).pathname;
    } catch {
      return path.split('?')[0] ?? path;
    }
  }

  private spec(method: HttpMethod, path: string, options: RequestOptions, idempotent: boolean): RequestSpec {
    const url = this.resolve(path, options.query);
    const headers: Record<string, string> = { ...options.headers };
    if (url.pathname.includes('/resources/') && !Object.keys(headers).some((h) => h.toLowerCase() === 'rest-framework-version')) {
      headers['REST-Framework-Version'] = this.frameworkVersion;
    }
    return { method, url, headers, idempotent, useAuth: this.authProvider.kind !== 'none', ...(options.signal && { signal: options.signal }) };
  }

  private resolve(path: string, query?: RequestOptions['query']): URL {
    let url: URL;
    if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
      try {
        url = new URL(path);
      } catch {
        throw configError('path', `"${redactUrl(path)}" is not a valid URL`, 'give a path such as /hcmRestApi/scim/Users');
      }
      if (url.origin !== this.origin) {
        throw new OracleError({
          reason: 'config',
          method: 'REQUEST',
          path: url.pathname,
          detail: `${url.origin} is not the configured environment ${this.origin}`,
          hint: 'credentials are only sent to the configured base URL; use a path relative to it',
        });
      }
    } else {
      url = new URL(this.basePath + (path.startsWith('/') ? path : `/${path}`), this.origin);
    }
    const parts: string[] = [];
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
    }
    if (parts.length) url.search = (url.search ? url.search.slice(1) + '&' : '') + parts.join('&');
    return url;
  }

  private validate<T>(schema: z.ZodType<T>, value: unknown, method: string, path: string, where?: string): T {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    throw new OracleError({
      reason: 'invalid-response',
      method,
      path: this.pathOf(path),
      detail: `${where ? `${where}: ` : ''}${describeIssues(r.error)}`,
      hint: 'the response does not have the expected shape: check that the base URL is an Oracle Fusion pod and that this resource is available in its release',
    });
  }

  private cancelled(spec: RequestSpec): OracleError {
    const why = abortReasonText(spec.signal);
    return new OracleError({ reason: 'cancelled', method: spec.method, path: spec.url.pathname, ...(why && { detail: why }) });
  }

  /** Runs a request (with its retries) under the sign-in gate when it carries the credential. */
  private execute(spec: RequestSpec): Promise<RawResponse> {
    if (spec.signal) allowConcurrentListeners(spec.signal);
    if (!spec.useAuth) return this.executeWithRetries(spec);
    return this.gate.run(() => this.executeWithRetries(spec), spec.signal).catch((err: unknown) => {
      // Aborted while waiting for the proof: the same typed error as any cancelled request.
      if (!(err instanceof OracleError) && spec.signal?.aborted) throw this.cancelled(spec);
      throw err;
    });
  }

  /** Runs a request with retries; resolves with a 2xx response or throws an OracleError. */
  private async executeWithRetries(spec: RequestSpec): Promise<RawResponse> {
    let refreshed = false;
    let silentAttempts = 0;
    for (let attempt = 1; ; attempt++) {
      if (spec.signal?.aborted) throw this.cancelled(spec);
      let authorization: string | undefined;
      if (spec.useAuth) authorization = await this.authorization(spec);
      let release: () => void;
      try {
        release = await this.semaphore.acquire(spec.signal);
      } catch {
        throw this.cancelled(spec);
      }
      let result: AttemptResult;
      try {
        result = await this.attempt(spec, attempt, authorization);
      } finally {
        release();
      }
      if (result.ok) return result.response;
      const err = result.error;
      if (err.status === 401 && spec.useAuth && this.authProvider.refreshable && !refreshed) {
        // The credential may have expired: get a new one and try once more (a 401 was not processed).
        refreshed = true;
        if (this.authProvider.invalidate()) continue;
      }
      if (result.silent) silentAttempts++;
      // A pod that has never answered this client and lets attempts die silently is black-holed
      // (a firewall, a VPN, the wrong host): stop after MAX_SILENT_ATTEMPTS and say so.
      const neverAnswered = result.silent === true && this.answered === 0;
      const delay = result.transient && spec.idempotent && attempt <= this.maxRetries && !(neverAnswered && silentAttempts >= MAX_SILENT_ATTEMPTS) ? this.retryDelay(attempt, err.retryAfterMs) : undefined;
      if (delay === undefined) {
        if (neverAnswered) throw this.unreachable(spec, err, attempt);
        throw result.transient && attempt > 1 ? withAttempts(err, attempt) : err;
      }
      const maxAttempts = this.answered === 0 && result.silent ? Math.min(this.maxRetries + 1, MAX_SILENT_ATTEMPTS) : this.maxRetries + 1;
      if (this.onRetry) {
        try {
          this.onRetry({ method: spec.method, path: spec.url.pathname, attempt, maxAttempts, delayMs: Math.round(delay), reason: retryReason(err) });
        } catch {
          /* a failing sink never breaks a request */
        }
      }
      try {
        await this.sleepFn(delay, spec.signal);
      } catch {
        throw this.cancelled(spec);
      }
    }
  }

  private async authorization(spec: RequestSpec): Promise<string> {
    const pending = this.authProvider.header(spec.signal);
    if (!spec.signal) return pending;
    // Waiting for a shared token fetch must not outlive this caller's cancellation.
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(this.cancelled(spec));
      if (spec.signal!.aborted) return onAbort();
      spec.signal!.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (v) => {
          spec.signal!.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          spec.signal!.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  /** Full-jitter exponential backoff; a Retry-After is honoured (plus a little jitter) up to retryAfterMaxMs. */
  private retryDelay(attempt: number, retryAfterMs?: number): number | undefined {
    if (retryAfterMs !== undefined) {
      if (retryAfterMs > this.retryAfterMaxMs) return undefined;
      return retryAfterMs + this.random() * Math.min(this.retryBaseMs, 1000);
    }
    const ceiling = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempt - 1));
    return this.random() * ceiling;
  }

  private secrets(): string[] {
    return this.authProvider.secrets();
  }

  private async attempt(spec: RequestSpec, attempt: number, authorization?: string): Promise<AttemptResult> {
    // axios and the agents load with the first request; a proxy setting that cannot be used fails here.
    const [http, route] = await Promise.all([loadAxios(), this.transport.route(spec.url)]);
    const controller = new AbortController();
    let timedOut = false;
    let answered = false;
    const onAbort = () => controller.abort();
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    // Connection and first byte: a pod that accepts connections and never answers fails fast.
    const firstByteTimer =
      this.firstByteTimeoutMs < this.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, this.firstByteTimeoutMs)
        : undefined;

    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent, ...spec.headers };
    if (authorization) headers.Authorization = authorization;
    let data: string | undefined;
    if (spec.body !== undefined) {
      if (spec.form) {
        data = new URLSearchParams(spec.body as Record<string, string>).toString();
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      } else {
        data = JSON.stringify(spec.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      }
    }
    const clearTimers = () => {
      clearTimeout(timer);
      if (firstByteTimer) clearTimeout(firstByteTimer);
      spec.signal?.removeEventListener('abort', onAbort);
    };
    const started = performance.now();
    this.stats.requests++;
    if (spec.isTokenRequest) this.stats.tokenRequests++;
    let result: AttemptResult;
    try {
      const res: AxiosResponse<Readable> = await http.request<Readable>({
        url: spec.url.href,
        method: spec.method,
        headers,
        ...(data !== undefined && { data }),
        signal: controller.signal,
        responseType: 'stream',
        validateStatus: () => true,
        maxRedirects: 0,
        // Enforced while reading below (axios would buffer every chunk as its own object).
        maxContentLength: -1,
        proxy: route.proxy,
        ...(route.httpAgent && { httpAgent: route.httpAgent }),
        ...(route.httpsAgent && { httpsAgent: route.httpsAgent }),
        decompress: true,
      });
      answered = true;
      this.answered++;
      if (firstByteTimer) clearTimeout(firstByteTimer);
      const declared = Number(res.headers['content-length']);
      let body: Buffer;
      try {
        body = await readBody(res.data, this.maxResponseBytes, res.headers['content-encoding'] || !Number.isFinite(declared) ? undefined : declared);
      } catch (e) {
        if (e instanceof BodyTooLarge) throw new OracleError(this.tooLargeInit(spec, res.status));
        throw e;
      }
      let text = body.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      result = this.interpret(spec, { status: res.status, headers: res.headers as Record<string, unknown>, text });
    } catch (e) {
      result = this.networkFailure(spec, e, timedOut, answered, route.via);
    } finally {
      clearTimers();
    }
    this.log({
      method: spec.method,
      url: redactUrl(spec.url.href),
      ...(result.ok ? { status: result.response.status } : result.error.status !== undefined ? { status: result.error.status } : {}),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      attempt,
      requestHeaders: redactHeaders(headers),
      ...(spec.body !== undefined && { requestBody: redactBody(spec.body) }),
      ...(!result.ok && { error: result.error.message }),
      ...(route.via && { proxy: route.via }),
    });
    return result;
  }

  private tooLargeInit(spec: RequestSpec, status?: number): OracleErrorInit {
    return {
      method: spec.method,
      path: spec.url.pathname,
      ...(status !== undefined && { status }),
      reason: 'invalid-response',
      detail: `the response is larger than ${Math.round(this.maxResponseBytes / 1024 / 1024) || 1} MB; it was refused while being read`,
      hint: 'narrow the request (a filter, fewer fields, a smaller page) and check that the base URL is the pod, not a file or download server',
    };
  }

  /** The error that ends a request to a pod that never answered. */
  private unreachable(spec: RequestSpec, err: OracleError, attempts: number): OracleError {
    const host = spec.url.host;
    return new OracleError({
      ...initOf(err),
      detail: `no answer from ${host} within ${seconds(this.firstByteTimeoutMs)}, ${attempts} time${attempts > 1 ? 's' : ''}`,
      retryable: false,
      hint: `the connection is accepted or silently dropped but nothing answers: a firewall or VPN is likely in the way (or a proxy is needed: HTTPS_PROXY), or ${host} is the wrong host; check the URL and the network, or allow more time for the first byte if the pod is just slow`,
    });
  }

  private log(entry: RequestLogEntry): void {
    if (!this.onLog) return;
    try {
      this.onLog(entry);
    } catch {
      /* a failing log sink never breaks a request */
    }
  }

  private interpret(spec: RequestSpec, res: { status: number; headers: Record<string, unknown>; text: string }): AttemptResult {
    const status = res.status;
    const text = res.text;
    const header = (name: string): string | undefined => {
      const v = (res.headers as Record<string, unknown>)[name];
      return v === undefined || v === null ? undefined : String(v);
    };
    const base = { method: spec.method, path: spec.url.pathname, status };
    if (status >= 200 && status < 300) {
      if (status === 204 || text.trim() === '') return { ok: true, response: { status, body: undefined } };
      try {
        return { ok: true, response: { status, body: JSON.parse(text) as unknown } };
      } catch {
        const parsed = parseErrorBody(text, header('content-type'));
        return {
          ok: false,
          transient: false,
          error: new OracleError({
            ...base,
            reason: 'invalid-response',
            detail: redactText(`expected JSON, got ${parsed.shape === 'html' ? parsed.detail : `${header('content-type') ?? 'no content type'}: ${parsed.detail ?? ''}`}`, this.secrets()),
          }),
        };
      }
    }
    if (status >= 300 && status < 400) {
      const location = header('location');
      let target: URL | undefined;
      try {
        target = location ? new URL(location, spec.url) : undefined;
      } catch {
        target = undefined;
      }
      const where = target ? `${target.origin}${target.pathname}` : 'an unknown location';
      const otherHost = target ? target.host !== spec.url.host : false;
      return {
        ok: false,
        transient: false,
        error: new OracleError({
          ...base,
          reason: 'http',
          detail: redactText(`redirected to ${otherHost ? 'another host, ' : ''}${redactUrl(where)}; redirects are not followed`, this.secrets()),
          hint: otherHost
            ? 'credentials are never sent to another host: check the base URL (it should be the pod address https://<pod>.fa.<dc>.oraclecloud.com, not a sign-in or SSO page)'
            : 'check the base URL (scheme and path) so that no redirect is needed',
        }),
      };
    }
    const parsed = parseErrorBody(text, header('content-type'));
    const secrets = this.secrets();
    const transient = TRANSIENT_STATUS.has(status);
    const outcomeUnknown = !spec.idempotent && (status === 502 || status === 504);
    const retryAfterMs = transient ? parseRetryAfter(header('retry-after'), this.now()) : undefined;
    const init: OracleErrorInit = {
      ...base,
      reason: reasonForStatus(status),
      ...(parsed.code !== undefined && { code: redactText(parsed.code, secrets) }),
      ...(parsed.detail !== undefined && { detail: redactText(parsed.detail, secrets) }),
      retryable: transient && !outcomeUnknown,
      outcomeUnknown,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
    const hint = this.hintForStatus(spec, status, retryAfterMs);
    if (hint) init.hint = hint;
    return { ok: false, transient, error: new OracleError(init) };
  }

  private hintForStatus(spec: RequestSpec, status: number, retryAfterMs?: number): string | undefined {
    const p = spec.url.pathname;
    if (status === 401) {
      if (spec.authHint) return spec.authHint;
      const kind = this.authProvider.kind;
      if (kind === 'basic') return 'check the user name and password for this environment, and that the account is active and not locked';
      if (kind === 'bearer') return 'check the token: its issuer, certificate (x5t), user (prn/sub) and expiry must match the API Authentication setup in the Security Console';
      if (kind === 'none') return 'the identity domain refused the request: check the client ID of the integrated application and that it allows this grant';
      return 'check the client ID, secret and scope of the OCI IAM confidential application, and the Fusion user it acts as';
    }
    if (status === 403) {
      if (p.includes('/scim/')) return 'the user needs the privilege ASE_REST_SERVICE_ACCESS_IDENTITY_INTEGRATION_PRIV (IT Security Manager job role) to use SCIM';
      if (p.includes('/ess/')) return 'the user needs a role allowed to submit and view scheduled processes (ESS)';
      return 'give the user a role that grants this resource, then try again';
    }
    if (status === 404 && p.includes('learningSelfPacedItems')) return 'self-paced learning may not be enabled in this environment, or the base URL is wrong';
    if (status === 405) return 'this operation is not supported by Oracle for this resource';
    if (status === 407) return 'the proxy requires authentication: put the proxy user and password in the proxy URL (http://user:pass@proxy:port)';
    if (status === 429 && retryAfterMs !== undefined && retryAfterMs > this.retryAfterMaxMs) {
      return `Oracle asked to wait ${Math.ceil(retryAfterMs / 1000)} s before trying again: wait that long, then run it again`;
    }
    if ((status === 502 || status === 504) && !spec.idempotent) return 'check whether the change was applied before sending it again';
    return undefined;
  }

  private networkFailure(spec: RequestSpec, e: unknown, timedOut: boolean, answered: boolean, via?: string): AttemptResult {
    const base = { method: spec.method, path: spec.url.pathname };
    if (spec.signal?.aborted) return { ok: false, transient: false, error: this.cancelled(spec) };
    if (e instanceof OracleError) return { ok: false, transient: false, error: e };
    const secrets = this.secrets();
    if (timedOut) {
      return {
        ok: false,
        transient: true,
        silent: !answered,
        error: new OracleError({
          ...base,
          reason: 'timeout',
          detail: answered ? `no complete response within ${this.timeoutMs} ms` : `no response within ${this.firstByteTimeoutMs} ms (connection and first byte)`,
          retryable: spec.idempotent,
          outcomeUnknown: !spec.idempotent,
          ...(!spec.idempotent && { hint: 'check whether the change was applied before sending it again; raise the timeout if the server is slow' }),
        }),
      };
    }
    const err = e as AxiosError & { cause?: { code?: string } };
    const code = (typeof err?.code === 'string' && err.code !== 'ERR_BAD_REQUEST' ? err.code : undefined) ?? err?.cause?.code ?? 'UNKNOWN';
    const message = redactText(String(err?.message ?? e), secrets);
    if (/maxContentLength size of \d+ exceeded/.test(message)) return { ok: false, transient: false, error: new OracleError(this.tooLargeInit(spec)) };
    if (TLS_CODE.test(code) || /certificate|self.signed|TLS|SSL/i.test(message)) {
      return {
        ok: false,
        transient: false,
        error: new OracleError({ ...base, reason: 'tls', causeCode: code, detail: `${code}: ${message}` }),
      };
    }
    const host = spec.url.host;
    const target = spec.isTokenRequest ? 'the token URL' : 'the base URL';
    if (code === 'ECONNREFUSED') {
      return {
        ok: false,
        transient: false,
        error: new OracleError({
          ...base,
          reason: 'network',
          causeCode: code,
          detail: `connection refused by ${via ? `the proxy ${via}` : host}`,
          hint: via ? 'check the proxy address and that the proxy is running' : `nothing is listening there: check ${target} (and that the sandbox is running, for a local one)`,
        }),
      };
    }
    if (code === 'ENOTFOUND') {
      return {
        ok: false,
        transient: false,
        error: new OracleError({ ...base, reason: 'network', causeCode: code, detail: `the host name ${via ?? spec.url.hostname} does not resolve`, hint: `check the spelling of ${target}, DNS and the proxy settings` }),
      };
    }
    const transient = TRANSIENT_NETWORK.has(code) || /socket hang up|ECONNRESET|aborted/i.test(message);
    const outcomeUnknown = !spec.idempotent && transient;
    return {
      ok: false,
      transient,
      error: new OracleError({
        ...base,
        reason: 'network',
        causeCode: code,
        detail: `${code === 'UNKNOWN' ? '' : `${code}: `}${message}${via ? ` (through the proxy ${via})` : ''}`,
        retryable: transient && !outcomeUnknown,
        outcomeUnknown,
        ...(outcomeUnknown && { hint: 'check whether the change was applied before sending it again' }),
      }),
    };
  }

  /** OAuth client-credentials token request (form POST, client authenticated by HTTP Basic). */
  private async fetchOAuthToken(): Promise<FetchedToken> {
    const auth = this.authProvider.auth;
    if (auth.kind !== 'oauth') throw new Error('fetchOAuthToken called without oauth configuration');
    const url = new URL(auth.tokenUrl);
    const res = await this.execute({
      method: 'POST',
      url,
      headers: { Authorization: `Basic ${basicCredentials(auth.clientId, auth.clientSecret)}` },
      body: { grant_type: 'client_credentials', scope: auth.scope },
      form: true,
      // Asking for a token changes nothing on the server: safe to retry.
      idempotent: true,
      useAuth: false,
      isTokenRequest: true,
      authHint: 'the token endpoint rejected the client: check the client ID and client secret of the OCI IAM confidential application (and that it is activated)',
    }).catch((e: unknown) => {
      if (e instanceof OracleError && e.code === 'invalid_scope') {
        throw new OracleError({ ...initOf(e), hint: 'the scope must be urn:opc:resource:fa:instanceid=<instance id>urn:opc:resource:consumer::all for this pod' });
      }
      throw e;
    });
    const parsed = this.validate(oauthTokenResponseSchema, res.body, 'POST', url.pathname);
    return { accessToken: parsed.access_token, ...(parsed.expires_in !== undefined && { expiresInSec: parsed.expires_in }) };
  }
}

/** Why an attempt failed, in a few words, for a retry notice. */
function retryReason(e: OracleError): string {
  if (e.status !== undefined) return `HTTP ${e.status}${e.reason === 'rate-limited' ? ' (throttled)' : ''}`;
  if (e.reason === 'timeout') return e.detail?.replace(/(\d+) ms/, (_m, n: string) => seconds(Number(n))) ?? 'timed out';
  return e.causeCode && e.causeCode !== 'UNKNOWN' ? `connection failed (${e.causeCode})` : 'connection failed';
}

function withAttempts(e: OracleError, attempts: number): OracleError {
  if (attempts <= 1) return e;
  return new OracleError({ ...initOf(e), hint: `${e.hint} (gave up after ${attempts} attempts)` });
}
