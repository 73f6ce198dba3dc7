/**
 * Redaction of secrets before anything reaches a log, an error, a report or the output.
 *
 * Redacted: Authorization / Proxy-Authorization / Cookie headers (the scheme word is kept), keys
 * whose name matches password|secret|client_secret|private_key|token|assertion|key
 * (case-insensitive, in JSON bodies, form bodies and query strings), PEM private-key blocks,
 * JWTs, userinfo in URLs, and any known secret value given to redactText.
 */

export const REDACTED = '[REDACTED]';

/** Body / query keys whose values are secrets. */
const SECRET_KEY = /password|passwd|secret|private_?key|token|assertion|key|credential|authorization|cookie|verifier/i;
/** OAuth parameters that are secrets without saying so: an authorization code, a device or user code. */
const SECRET_EXACT_KEY = /^(code|device_code|user_code)$/i;
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$/i;
const PEM_PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const AUTH_SCHEME_VALUE = /\b(Basic|Bearer|Digest|Negotiate|NTLM)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]+@/gi;
const TEXT_KEY_VALUE_JSON = /("[^"\\]*(?:password|passwd|secret|private_?key|token|assertion|credential)[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const TEXT_KEY_VALUE_FORM = /\b([\w.-]*(?:password|passwd|secret|private_?key|token|assertion)[\w.-]*=)[^&\s"']+/gi;

/** Whether a body, form or query key names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_EXACT_KEY.test(key);
}

/** Headers with Authorization, Proxy-Authorization, Cookie and secret-named headers redacted. */
export function redactHeaders(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(h ?? {})) {
    if (raw === undefined || raw === null) continue;
    const value = Array.isArray(raw) ? raw.map(String).join(', ') : String(raw);
    if (/^(authorization|proxy-authorization)$/i.test(name)) {
      const scheme = /^\s*([A-Za-z]+)\s+/.exec(value)?.[1];
      out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } else if (SECRET_HEADER.test(name) || isSecretKey(name)) {
      out[name] = REDACTED;
    } else {
      out[name] = redactPatterns(value);
    }
  }
  return out;
}

/** A deep copy of a request or response body with secret-named keys and secret-looking values redacted. */
export function redactBody(body: unknown): unknown {
  return redactValue(body, 0, new WeakSet());
}

function redactValue(v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') return redactString(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (depth > 20) return '[too deep]';
  if (v instanceof URLSearchParams) return redactForm(v.toString());
  if (Buffer.isBuffer(v) || v instanceof Uint8Array || v instanceof ArrayBuffer) return `[binary ${(v as { byteLength: number }).byteLength} bytes]`;
  if (typeof v === 'object') {
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && x !== null && x !== undefined && x !== '' ? REDACTED : redactValue(x, depth + 1, seen);
    }
    return out;
  }
  return REDACTED;
}

function redactString(s: string): unknown {
  const t = s.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.stringify(redactBody(JSON.parse(t)));
    } catch {
      /* not JSON: fall through */
    }
  }
  if (/^[^\s=&]+=[^\s&]*(&[^\s=&]+=[^\s&]*)*$/.test(t)) return redactForm(t);
  return redactPatterns(s);
}

function redactForm(form: string): string {
  return form
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        /* keep raw key */
      }
      return isSecretKey(key) ? `${pair.slice(0, eq)}=${REDACTED}` : redactPatterns(pair);
    })
    .join('&');
}

/** A URL with userinfo removed and secret-named query parameters redacted. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactPatterns(url);
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
  }
  let out = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  if (parsed.search) out += `?${redactForm(parsed.search.slice(1))}`;
  if (parsed.hash) out += parsed.hash;
  if (url.includes('@') && /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(url)) {
    out = out.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, `$1${REDACTED}@`);
  }
  return redactPatterns(out, false);
}

/** Free text with the given secret values (and their common encodings) and secret patterns redacted. */
export function redactText(text: string, secrets: string[]): string {
  let out = String(text);
  const variants = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < 3) continue;
    variants.add(s);
    variants.add(JSON.stringify(s).slice(1, -1));
    variants.add(encodeURIComponent(s));
    variants.add(new URLSearchParams({ x: s }).toString().slice(2));
    variants.add(Buffer.from(s, 'utf8').toString('base64'));
  }
  for (const v of [...variants].filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.split(v).join(REDACTED);
  }
  return redactPatterns(out);
}

/** Pattern-based redaction for any text (no knowledge of the actual secrets). */
function redactPatterns(text: string, userinfo = true): string {
  let out = text
    .replace(PEM_PRIVATE_KEY, `-----${REDACTED} PRIVATE KEY-----`)
    .replace(AUTH_SCHEME_VALUE, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(TEXT_KEY_VALUE_JSON, `$1"${REDACTED}"`)
    .replace(TEXT_KEY_VALUE_FORM, `$1${REDACTED}`);
  if (userinfo) out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
  return out;
}
