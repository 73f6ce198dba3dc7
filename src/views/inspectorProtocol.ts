// The Inspector webview's message protocol, validated with zod on both sides (host and webview).
// Pure TypeScript (no 'vscode'): media/inspector/main.ts imports it too.
import { z } from 'zod';

export const INSPECTOR_TABS = ['certificate', 'jwt', 'xapi'] as const;
export type InspectorTab = (typeof INSPECTOR_TABS)[number];

const MAX_INPUT = 10 * 1024 * 1024;

/** `inspector`: the Inspector panel (tabs); `certificate-file`: the read-only certificate editor of one file. */
export const INSPECTOR_MODES = ['inspector', 'certificate-file'] as const;
export type InspectorMode = (typeof INSPECTOR_MODES)[number];

/** Webview → extension. */
export const toHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('inspect-certificate'), text: z.string().min(1).max(MAX_INPUT) }),
  z.object({ type: z.literal('pick-certificate-file') }),
  z.object({
    type: z.literal('inspect-jwt'),
    token: z.string().min(1).max(MAX_INPUT),
    certificate: z.string().max(MAX_INPUT).optional(),
    issuer: z.string().max(2000).optional(),
    user: z.string().max(200).optional(),
  }),
  z.object({ type: z.literal('inspect-xapi'), text: z.string().min(1).max(MAX_INPUT) }),
  /** "Would these completions land?" against the connected environment (the host asks the pod). */
  z.object({ type: z.literal('explain-xapi'), text: z.string().min(1).max(MAX_INPUT) }),
  /** "Why didn't this land?" for statement `index` of the input (the host opens the timeline, prefilled). */
  z.object({ type: z.literal('why-xapi'), text: z.string().min(1).max(MAX_INPUT), index: z.number().int().min(0).max(100_000) }),
  /** Open a JWT or xAPI file (the host shows the file dialog and reads it). */
  z.object({ type: z.literal('pick-file'), tab: z.enum(INSPECTOR_TABS) }),
  /** Copy a value (thumbprint, claim) to the clipboard through the host. */
  z.object({ type: z.literal('copy'), text: z.string().min(1).max(100_000), label: z.string().max(200) }),
  /** Ask the host for the PKCS#12 password (an input box on the host side: the password never reaches the webview). */
  z.object({ type: z.literal('unlock') }),
  /** The webview ignored a message that failed toWebviewSchema (reported so the host can log it). */
  z.object({ type: z.literal('invalid-message'), issue: z.string().max(500) }),
]);
export type ToHost = z.infer<typeof toHostSchema>;

const certificateInfoSchema = z.looseObject({
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  status: z.enum(['valid', 'expiring', 'expired', 'not-yet-valid']),
  daysRemaining: z.number(),
  keyType: z.string(),
  keySize: z.number().nullable(),
  signatureAlgorithm: z.string(),
  sha1: z.string(),
  sha256: z.string(),
  x5t: z.string(),
  selfSigned: z.boolean(),
});
const problemSchema = z.looseObject({ code: z.string(), message: z.string(), severity: z.enum(['error', 'warning']) });
export const certificateReportSchema = z.looseObject({
  format: z.string(),
  certificates: z.array(certificateInfoSchema),
  privateKey: z.boolean(),
  problems: z.array(problemSchema),
  ok: z.boolean(),
});

export const jwtReportSchema = z.looseObject({
  mode: z.string(),
  header: z.record(z.string(), z.unknown()),
  payload: z.union([z.record(z.string(), z.unknown()), z.string()]),
  signature: z.looseObject({ verified: z.boolean(), reason: z.string() }),
  checks: z.array(z.looseObject({ id: z.string(), ok: z.boolean(), message: z.string() })),
  valid: z.boolean(),
});

export const xapiInspectionSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      index: z.number(),
      line: z.number().nullable(),
      valid: z.boolean(),
      errors: z.array(z.looseObject({ path: z.string(), message: z.string() })),
      oracle: z.looseObject({
        learner: z.looseObject({ by: z.string(), value: z.string().nullable(), mappable: z.boolean() }),
        contentId: z.string().nullable(),
        verbName: z.string().nullable(),
        completion: z.boolean(),
        timestamp: z.string().nullable(),
        durationSeconds: z.number().nullable(),
        score: z.number().nullable(),
        notes: z.array(z.string()),
      }),
    }),
  ),
  summary: z.looseObject({ total: z.number(), valid: z.number(), invalid: z.number() }),
});

const explanationSchema = z.looseObject({
  index: z.number(),
  lands: z.boolean(),
  outcome: z.enum(['completion', 'progress', 'nothing']),
  reasons: z.array(z.looseObject({ code: z.string(), message: z.string() })),
  learner: z.looseObject({ userName: z.string(), email: z.string().nullable(), active: z.boolean() }).nullable(),
  content: z.looseObject({ title: z.string(), status: z.string() }).nullable(),
});
export const xapiExplanationSchema = z.object({ environment: z.string(), results: z.array(explanationSchema) });

/** Extension → webview. */
export const toWebviewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    tab: z.enum(INSPECTOR_TABS),
    strings: z.record(z.string(), z.string()),
    mode: z.enum(INSPECTOR_MODES).optional(),
    /** The connected environment xAPI statements can be explained against (null: none). */
    environment: z.string().nullable().optional(),
  }),
  /** The connected environment changed. */
  z.object({ type: z.literal('context'), environment: z.string().nullable() }),
  z.object({ type: z.literal('show-input'), tab: z.enum(INSPECTOR_TABS), text: z.string() }),
  z.object({ type: z.literal('certificate-result'), source: z.string(), report: certificateReportSchema }),
  z.object({
    type: z.literal('jwt-result'),
    report: jwtReportSchema,
    /** What the token was checked against when the webview left the field empty: the plan's values. */
    against: z.object({ issuer: z.string().optional(), user: z.string().optional(), certificate: z.string().optional() }).optional(),
  }),
  z.object({ type: z.literal('xapi-result'), inspection: xapiInspectionSchema }),
  z.object({ type: z.literal('xapi-explanation'), explanation: xapiExplanationSchema }),
  /** `action: 'unlock'`: the webview offers a button that sends `unlock`. */
  z.object({ type: z.literal('error'), tab: z.enum(INSPECTOR_TABS), message: z.string(), action: z.enum(['unlock']).optional() }),
]);
export type ToWebview = z.infer<typeof toWebviewSchema>;

/** What kind of text the user selected (for "Inspect Selection"). */
export function detectInspectorTab(text: string): InspectorTab | undefined {
  const t = text.trim();
  if (/-----BEGIN (CERTIFICATE|PKCS7)-----/.test(t) || /^MII[A-Za-z0-9+/=\s]{100,}$/.test(t)) return 'certificate';
  if (/^(Bearer\s+)?eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(t)) return 'jwt';
  if (/^[[{]/.test(t) && /"(verb|actor|object)"/.test(t)) return 'xapi';
  return undefined;
}
