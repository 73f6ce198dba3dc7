import * as z from 'zod';
import '../zodSettings';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { CappedReadError, readFileCapped } from '../io/readCapped';
import { printable } from '../text/printable';
import { writeFileAtomic } from '../io/writeAtomic';

export const PLAN_FILE_NAME = 'oracle-learning.json';

export const PROVIDER_IDS = [
  'coursera',
  'skillsoft-percipio',
  'go1',
  'udemy-business',
  'edflex',
  'linkedin-learning',
  'bizlibrary',
  'intuition',
  'opensesame',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
/** AICC-based providers: their credentials go on Configure External Providers, not in the plan. */
export const AICC_PROVIDERS: readonly ProviderId[] = ['bizlibrary', 'intuition', 'opensesame'];

const environmentName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'letters, digits, ".", "_" or "-", at most 40 characters');

const podUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must start with https:// (or http:// for a local sandbox)')
  .refine((u) => !/\/\/[^/]*@/.test(u), 'must not contain a user name or password')
  .refine((u) => u.startsWith('https://') || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(u), 'plain http:// is only allowed for a local sandbox on 127.0.0.1/localhost');

const identityDomainUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://') || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(u), 'must start with https:// (or http:// for a local sandbox)')
  .refine((u) => !/\/\/[^/]*@/.test(u), 'must not contain a user name or password');

/**
 * How the administrator signs in to a pod, most preferred first. No secret is ever here: tokens,
 * refresh tokens, private keys and passwords live in the OS keyring / VS Code SecretStorage.
 */
export const environmentAuthSchema = z
  .discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('oauth').describe('OAuth 3-legged (authorization code + PKCE) with the identity domain of the pod: the most preferred'),
      identityDomain: identityDomainUrl.describe('The OCI IAM identity domain associated with the pod, e.g. https://idcs-0123456789abcdef.identity.oraclecloud.com'),
      clientId: z.string().min(1).describe('Client ID of the public integrated application (authorization code with PKCE, refresh token; no client secret)'),
      scope: z
        .string()
        .min(1)
        .describe('Scope of the Fusion resource application, e.g. "urn:opc:resource:fa:instanceid=<id>urn:opc:resource:consumer::all offline_access" (offline_access: a refresh token)'),
    }),
    z.strictObject({
      method: z.literal('jwt').describe("JWT bearer signed with the administrator's own key, registered under API Authentication (oli login --jwt)"),
      issuer: z.string().min(1).optional().describe('Trusted issuer of the administrator\'s key under API Authentication (default: oli-admin.<user name>)'),
    }),
    z.strictObject({ method: z.literal('basic').describe('User name and password (Basic): the least preferred; many pods refuse it') }),
  ])
  .describe('How the administrator signs in to this pod: "oauth" (preferred), "jwt", or "basic" (least preferred; the default when absent). No secret here.');
export type EnvironmentAuth = z.infer<typeof environmentAuthSchema>;
export type SignInMethod = EnvironmentAuth['method'];

export const environmentSchema = z.strictObject({
  url: podUrl.describe('Pod URL, e.g. https://abcd-dev1.fa.us2.oraclecloud.com'),
  auth: environmentAuthSchema.optional(),
  caFile: z.string().optional().describe('Extra CA certificate file (PEM), relative to the plan file'),
  proxy: z
    .string()
    .url()
    .refine((u) => !/\/\/[^/]*@/.test(u), 'must not contain a user name or password (the plan is shared; give an authenticating proxy through HTTPS_PROXY)')
    .optional()
    .describe('HTTPS proxy URL for this environment'),
  production: z.boolean().optional().describe('Marks a production pod: applying asks for confirmation'),
  certificate: z
    .string()
    .min(1)
    .optional()
    .describe('The inbound certificate registered in this environment, when it differs from jwt.certificate (written by oli rotate-cert while environments rotate one by one); relative to the plan file'),
});
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

const jobDefinitionId = z.string().regex(/^JobDefinition:\/\/\S+$/, 'an ESS job definition id starts with JobDefinition://');

export const scheduledProcessesSchema = z.strictObject({
  loadAndSynchronizeExternalCourseData: jobDefinitionId.optional(),
  bulkIngestToOscs: jobDefinitionId.optional(),
  processLearningExperienceStatements: jobDefinitionId.optional(),
  processCatalogItemDeactivationsAndDeletions: jobDefinitionId.optional(),
  reconcileUserGroups: jobDefinitionId.optional(),
});
export type ScheduledProcessIds = z.infer<typeof scheduledProcessesSchema>;
export type ScheduledProcessKey = keyof ScheduledProcessIds;

/** Thresholds of `oli health` (and of the certificate warning in the VS Code status bar). */
export const healthSettingsSchema = z.strictObject({
  certificateWarningDays: z.number().int().min(1).max(365).optional().describe('Warn this many days before the inbound certificate expires (default 30)'),
  longWaitMinutes: z.number().int().min(5).max(10080).optional().describe('A run of a scheduled process still waiting this long after its scheduled time is a finding (default 120)'),
  longRunMinutes: z.number().int().min(5).max(10080).optional().describe('A run still running this long is a finding (default 360)'),
  contentSyncMaxAgeHours: z.number().int().min(1).max(720).optional().describe('The content sync\'s last success older than this is a finding (default 48)'),
});
export type HealthSettings = Required<z.infer<typeof healthSettingsSchema>>;
export const DEFAULT_HEALTH_SETTINGS: HealthSettings = { certificateWarningDays: 30, longWaitMinutes: 120, longRunMinutes: 360, contentSyncMaxAgeHours: 48 };

/** The plan's health thresholds with the defaults filled in. */
export function healthSettingsOf(plan: PlanFile): HealthSettings {
  return { ...DEFAULT_HEALTH_SETTINGS, ...(plan.health ?? {}) };
}

const noWhitespaceEdges = (s: string) => s === s.trim();

export const planFileSchema = z.lazy(() => z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    provider: z.enum(PROVIDER_IDS),
    auth: z.enum(['jwt', 'oauth']).describe('jwt: trusted issuer + certificate under API Authentication; oauth: OCI IAM confidential application'),
    environments: z.record(environmentName, environmentSchema).refine((e) => Object.keys(e).length > 0, 'at least one environment'),
    defaultEnvironment: environmentName.optional(),
    integrationUser: z.strictObject({
      userName: z.string().min(1).max(100).refine(noWhitespaceEdges, 'no leading or trailing spaces'),
      email: z.string().email(),
      givenName: z.string().min(1).optional(),
      familyName: z.string().min(1).optional(),
    }),
    jobRole: z.strictObject({
      name: z.string().min(1).describe('Role code, e.g. XX_COURSERA_CONTENT_PROVIDER_JOB'),
      displayName: z.string().optional(),
    }),
    learnerIdentifier: z.enum(['email', 'username']),
    jwt: z
      .strictObject({
        issuer: z.string().min(1).describe('Trusted issuer exactly as the provider gave it'),
        certificate: z.string().min(1).describe('Path to the provider public certificate (.cer/.pem), relative to the plan file'),
        sampleToken: z.string().optional().describe('Optional path to a JWT the provider sent (or gave as a sample); checked against the issuer and certificate'),
      })
      .optional(),
    oauth: z
      .strictObject({
        clientId: z.string().min(1),
        tokenUrl: z.string().url(),
        scope: z.string().min(1),
      })
      .optional()
      .describe('OCI IAM confidential application; its secret is kept in the credential store, never here'),
    catalogProfile: z.string().min(1),
    visibility: z.enum(['public', 'private']),
    scheduledProcesses: scheduledProcessesSchema.default({}),
    ess: z
      .strictObject({
        application: z.string().default('EarHcmEss'),
        product: z.string().optional(),
        startTime: z.string().regex(/^\d{2}:\d{2}$/).default('02:00').describe('Daily start time (UTC) of the first scheduled process'),
        loadSyncStartTime: z
          .string()
          .regex(/^\d{2}:\d{2}$/)
          .optional()
          .describe(
            'Daily start time (UTC) of "Load and Synchronize External Course Data" when the pod\'s answer does not show it: the processes that must run after it are scheduled after this time',
          ),
        bulkIngestParameter: z
          .strictObject({
            name: z.string().min(1).describe('Parameter name [INF: Oracle publishes only the label "Program Name"; Fusion ESS job arguments are positional, submit.argument1 ...]'),
            paramType: z.enum(['BOOLEAN', 'LONG', 'INTEGER', 'DATETIME', 'STRING']).default('STRING'),
            value: z.string().min(1).describe('Program Name, OLC-REST per Oracle\'s procedure (step 10)'),
          })
          .optional()
          .describe('The input parameter of "ESS job to run Bulk ingest to OSCS"; default {"name":"submit.argument1","paramType":"STRING","value":"OLC-REST"} (the name is inferred)'),
        schedule: z
          .record(z.string(), z.unknown())
          .optional()
          .describe(
            'Overrides the shape of the daily schedule sent to ESS [INF: the product sends {"frequency":"DAILY","interval":1,"startTime":"<ISO>"}]; every string "{startTime}" in it is replaced by the ISO start time',
          ),
      })
      .default({ application: 'EarHcmEss', startTime: '02:00' }),
    identitySample: z.string().optional().describe('CSV or text file of learner identifiers checked by the learner-identity step'),
    health: healthSettingsSchema.optional().describe('Thresholds of oli health and of the certificate warning (VS Code status bar)'),
  })
  .superRefine((p, ctx) => {
    const xapi = !AICC_PROVIDERS.includes(p.provider);
    if (xapi && p.auth === 'jwt' && !p.jwt) ctx.addIssue({ code: 'custom', path: ['jwt'], message: 'auth "jwt" needs a "jwt" section (issuer, certificate)' });
    if (xapi && p.auth === 'oauth' && !p.oauth) ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'auth "oauth" needs an "oauth" section (clientId, tokenUrl, scope)' });
    if (p.defaultEnvironment && !p.environments[p.defaultEnvironment])
      ctx.addIssue({ code: 'custom', path: ['defaultEnvironment'], message: `no environment named "${p.defaultEnvironment}"` });
    const secretish = JSON.stringify(p).match(/"(password|clientSecret|client_secret|secret|privateKey)"\s*:/i);
    if (secretish) ctx.addIssue({ code: 'custom', path: [], message: `the plan file must not hold secrets ("${secretish[1]}")` });
  }));
export type PlanFile = z.infer<typeof planFileSchema>;

export class PlanFileError extends Error {
  override readonly name = 'PlanFileError';
  readonly exitCode = 2;
  constructor(
    readonly path: string,
    readonly reason: 'missing' | 'unreadable' | 'invalid-json' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** Formats zod issues as "path: message" lines. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Largest plan file read: a plan is a few kilobytes. */
export const MAX_PLAN_BYTES = 1_000_000;

function tooLarge(path: string): PlanFileError {
  return new PlanFileError(path, 'invalid', `${path} is larger than 1 MB; a plan file is a few kilobytes. Check that this is the right file, or recreate it with 'oli init'.`);
}

export function parsePlan(text: string, path = PLAN_FILE_NAME): PlanFile {
  if (text.length > MAX_PLAN_BYTES) throw tooLarge(path);
  // Editors on Windows save UTF-8 with a byte order mark: it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // The parser quotes the text it stopped at: an invisible character is shown escaped, not printed.
    throw new PlanFileError(path, 'invalid-json', `${path} is not valid JSON (${printable((err as Error).message)}). Fix the syntax or recreate it with 'oli init'.`);
  }
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) throw new PlanFileError(path, 'invalid', `${path} is not a valid plan: ${formatIssues(parsed.error)}.`);
  return parsed.data;
}

export async function loadPlan(path: string): Promise<PlanFile> {
  let text: string;
  try {
    // Refused while reading: a huge file (or a link to a device) never reaches memory.
    text = (await readFileCapped(path, MAX_PLAN_BYTES, { what: path })).toString('utf8');
  } catch (err) {
    if (err instanceof CappedReadError) {
      if (err.reason === 'too-large') throw tooLarge(path);
      if (err.reason === 'not-found') throw new PlanFileError(path, 'missing', `No plan file at ${path}. Create one with 'oli init' (or the "Create Plan" command in VS Code).`);
      throw new PlanFileError(path, 'unreadable', `${err.message}.`);
    }
    throw new PlanFileError(path, 'unreadable', `Cannot read ${path}: ${(err as Error).message}.`);
  }
  return parsePlan(text, path);
}

export function serializePlan(plan: PlanFile): string {
  const checked = planFileSchema.parse(plan);
  return JSON.stringify(checked, null, 2) + '\n';
}

/**
 * Writes the plan atomically (a temp file, then a rename): an editor, a file watcher or another
 * command never reads half a plan, and a crash leaves the previous one. A plan file that is a
 * symbolic link is replaced where it points.
 */
export async function savePlan(path: string, plan: PlanFile): Promise<void> {
  const text = serializePlan(plan);
  const target = await realpath(path).catch(() => path);
  await writeFileAtomic(target, text);
}

export function planPath(workspaceRoot: string): string {
  return join(workspaceRoot, PLAN_FILE_NAME);
}

/** How the administrator signs in to an environment: its `auth`, else Basic (the plans written before sign-in methods). */
export function environmentAuth(plan: PlanFile, environment: string): EnvironmentAuth {
  return plan.environments[environment]?.auth ?? { method: 'basic' };
}

/** The environment to use: the named one, else the default, else the only one. */
/** The inbound certificate file of an environment: its own (a rotation done there first), else the plan's jwt.certificate. */
export function certificateOf(plan: PlanFile, environment: string): string | undefined {
  return plan.environments[environment]?.certificate ?? plan.jwt?.certificate;
}

export function resolveEnvironment(plan: PlanFile, name?: string): { name: string; config: EnvironmentConfig } {
  const names = Object.keys(plan.environments);
  const chosen = name ?? plan.defaultEnvironment ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) throw new PlanFileError('', 'invalid', `Several environments (${names.join(', ')}); choose one with --env NAME.`);
  const config = plan.environments[chosen];
  if (!config) throw new PlanFileError('', 'invalid', `No environment "${chosen}" in the plan (known: ${names.join(', ')}).`);
  return { name: chosen, config };
}
