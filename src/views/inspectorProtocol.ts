// The Inspector webview's message protocol, checked on both sides (host and webview) with the
// hand-written validator of protocolCheck.ts (no zod in the webview bundle). Pure TypeScript (no
// 'vscode'): media/inspector/main.ts imports it too.
import { arr, bool, either, nullable, num, obj, oneOf, opt, rec, schema, str, tagged, unknownValue, type Infer } from './protocolCheck';

export const INSPECTOR_TABS = ['certificate', 'jwt', 'xapi'] as const;
export type InspectorTab = (typeof INSPECTOR_TABS)[number];

const MAX_INPUT = 10 * 1024 * 1024;

/** `inspector`: the Inspector panel (tabs); `certificate-file`: the read-only certificate editor of one file. */
export const INSPECTOR_MODES = ['inspector', 'certificate-file'] as const;
export type InspectorMode = (typeof INSPECTOR_MODES)[number];

const input = () => str({ min: 1, max: MAX_INPUT });
const tab = () => oneOf(INSPECTOR_TABS);

/** Webview → extension. */
const toHost = tagged('type', {
  ready: obj({}),
  'inspect-certificate': obj({ text: input() }),
  'pick-certificate-file': obj({}),
  'inspect-jwt': obj({
    token: input(),
    certificate: opt(str({ max: MAX_INPUT })),
    issuer: opt(str({ max: 2000 })),
    user: opt(str({ max: 200 })),
  }),
  'inspect-xapi': obj({ text: input() }),
  /** "Would these completions land?" against the connected environment (the host asks the pod). */
  'explain-xapi': obj({ text: input() }),
  /** "Why didn't this land?" for statement `index` of the input (the host opens the timeline, prefilled). */
  'why-xapi': obj({ text: input(), index: num({ int: true, min: 0, max: 100_000 }) }),
  /** Open a JWT or xAPI file (the host shows the file dialog and reads it). */
  'pick-file': obj({ tab: tab() }),
  /** Copy a value (thumbprint, claim) to the clipboard through the host. */
  copy: obj({ text: str({ min: 1, max: 100_000 }), label: str({ max: 200 }) }),
  /** Ask the host for the PKCS#12 password (an input box on the host side: the password never reaches the webview). */
  unlock: obj({}),
  /** The webview ignored a message that failed toWebviewSchema (reported so the host can log it). */
  'invalid-message': obj({ issue: str({ max: 500 }) }),
});
export const toHostSchema = schema(toHost);
export type ToHost = Infer<typeof toHost>;

const certificateInfo = obj(
  {
    subject: str(),
    issuer: str(),
    serialNumber: str(),
    notBefore: str(),
    notAfter: str(),
    status: oneOf(['valid', 'expiring', 'expired', 'not-yet-valid']),
    daysRemaining: num(),
    keyType: str(),
    keySize: nullable(num()),
    signatureAlgorithm: str(),
    sha1: str(),
    sha256: str(),
    x5t: str(),
    selfSigned: bool(),
  },
  { loose: true },
);
const problem = obj({ code: str(), message: str(), severity: oneOf(['error', 'warning']) }, { loose: true });
const certificateReport = obj(
  {
    format: str(),
    certificates: arr(certificateInfo),
    privateKey: bool(),
    problems: arr(problem),
    /** What could not be checked (a chain without its issuer's certificate), apart from the problems. */
    notChecked: opt(arr(obj({ code: str(), message: str() }, { loose: true }))),
    ok: bool(),
    verdict: opt(str()),
  },
  { loose: true },
);

const jwtReport = obj(
  {
    mode: str(),
    header: rec(unknownValue()),
    payload: either(rec(unknownValue()), str()),
    signature: obj({ verified: bool(), reason: str() }, { loose: true }),
    checks: arr(obj({ id: str(), ok: bool(), notChecked: opt(oneOf(['certificate', 'blocked'])), message: str() }, { loose: true })),
    valid: bool(),
    verdict: opt(obj({ status: oneOf(['valid', 'not-verified', 'invalid']), text: str() }, { loose: true })),
  },
  { loose: true },
);

const xapiInspection = obj(
  {
    results: arr(
      obj(
        {
          index: num(),
          line: nullable(num()),
          valid: bool(),
          errors: arr(obj({ path: str(), message: str() }, { loose: true })),
          oracle: obj(
            {
              learner: obj({ by: str(), value: nullable(str()), mappable: bool() }, { loose: true }),
              contentId: nullable(str()),
              verbName: nullable(str()),
              completion: bool(),
              timestamp: nullable(str()),
              durationSeconds: nullable(num()),
              score: nullable(num()),
              notes: arr(str()),
            },
            { loose: true },
          ),
        },
        { loose: true },
      ),
    ),
    summary: obj({ total: num(), valid: num(), invalid: num() }, { loose: true }),
  },
  { loose: true },
);

const explanation = obj(
  {
    index: num(),
    lands: bool(),
    /** The pod could not be asked about what would decide it (a refused or unreadable lookup): not "would not land". */
    unchecked: opt(bool()),
    outcome: oneOf(['completion', 'progress', 'nothing']),
    reasons: arr(obj({ code: str(), message: str() }, { loose: true })),
    learner: nullable(obj({ userName: str(), email: nullable(str()), active: bool() }, { loose: true })),
    content: nullable(obj({ title: str(), status: str() }, { loose: true })),
  },
  { loose: true },
);
const xapiExplanation = obj({ environment: str(), results: arr(explanation) });

/** Extension → webview. */
const toWebview = tagged('type', {
  init: obj({
    tab: tab(),
    strings: rec(str()),
    mode: opt(oneOf(INSPECTOR_MODES)),
    /** The connected environment xAPI statements can be explained against (null: none). */
    environment: opt(nullable(str())),
  }),
  /** The connected environment changed. */
  context: obj({ environment: nullable(str()) }),
  'show-input': obj({ tab: tab(), text: str() }),
  'certificate-result': obj({ source: str(), report: certificateReport }),
  'jwt-result': obj({
    report: jwtReport,
    /** What the token was checked against when the webview left the field empty: the plan's values. */
    against: opt(obj({ issuer: opt(str()), user: opt(str()), certificate: opt(str()) })),
  }),
  'xapi-result': obj({ inspection: xapiInspection }),
  'xapi-explanation': obj({ explanation: xapiExplanation }),
  /** `action: 'unlock'`: the webview offers a button that sends `unlock`. */
  error: obj({ tab: tab(), message: str(), action: opt(oneOf(['unlock'])) }),
});
export const toWebviewSchema = schema(toWebview);
export type ToWebview = Infer<typeof toWebview>;

/**
 * What the Inspector webview keeps with setState (through hide/show and a window reload): its tab,
 * its inputs and the last result of each tab. Never a private key (keepableInput) nor a password
 * (asked by the host, never in the webview).
 */
const inspectorState = obj({
  tab: opt(tab()),
  inputs: rec(str({ max: MAX_INPUT }), { maxKeys: 12 }),
  results: arr(toWebview, { max: 12 }),
});
export const inspectorStateSchema = schema(inspectorState);
export type InspectorState = Infer<typeof inspectorState>;

const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;

/** An input as the webview may keep it: every PEM private key block cut out (a certificate pasted with its key keeps only the certificate). */
export function keepableInput(text: string): string {
  return text.replace(PRIVATE_KEY_BLOCK, '').slice(0, MAX_INPUT);
}

/** What kind of text the user selected (for "Inspect Selection"). */
export function detectInspectorTab(text: string): InspectorTab | undefined {
  const t = text.trim();
  if (/-----BEGIN (CERTIFICATE|PKCS7)-----/.test(t) || /^MII[A-Za-z0-9+/=\s]{100,}$/.test(t)) return 'certificate';
  if (/^(Bearer\s+)?eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(t)) return 'jwt';
  if (/^[[{]/.test(t) && /"(verb|actor|object)"/.test(t)) return 'xapi';
  return undefined;
}
