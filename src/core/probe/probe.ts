/**
 * `oli probe`: asks a pod, read-only, about every assumption the product relies on where Oracle
 * publishes little or nothing, and records for each whether the pod confirmed it, contradicted
 * it, refused to answer (with the HTTP status and what grants access) or does not have it. It
 * ends with the administrator's missing privileges per step, and returns what it confirmed (job
 * ids, field names, filter limits, ESS words) so that later status and apply use it.
 *
 * Only GET is sent (the client refuses anything else), and nothing more is asked once the sign-in
 * fails (one failure, never a locked account). Samples are shapes (keys and value types), never
 * values: the report is what a user attaches to a bug.
 */
import * as l10n from '@vscode/l10n';
import * as z from 'zod';
import type { OracleClient, RequestLogEntry } from '../../oracle/client';
import { OracleError } from '../../oracle/errors';
import { adfEq, scimAnyEq, scimEq } from '../../oracle/filters';
import { readItems, redactedSample, type ShapeSpec } from '../../oracle/lenient';
import {
  COMPLETION_DETAIL_SHAPE,
  DIGITAL_LEARNING_PROVIDERS_PATH,
  ITEM_TYPE_PROVIDER_SHAPE,
  LEARNER_LEARNING_RECORDS_PATH,
  LEARNER_RECORD_SHAPE,
  LEARNING_ITEM_TYPE_PROVIDERS_PATH,
  PROVIDER_SHAPE,
  SELF_PACED_ITEM_SHAPE,
  SELF_PACED_ITEMS_PATH,
} from '../../oracle/learning';
import { ESS_REQUESTS_PATH, essRequestSchema, ONE_OFF_WORDS, RECURRING_WORDS, CHILD_WORDS, type EssRequest } from '../../oracle/ess';
import { refusalOf, type OracleResource } from '../../oracle/privileges';
import { SCIM_USERS_PATH, type EmailFilterForm } from '../../oracle/scimUsers';
import { USER_ACCOUNTS_PATH } from '../../oracle/userAccounts';
import type { Basis } from '../../oracle/basis';
import { isStandIn } from '../../oracle/basis';
import { adminAuth, clientFor, type ClientSettings } from '../plan/context';
import type { EnvironmentCredentials } from '../model/credentials';
import type { Learned } from '../plan/learned';
import { resolveEnvironment, type PlanFile, type ScheduledProcessKey } from '../plan/planFile';
import { getProfile } from '../plan/profiles';
import type { StepId } from '../plan/stepIds';
import { PROCESSES } from '../plan/steps/schedules';
import { loadKit } from '../plan/verificationKit';
import { signOracleJwt } from '../plan/oracleJwt';

export const PROBE_OUTCOMES = ['confirmed', 'contradicted', 'refused', 'not-available'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export interface Assumption {
  /** Stable id, e.g. `scim.filter.email`. */
  id: string;
  title: string;
  /** What the assumption rests on: Oracle's documentation, or our inference. */
  basis: Basis;
  outcome: ProbeOutcome;
  /** One or two sentences: what the pod answered and what follows. */
  detail: string;
  /** The request that asked (method and path; filter values replaced by placeholders). */
  request?: string;
  /** HTTP status when refused or contradicted by an error. */
  status?: number;
  /** What grants access, when refused. */
  privilege?: string;
  /** The shape of the answer (keys and value types only). */
  sample?: unknown;
  /** Steps that rely on it. */
  steps: (StepId | 'completions')[];
}

export interface MissingPrivilege {
  step: StepId | 'completions';
  title: string;
  /** What the administrator (or the integration user) needs. */
  needs: string;
  /** The refused requests behind it. */
  because: string[];
}

export interface ProbeReport {
  environment: string;
  url: string;
  at: string;
  /** Requests sent (all GET). */
  requests: number;
  assumptions: Assumption[];
  missingPrivileges: MissingPrivilege[];
  /** What later status and apply reuse (also written to the environment's state). */
  learned: Learned;
  summary: Record<ProbeOutcome, number>;
}

const PROBE_VALUE = (i: number) => `oli-probe-${String(i).padStart(5, '0')}`;
const BATCH_TRIES = [50, 25, 12, 6, 3];

const scimListSchema = z.lazy(() => z.looseObject({ Resources: z.array(z.unknown()).optional(), totalResults: z.unknown().optional() }));
const collectionSchema = z.lazy(() => z.looseObject({ items: z.array(z.unknown()), hasMore: z.boolean().optional(), count: z.number().optional() }));

interface Asked<T> {
  ok: boolean;
  value?: T;
  error?: OracleError;
}

export interface ProbeInput {
  plan: PlanFile;
  planDir: string;
  environment: string;
  credentials: EnvironmentCredentials;
  signal?: AbortSignal;
  onLog?: (e: RequestLogEntry) => void;
  onProgress?: (message: string) => void;
  timeoutMs?: number;
  /** Deadline for the connection and the first byte of each answer (the client's default when absent). */
  firstByteTimeoutMs?: number;
  /** Told before each retry (one line for a person). */
  onRetry?: ClientSettings['onRetry'];
  /** Sign-in gates shared with the caller's other clients (VS Code's window): one failed sign-in at most. */
  signIns?: ClientSettings['signIns'];
  defaultProxy?: string;
  now?: () => Date;
}

/** Runs the probe. Throws only for a usage problem (no credentials, unknown environment); every answer of the pod is a finding. */
export async function probeEnvironment(input: ProbeInput): Promise<ProbeReport> {
  const { plan, environment } = input;
  const env = resolveEnvironment(plan, environment);
  let requests = 0;
  const settings: ClientSettings = {
    readOnly: true,
    maxConcurrency: 4,
    onLog: (e) => {
      requests++;
      input.onLog?.(e);
    },
    ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
    ...(input.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: input.firstByteTimeoutMs } : {}),
    ...(input.onRetry ? { onRetry: input.onRetry } : {}),
    ...(input.signIns ? { signIns: input.signIns } : {}),
    ...(input.defaultProxy ? { defaultProxy: input.defaultProxy } : {}),
  };
  const admin = clientFor(plan, input.planDir, environment, adminAuth(environment, input.credentials), settings);
  const at = (input.now?.() ?? new Date()).toISOString();
  const out: Assumption[] = [];
  const learned: Learned = { at };
  const say = (m: string) => input.onProgress?.(m);
  const sig = input.signal ? { signal: input.signal } : {};
  const ask = async <T>(read: () => Promise<T>): Promise<Asked<T>> => {
    try {
      return { ok: true, value: await read() };
    } catch (err) {
      if (input.signal?.aborted) throw err;
      if (err instanceof OracleError && err.reason !== 'config') return { ok: false, error: err };
      throw err;
    }
  };
  const get = (c: OracleClient, path: string, query: Record<string, string | number | boolean> = {}) => ask(() => c.get(path, z.unknown(), { query, ...sig }));
  const add = (a: Assumption) => out.push(a);
  const refusedAs = (a: Omit<Assumption, 'outcome' | 'detail' | 'status' | 'privilege'>, e: OracleError, resource: OracleResource, sentence?: string): Assumption => {
    const what = sentence ? ` ${sentence}` : '';
    const r = refusalOf(e, resource);
    if (r?.kind === 'not-found') return { ...a, outcome: 'not-available', status: 404, detail: `${r.message}${what}` };
    if (r && r.kind !== 'shape') return { ...a, outcome: 'refused', ...(r.status !== undefined ? { status: r.status } : {}), privilege: r.grantedBy, detail: `${r.message}${what}` };
    return { ...a, outcome: 'contradicted', ...(e.status !== undefined ? { status: e.status } : {}), detail: `${e.userMessage()}${what}` };
  };

  // ---------------------------------------------------------------- sign-in (one attempt)
  const adminUser = input.credentials.admin!.username;
  const signInTitle = {
    basic: () => l10n.t('Sign-in (Basic, administrator)'),
    oauth: () => l10n.t('Sign-in (OAuth with the identity domain, administrator)'),
    jwt: () => l10n.t("Sign-in (JWT signed with the administrator's key, administrator)"),
  }[input.credentials.admin!.kind]();
  say(l10n.t('Signing in…'));
  const signIn = await get(admin, SCIM_USERS_PATH, { filter: scimEq('userName', adminUser), count: 1 });
  const signInRequest = `GET ${SCIM_USERS_PATH}?filter=userName eq "<administrator>"`;
  if (!signIn.ok && signIn.error?.status === 401) {
    add({ id: 'sign-in', title: signInTitle, basis: 'documented', outcome: 'refused', status: 401, detail: `${signIn.error.userMessage()} ${l10n.t('Nothing else was asked: one failed sign-in only.')}`, request: signInRequest, steps: [] });
    return finish();
  }
  const unreachable = !signIn.ok && signIn.error ? signIn.error : undefined;
  if (unreachable && (['network', 'tls', 'timeout'].includes(unreachable.reason) || (unreachable.status !== undefined && unreachable.status >= 300 && unreachable.status < 400))) {
    add({ id: 'sign-in', title: signInTitle, basis: 'documented', outcome: 'not-available', ...(unreachable.status !== undefined ? { status: unreachable.status } : {}), detail: `${unreachable.userMessage()} ${l10n.t('Nothing else was asked.')}`, request: signInRequest, steps: [] });
    return finish();
  }
  add({ id: 'sign-in', title: signInTitle, basis: 'documented', outcome: 'confirmed', detail: l10n.t('The pod accepted the administrator {0}.', adminUser), request: signInRequest, steps: [] });

  // ---------------------------------------------------------------- SCIM
  const scimSteps: Assumption['steps'] = ['learner-identity', 'job-role', 'integration-user'];
  let adminEmail: string | undefined;
  if (signIn.ok) {
    const list = scimListSchema.safeParse(signIn.value);
    const first = list.success ? list.data.Resources?.[0] : undefined;
    if (list.success) {
      add({ id: 'scim.filter.userName', title: l10n.t('SCIM Users: filter userName eq'), basis: 'documented', outcome: 'confirmed', detail: l10n.t('Users are found by user name (ListResponse with Resources).'), request: signInRequest, sample: redactedSample(signIn.value), steps: scimSteps });
      const emails = (first as { emails?: { value?: unknown; primary?: unknown }[] } | undefined)?.emails;
      const primary = Array.isArray(emails) ? (emails.find((e) => e?.primary === true) ?? emails[0]) : undefined;
      if (typeof primary?.value === 'string') adminEmail = primary.value;
    } else
      add({ id: 'scim.filter.userName', title: l10n.t('SCIM Users: filter userName eq'), basis: 'documented', outcome: 'contradicted', detail: l10n.t('The pod answered in a shape we did not expect (no SCIM ListResponse).'), request: signInRequest, sample: redactedSample(signIn.value), steps: scimSteps });
  } else add(refusedAs({ id: 'scim.filter.userName', title: l10n.t('SCIM Users: filter userName eq'), basis: 'documented', request: signInRequest, steps: scimSteps }, signIn.error!, 'scim-users'));

  const scimReadable = signIn.ok;
  const scim: NonNullable<Learned['scim']> = {};
  if (scimReadable) {
    say(l10n.t('SCIM filter forms…'));
    const email = adminEmail ?? input.plan.integrationUser.email;
    let emailForm: EmailFilterForm = 'scan';
    for (const form of ['emails.value', 'emails[type eq "W"].value'] as const) {
      const r = await get(admin, SCIM_USERS_PATH, { filter: scimEq(form, email), count: 1, attributes: 'userName' });
      const request = `GET ${SCIM_USERS_PATH}?filter=${form} eq "<email>"`;
      const id = form === 'emails.value' ? 'scim.filter.email' : 'scim.filter.email.valuePath';
      const title = l10n.t('SCIM Users: filter {0} eq', form);
      if (r.ok) {
        add({ id, title, basis: 'inferred', outcome: 'confirmed', detail: l10n.t('Users are found by email with this filter.'), request, steps: ['learner-identity'] });
        emailForm = form;
        break;
      }
      if (r.error?.status === 400) add({ id, title, basis: 'inferred', outcome: 'contradicted', status: 400, detail: l10n.t('The pod refused it ({0}).', r.error.userMessage()), request, steps: ['learner-identity'] });
      else add(refusedAs({ id, title, basis: 'inferred', request, steps: ['learner-identity'] }, r.error!, 'scim-users'));
    }
    scim.emailFilter = emailForm;
    if (emailForm === 'scan') out[out.length - 1]!.detail += ` ${l10n.t('No email filter is accepted: lookups by email read every user once.')}`;

    const orFilter = scimAnyEq('userName', [adminUser, input.plan.integrationUser.userName]);
    const orRead = await get(admin, SCIM_USERS_PATH, { filter: orFilter, count: 2, attributes: 'userName' });
    const orRequest = `GET ${SCIM_USERS_PATH}?filter=userName eq "<a>" or userName eq "<b>"`;
    if (orRead.ok) {
      scim.orFilter = true;
      add({ id: 'scim.filter.or', title: l10n.t('SCIM Users: `or` filters'), basis: 'inferred', outcome: 'confirmed', detail: l10n.t('Several users are found with one `or` filter.'), request: orRequest, steps: ['learner-identity'] });
      // The longest batch the pod takes: 50 values, then fewer.
      for (const n of BATCH_TRIES) {
        const filter = scimAnyEq('userName', Array.from({ length: n }, (_, i) => PROBE_VALUE(i)));
        const r = await get(admin, SCIM_USERS_PATH, { filter, count: 1, attributes: 'userName' });
        if (r.ok) {
          scim.batchSize = n;
          if (n !== BATCH_TRIES[0]) scim.maxFilterLength = filter.length;
          add({
            id: 'scim.filter.batch',
            title: l10n.t('SCIM Users: 50 values per `or` filter'),
            basis: 'inferred',
            outcome: n === BATCH_TRIES[0] ? 'confirmed' : 'contradicted',
            detail:
              n === BATCH_TRIES[0]
                ? l10n.t('A filter of 50 values ({0} characters) was accepted.', filter.length)
                : l10n.t('Longer filters were refused; {0} values ({1} characters) were accepted: lookups use batches of that size.', n, filter.length),
            request: `GET ${SCIM_USERS_PATH}?filter=<${n} userName clauses>`,
            steps: ['learner-identity'],
          });
          break;
        }
        if (r.error?.status !== 400) {
          add(refusedAs({ id: 'scim.filter.batch', title: l10n.t('SCIM Users: 50 values per `or` filter'), basis: 'inferred', request: `GET ${SCIM_USERS_PATH}?filter=<${n} userName clauses>`, steps: ['learner-identity'] }, r.error!, 'scim-users'));
          break;
        }
        if (n === BATCH_TRIES[BATCH_TRIES.length - 1]) {
          scim.batchSize = 1;
          add({ id: 'scim.filter.batch', title: l10n.t('SCIM Users: 50 values per `or` filter'), basis: 'inferred', outcome: 'contradicted', status: 400, detail: l10n.t('Even {0} values were refused: lookups go one value at a time.', n), steps: ['learner-identity'] });
        }
      }
    } else if (orRead.error?.status === 400) {
      scim.orFilter = false;
      scim.batchSize = 1;
      add({ id: 'scim.filter.or', title: l10n.t('SCIM Users: `or` filters'), basis: 'inferred', outcome: 'contradicted', status: 400, detail: l10n.t('The pod refused an `or` filter ({0}): lookups go one value at a time.', orRead.error.userMessage()), request: orRequest, steps: ['learner-identity'] });
    } else add(refusedAs({ id: 'scim.filter.or', title: l10n.t('SCIM Users: `or` filters'), basis: 'inferred', request: orRequest, steps: ['learner-identity'] }, orRead.error!, 'scim-users'));
    learned.scim = scim;

    const roleRequest = `GET /hcmRestApi/scim/Roles?filter=name eq "<job role>"`;
    const roles = await get(admin, '/hcmRestApi/scim/Roles', { filter: scimEq('name', input.plan.jobRole.name), count: 1 });
    if (roles.ok) {
      const found = scimListSchema.safeParse(roles.value).data?.Resources?.length ?? 0;
      add({ id: 'scim.roles', title: l10n.t('SCIM Roles: filter name eq'), basis: 'documented', outcome: 'confirmed', detail: found ? l10n.t("Roles are read by code (the plan's job role exists).") : l10n.t("Roles are read by code (the plan's job role does not exist yet)."), request: roleRequest, sample: redactedSample(roles.value), steps: ['job-role', 'integration-user'] });
    } else add(refusedAs({ id: 'scim.roles', title: l10n.t('SCIM Roles: filter name eq'), basis: 'documented', request: roleRequest, steps: ['job-role', 'integration-user'] }, roles.error!, 'scim-roles'));
  }

  // ---------------------------------------------------------------- ADF envelope, framework version, userAccounts
  say(l10n.t('ADF resources…'));
  const accountsRequest = `GET ${USER_ACCOUNTS_PATH}?q=Username = '<administrator>'&limit=1 (REST-Framework-Version ${admin.frameworkVersion})`;
  const accounts = await get(admin, USER_ACCOUNTS_PATH, { q: adfEq('Username', adminUser, admin.frameworkVersion), limit: 1, onlyData: true });
  if (accounts.ok) {
    const env = collectionSchema.safeParse(accounts.value);
    add({
      id: 'adf.envelope',
      title: l10n.t('ADF collection envelope and REST framework version'),
      basis: 'documented',
      outcome: env.success ? 'confirmed' : 'contradicted',
      detail: env.success
        ? l10n.t('A collection {items, hasMore, ...} answered a framework-version {0} query (q with "Attr = \'value\'").', admin.frameworkVersion)
        : l10n.t('The pod answered in a shape we did not expect (no ADF items array).'),
      request: accountsRequest,
      sample: redactedSample(accounts.value),
      steps: ['integration-user'],
    });
    const item = env.success ? env.data.items[0] : undefined;
    const missing = item && typeof item === 'object' ? ['Username', 'PersonId', 'GUID'].filter((k) => !Object.keys(item).some((x) => x.toLowerCase() === k.toLowerCase())) : [];
    add({
      id: 'userAccounts',
      title: l10n.t('userAccounts readable (person link, roles)'),
      basis: 'documented',
      outcome: missing.length ? 'contradicted' : 'confirmed',
      detail: missing.length ? l10n.t('The account has no {0} field.', missing.join(', ')) : l10n.t("The integration user's person link and roles can be read."),
      request: accountsRequest,
      steps: ['integration-user'],
    });
  } else {
    const e = accounts.error!;
    if (e.status === 400)
      add({ id: 'adf.envelope', title: l10n.t('ADF collection envelope and REST framework version'), basis: 'documented', outcome: 'contradicted', status: 400, detail: l10n.t('The pod refused a framework-version {0} q ({1}).', admin.frameworkVersion, e.userMessage()), request: accountsRequest, steps: ['integration-user'] });
    add(refusedAs({ id: 'userAccounts', title: l10n.t('userAccounts readable (person link, roles)'), basis: 'documented', request: accountsRequest, steps: ['integration-user'] }, e, 'user-accounts'));
  }

  // ---------------------------------------------------------------- Learning resources
  say(l10n.t('Learning resources…'));
  const fieldAliases: Record<string, Record<string, string>> = {};
  const fieldsOf = <K extends string>(
    resource: string,
    id: string,
    title: string,
    items: unknown[],
    spec: ShapeSpec<K>,
    required: K[],
    steps: Assumption['steps'],
    documented = false,
  ) => {
    if (!items.length) {
      add({ id, title, basis: documented ? 'documented' : 'inferred', outcome: 'not-available', detail: l10n.t('The answer had no item to read field names from.'), steps });
      return;
    }
    const shape = readItems(items, spec, required);
    const expected = Object.fromEntries(Object.keys(spec).map((k) => [k, spec[k as K].aliases[0]]));
    const used = shape.aliases as Record<string, string>;
    if (Object.keys(used).length) fieldAliases[resource] = used;
    const differs = Object.entries(used).filter(([k, v]) => v !== expected[k]);
    const outcome: ProbeOutcome = shape.missing.length ? 'contradicted' : differs.length && documented ? 'contradicted' : 'confirmed';
    add({
      id,
      title,
      basis: documented ? 'documented' : 'inferred',
      outcome,
      detail: shape.missing.length
        ? l10n.t(
            'The pod answered in a shape we did not expect: no {0} field under any known name. Found: {1}.',
            shape.missing.join(', '),
            Object.entries(used).map(([k, v]) => l10n.t('{0} as {1}', k, v)).join(', ') || l10n.t('none of ours'),
          )
        : differs.length
          ? l10n.t('Fields read as {0} ({1} under another name than ours; remembered for status).', Object.entries(used).map(([k, v]) => `${k}=${v}`).join(', '), differs.length)
          : l10n.t('Fields read as {0}.', Object.entries(used).map(([k, v]) => `${k}=${v}`).join(', ')),
      sample: shape.sample,
      steps,
    });
  };

  const selfPacedRequest = `GET ${SELF_PACED_ITEMS_PATH}?limit=1`;
  const selfPaced = await get(admin, SELF_PACED_ITEMS_PATH, { limit: 1, onlyData: true });
  if (selfPaced.ok) {
    const items = collectionSchema.safeParse(selfPaced.value).data?.items ?? [];
    add({ id: 'learning.selfPacedItems', title: l10n.t('learningSelfPacedItems readable'), basis: 'inferred', outcome: 'confirmed', detail: l10n.t('It answers (a weak sign that self-paced learning is enabled).'), request: selfPacedRequest, steps: ['self-paced-learning'] });
    fieldsOf('learningSelfPacedItems', 'learning.selfPacedItems.fields', l10n.t('{0} field names', 'learningSelfPacedItems'), items, SELF_PACED_ITEM_SHAPE, ['title'], ['self-paced-learning', 'completions']);
  } else add(refusedAs({ id: 'learning.selfPacedItems', title: l10n.t('learningSelfPacedItems readable'), basis: 'inferred', request: selfPacedRequest, steps: ['self-paced-learning'] }, selfPaced.error!, 'learning-self-paced-items', l10n.t('That does not mean self-paced learning is off.')));

  const providersRequest = `GET ${DIGITAL_LEARNING_PROVIDERS_PATH}`;
  const providers = await get(admin, DIGITAL_LEARNING_PROVIDERS_PATH, { limit: 25, onlyData: true });
  let providerItems: unknown[] | undefined;
  if (providers.ok) {
    providerItems = collectionSchema.safeParse(providers.value).data?.items ?? [];
    add({ id: 'learning.digitalLearningProviders', title: l10n.t('digitalLearningProviders readable by the administrator'), basis: 'documented', outcome: 'confirmed', detail: l10n.t('The administrator may read it (so it holds the Learning Content Provider duty).'), request: providersRequest, steps: ['external-provider'] });
  } else {
    const a = refusedAs({ id: 'learning.digitalLearningProviders', title: l10n.t('digitalLearningProviders readable by the administrator'), basis: 'documented', request: providersRequest, steps: ['external-provider'] }, providers.error!, 'digital-learning-providers');
    // As the provider would read it: the verification kit's JWT (or the OAuth application), once.
    if (a.outcome === 'refused' && a.status === 403) {
      const asProvider = await providerIdentity(input, settings);
      if (asProvider) {
        const r = await get(asProvider.client, DIGITAL_LEARNING_PROVIDERS_PATH, { limit: 25, onlyData: true });
        if (r.ok) {
          providerItems = collectionSchema.safeParse(r.value).data?.items ?? [];
          a.detail += ` ${l10n.t('Read instead {0}: the status reads it that way.', asProvider.how)}`;
        } else a.detail += ` ${l10n.t('Read {0} too: {1}', asProvider.how, r.error!.userMessage())}`;
      } else a.detail += ` ${l10n.t('Apply api-authentication (JWT) or store the OAuth client secret so that status can read it as the integration user.')}`;
    }
    add(a);
  }
  if (providerItems) fieldsOf('digitalLearningProviders', 'learning.digitalLearningProviders.fields', l10n.t('{0} field names', 'digitalLearningProviders'), providerItems, PROVIDER_SHAPE, ['name'], ['external-provider']);

  const typeRequest = `GET ${LEARNING_ITEM_TYPE_PROVIDERS_PATH}`;
  const types = await get(admin, LEARNING_ITEM_TYPE_PROVIDERS_PATH, { limit: 25, onlyData: true });
  if (types.ok) {
    add({ id: 'learning.learningItemTypeProviders', title: l10n.t('learningItemTypeProviders readable'), basis: 'documented', outcome: 'confirmed', detail: l10n.t('It answers.'), request: typeRequest, steps: ['external-provider'] });
    fieldsOf('learningItemTypeProviders', 'learning.learningItemTypeProviders.fields', l10n.t('{0} field names', 'learningItemTypeProviders'), collectionSchema.safeParse(types.value).data?.items ?? [], ITEM_TYPE_PROVIDER_SHAPE, [], ['external-provider']);
  } else add(refusedAs({ id: 'learning.learningItemTypeProviders', title: l10n.t('learningItemTypeProviders readable'), basis: 'documented', request: typeRequest, steps: ['external-provider'] }, types.error!, 'learning-item-type-providers'));

  const recordsRequest = `GET ${LEARNER_LEARNING_RECORDS_PATH}?expand=completionDetails&limit=1`;
  const records = await get(admin, LEARNER_LEARNING_RECORDS_PATH, { expand: 'completionDetails', limit: 1, onlyData: true });
  if (records.ok) {
    const items = collectionSchema.safeParse(records.value).data?.items ?? [];
    add({ id: 'learning.learnerLearningRecords', title: l10n.t('learnerLearningRecords readable by the administrator'), basis: 'inferred', outcome: 'confirmed', detail: l10n.t('The administrator may read learner records (Oracle documents it for learners only).'), request: recordsRequest, steps: ['completions'] });
    fieldsOf('learnerLearningRecords', 'learning.learnerLearningRecords.fields', l10n.t('{0} field names (documented camelCase)', 'learnerLearningRecords'), items, LEARNER_RECORD_SHAPE, ['assignmentRecordId'], ['completions'], true);
    const detail = items[0] && typeof items[0] === 'object' ? (items[0] as Record<string, unknown>).completionDetails : undefined;
    if (detail !== undefined) {
      const list = Array.isArray(detail) ? detail : ((detail as { items?: unknown[] })?.items ?? []);
      if (list.length) fieldsOf('completionDetails', 'learning.completionDetails.fields', l10n.t('{0} field names', 'completionDetails'), list, COMPLETION_DETAIL_SHAPE, [], ['completions']);
    }
  } else add(refusedAs({ id: 'learning.learnerLearningRecords', title: l10n.t('learnerLearningRecords readable by the administrator'), basis: 'inferred', request: recordsRequest, steps: ['completions'] }, records.error!, 'learner-learning-records'));
  if (Object.keys(fieldAliases).length) learned.fieldAliases = fieldAliases;

  // ---------------------------------------------------------------- ESS
  say(l10n.t('Scheduled processes…'));
  const essSteps: Assumption['steps'] = ['scheduled-processes', 'reconcile-user-groups'];
  const essRequest = `GET ${ESS_REQUESTS_PATH} (no paging parameter: none is documented for it)`;
  const ess = await get(admin, ESS_REQUESTS_PATH);
  if (ess.ok) {
    const page = collectionSchema.safeParse(ess.value);
    if (!page.success) add({ id: 'ess.query', title: l10n.t('ESS: query job requests'), basis: 'documented', outcome: 'contradicted', detail: l10n.t('The pod answered in a shape we did not expect (no items array).'), request: essRequest, sample: redactedSample(ess.value), steps: essSteps });
    else {
      const parsed = page.data.items.map((i) => essRequestSchema.safeParse(i)).filter((r) => r.success).map((r) => r.data as EssRequest);
      add({
        id: 'ess.query',
        title: l10n.t('ESS: query job requests'),
        basis: 'documented',
        outcome: 'confirmed',
        detail: page.data.hasMore ? l10n.t("{0} request(s) in the pod's own page (hasMore: more exist).", page.data.items.length) : l10n.t("{0} request(s) in the pod's own page.", page.data.items.length),
        request: essRequest,
        sample: page.data.items.length ? redactedSample(page.data.items[0]) : undefined,
        steps: essSteps,
      });
      const q = await get(admin, ESS_REQUESTS_PATH, { q: 'state eq "WAIT"' });
      add(
        q.ok
          ? { id: 'ess.query.q', title: l10n.t('ESS: q filter (SCIM syntax)'), basis: 'documented', outcome: 'confirmed', detail: l10n.t('A q filter on state was accepted.'), request: `GET ${ESS_REQUESTS_PATH}?q=state eq "WAIT"`, steps: essSteps }
          : refusedAs({ id: 'ess.query.q', title: l10n.t('ESS: q filter (SCIM syntax)'), basis: 'documented', request: `GET ${ESS_REQUESTS_PATH}?q=state eq "WAIT"`, steps: essSteps }, q.error!, 'ess-requests'),
      );
      essFindings(parsed, page.data.items, add, learned, essSteps);
      jobIdFindings(input, parsed, add, learned);
    }
  } else add(refusedAs({ id: 'ess.query', title: l10n.t('ESS: query job requests'), basis: 'documented', request: essRequest, steps: essSteps }, ess.error!, 'ess-requests'));

  return finish();

  function finish(): ProbeReport {
    admin.close();
    const summary = { confirmed: 0, contradicted: 0, refused: 0, 'not-available': 0 } as Record<ProbeOutcome, number>;
    for (const a of out) summary[a.outcome]++;
    learned.summary = l10n.t('{0} confirmed, {1} contradicted, {2} refused, {3} not available', summary.confirmed, summary.contradicted, summary.refused, summary['not-available']);
    return { environment, url: env.config.url, at, requests, assumptions: out, missingPrivileges: missingPrivileges(input.plan, out), learned, summary };
  }
}

/** The identity the provider uses, when this machine can act as it: the verification kit's JWT (one static token: one attempt) or the OAuth application. */
async function providerIdentity(input: ProbeInput, settings: ClientSettings): Promise<{ client: OracleClient; how: string } | undefined> {
  const { plan } = input;
  if (plan.auth === 'jwt') {
    const kit = await loadKit(input.planDir, input.environment);
    if (!kit) return undefined;
    const token = await signOracleJwt({ privateKeyPem: kit.privateKeyPem, certificatePem: kit.certificatePem, issuer: kit.issuer, userName: plan.integrationUser.userName });
    return { client: clientFor(plan, input.planDir, input.environment, { kind: 'bearer', token }, settings), how: l10n.t('as {0} with a JWT of the api-authentication verification kit (basis: documented, the duty grants it)', plan.integrationUser.userName) };
  }
  const secret = input.credentials.providerClient;
  if (plan.auth === 'oauth' && plan.oauth && secret) {
    const o = plan.oauth;
    return {
      client: clientFor(plan, input.planDir, input.environment, { kind: 'oauth', tokenUrl: o.tokenUrl, clientId: secret.clientId || o.clientId, clientSecret: secret.clientSecret, scope: o.scope }, settings),
      how: l10n.t('as the OAuth application {0}', o.clientId),
    };
  }
  return undefined;
}

/** requestType words and schedule definitions seen on the pod's requests. */
function essFindings(requests: EssRequest[], raw: unknown[], add: (a: Assumption) => void, learned: Learned, steps: Assumption['steps']): void {
  if (!requests.length) {
    add({ id: 'ess.requestType', title: l10n.t('ESS: requestType words'), basis: 'inferred', outcome: 'not-available', detail: l10n.t('No request to read words from (submit one process in Scheduled Processes and probe again).'), steps });
    return;
  }
  const withSchedule = requests.filter((r) => r.scheduleField === 'present');
  const carriesField = requests.some((r) => r.scheduleField !== 'absent');
  add({
    id: 'ess.scheduleDefinition',
    title: l10n.t('ESS: requests show their schedule definition'),
    basis: 'documented',
    outcome: carriesField ? 'confirmed' : 'contradicted',
    detail: carriesField
      ? l10n.t('{0} of {1} request(s) carry a schedule definition: schedules are recognised by it.', withSchedule.length, requests.length)
      : l10n.t('No request carries a scheduleDefinition field: schedules can only be recognised by a requestType word, and where there is none, apply submits nothing.'),
    sample: redactedSample(raw[0]),
    steps,
  });
  const known = new Set([...RECURRING_WORDS, ...ONE_OFF_WORDS, ...CHILD_WORDS]);
  const recurring = new Set<string>();
  const oneOff = new Set<string>();
  for (const r of requests) {
    const w = r.requestType?.trim();
    if (!w) continue;
    if (r.scheduleField === 'present' && !(r.parentRequestId && r.parentRequestId > 0)) recurring.add(w);
    else if (r.scheduleField === 'null') oneOff.add(w);
  }
  const words = [...recurring, ...oneOff];
  if (!requests.some((r) => r.requestType)) {
    add({ id: 'ess.requestType', title: l10n.t('ESS: requestType words'), basis: 'inferred', outcome: 'not-available', detail: l10n.t('The answers carry no requestType: schedules are recognised by their schedule definition only.'), steps });
    return;
  }
  const unknown = words.filter((w) => !known.has(w.toUpperCase()));
  learned.ess = { ...(recurring.size ? { recurringWords: [...recurring].slice(0, 20) } : {}), ...(oneOff.size ? { oneOffWords: [...oneOff].slice(0, 20) } : {}) };
  add({
    id: 'ess.requestType',
    title: l10n.t('ESS: requestType words'),
    basis: 'inferred',
    outcome: unknown.length ? 'contradicted' : 'confirmed',
    detail: l10n.t(
      'Schedules say {0}; one-off requests say {1}{2}.',
      [...recurring].join(', ') || l10n.t('(none seen)'),
      [...oneOff].join(', ') || l10n.t('(none seen)'),
      !unknown.length ? '' : unknown.length > 1 ? l10n.t('. {0} are new to us: remembered for status', unknown.join(', ')) : l10n.t('. {0} is new to us: remembered for status', unknown.join(', ')),
    ),
    steps,
  });
}

/** The Learning job definition ids discoverable from the pod's requests [GAP: Oracle does not publish them]. */
function jobIdFindings(input: ProbeInput, requests: EssRequest[], add: (a: Assumption) => void, learned: Learned): void {
  const profile = getProfile(input.plan.provider, input.plan.auth);
  const keys: ScheduledProcessKey[] =
    profile.provider.family === 'aicc'
      ? ['loadAndSynchronizeExternalCourseData']
      : ['loadAndSynchronizeExternalCourseData', 'bulkIngestToOscs', 'processLearningExperienceStatements', 'processCatalogItemDeactivationsAndDeletions', ...(input.plan.visibility === 'private' ? (['reconcileUserGroups'] as const) : [])];
  const ids: Record<string, string> = {};
  for (const key of keys) {
    const process = PROCESSES[key];
    const configured = input.plan.scheduledProcesses[key];
    const hit = requests.find((r) => (configured ? r.jobDefinitionId === configured : process.pattern.test(r.jobDefinitionId.split('/').pop() ?? '')));
    const steps: Assumption['steps'] = [key === 'reconcileUserGroups' ? 'reconcile-user-groups' : 'scheduled-processes'];
    if (hit) {
      if (!configured) ids[key] = hit.jobDefinitionId;
      add({
        id: `ess.jobId.${key}`,
        title: l10n.t('Job id of "{0}"', process.name),
        basis: isStandIn(hit.jobDefinitionId) ? 'stand-in' : 'inferred',
        outcome: 'confirmed',
        detail: configured ? l10n.t('{0} (as configured in the plan).', hit.jobDefinitionId) : l10n.t('{0} (discovered from a request submitted in the pod; remembered for status).', hit.jobDefinitionId),
        steps,
      });
    } else
      add({
        id: `ess.jobId.${key}`,
        title: l10n.t('Job id of "{0}"', process.name),
        basis: 'inferred',
        outcome: 'not-available',
        detail: configured
          ? l10n.t('{0} (configured) is not among the recent requests.', configured)
          : l10n.t('No recent request of it: submit "{0}" once in Scheduled Processes, or set scheduledProcesses.{1} in the plan.', process.name, key),
        steps,
      });
  }
  if (Object.keys(ids).length) learned.jobDefinitionIds = ids;
}

/** A step's short title, in the language configured when the probe runs. */
function stepTitle(step: MissingPrivilege['step']): string {
  const titles: Record<MissingPrivilege['step'], string> = {
    'provider-account': l10n.t('Provider account'),
    sso: l10n.t('SSO'),
    'learner-identity': l10n.t('Learner identity'),
    'self-paced-learning': l10n.t('Self-paced learning'),
    'job-role': l10n.t('Job role'),
    'integration-user': l10n.t('Integration user'),
    'external-provider': l10n.t('External provider'),
    'provider-credentials': l10n.t('Provider credentials'),
    'api-authentication': l10n.t('API authentication'),
    'scheduled-processes': l10n.t('Scheduled processes'),
    'reconcile-user-groups': l10n.t('Reconcile user groups'),
    completions: l10n.t('Reading completions back (troubleshooting)'),
  };
  return titles[step];
}

/** Per step: what the administrator lacks, from the refused reads. */
function missingPrivileges(plan: PlanFile, assumptions: Assumption[]): MissingPrivilege[] {
  const byStep = new Map<MissingPrivilege['step'], MissingPrivilege>();
  for (const a of assumptions) {
    if (a.outcome !== 'refused' || !a.privilege || a.status === 401) continue;
    for (const step of a.steps) {
      if (step === 'reconcile-user-groups' && plan.visibility !== 'private') continue;
      const m: MissingPrivilege = byStep.get(step) ?? { step, title: stepTitle(step), needs: a.privilege, because: [] };
      if (!m.needs.includes(a.privilege)) m.needs += `; ${a.privilege}`;
      m.because.push(a.request ?? a.title);
      byStep.set(step, m);
    }
  }
  return [...byStep.values()];
}

