import { SandboxStartError } from './errors';
import { DEFAULT_ADMIN_ROLES, IT_SECURITY_MANAGER, PROVIDER_DUTY } from './security';

/**
 * Pod variants: each switches one detail Oracle does not publish (or that differs between pods and
 * releases) to a plausible alternative, so the product can be tested against pods nobody has seen.
 * docs/SANDBOX.md, "Variants", says what each plays and why it is plausible.
 */
export const VARIANTS = {
  'camel-case-fields': 'digitalLearningProviders, learningSelfPacedItems and learningItemTypeProviders answer with camelCase field names (providerName, providerId, ...)',
  'unexpected-fields': 'those resources answer with other names for the same facts (Name, Id, IntegrationUser, ...)',
  'ess-recur-parent': 'ESS requestType words are RECUR_PARENT (schedules) and SINGLETON (one-off)',
  'ess-no-request-type': 'ESS requests carry no requestType, and requestType in q is refused (400)',
  'ess-strict-query': 'the ESS query refuses parameters Oracle does not list for it (limit, offset, ...) and answers at most 500 items',
  'scim-no-email-filter': 'SCIM Users filters on emails.value or emails[...] are refused (400 invalidFilter)',
  'scim-no-or': 'SCIM filters containing or are refused (400 invalidFilter)',
  'scim-short-filter': 'SCIM filters longer than 256 characters are refused (400 invalidFilter)',
  'no-self-paced-api': 'learningSelfPacedItems answers 404 (a release before 25C)',
  'admin-security-only': 'the administrator holds only IT Security Manager (403 on userAccounts, ESS and Learning resources)',
  'admin-provider-duty': 'the administrator also holds the Learning Content Provider duty',
  'admin-reads-all-records': "learnerLearningRecords shows every learner's records to a caller holding the read-only learner-records privilege (the administrator, through HCM Integration Specialist)",
} as const;

export type VariantName = keyof typeof VARIANTS;

export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** Pairs that contradict each other (one detail cannot take two values). */
const EXCLUSIVE: Array<[VariantName, VariantName]> = [
  ['camel-case-fields', 'unexpected-fields'],
  ['ess-recur-parent', 'ess-no-request-type'],
];

/** ESS query answers at most this many items under `ess-strict-query`. */
export const ESS_STRICT_MAX_ITEMS = 500;
/** Longest SCIM filter accepted under `scim-short-filter`. */
export const SCIM_SHORT_FILTER_MAX = 256;

const isVariant = (v: string): v is VariantName => Object.hasOwn(VARIANTS, v);

/**
 * Parses variant names (an array, or comma-separated strings); throws SandboxStartError('options')
 * naming the valid ones for an unknown name or a contradictory pair. Order is normalised.
 */
export function parseVariants(input: readonly string[] | string | undefined): VariantName[] {
  const raw = (typeof input === 'string' ? [input] : (input ?? [])).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = raw.filter((v) => !isVariant(v));
  if (unknown.length) {
    throw new SandboxStartError('options', `Unknown sandbox variant${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')}. Valid variants: ${VARIANT_NAMES.join(', ')}.`);
  }
  const set = new Set(raw as VariantName[]);
  for (const [a, b] of EXCLUSIVE) {
    if (set.has(a) && set.has(b)) throw new SandboxStartError('options', `Sandbox variants '${a}' and '${b}' contradict each other; choose one.`);
  }
  return VARIANT_NAMES.filter((v) => set.has(v));
}

/** The variants a sandbox runs with. */
export class Variants {
  private readonly set: ReadonlySet<VariantName>;
  constructor(readonly list: readonly VariantName[] = []) {
    this.set = new Set(list);
  }
  has(v: VariantName): boolean {
    return this.set.has(v);
  }
  /** The roles the administrator holds under these variants. */
  adminRoles(): string[] {
    const roles = this.has('admin-security-only') ? [IT_SECURITY_MANAGER] : [...DEFAULT_ADMIN_ROLES];
    if (this.has('admin-provider-duty')) roles.push(PROVIDER_DUTY);
    return roles;
  }
  /** ESS `requestType` for a recurring or one-off request; undefined when the variant omits it. */
  requestType(recurring: boolean): string | undefined {
    if (this.has('ess-no-request-type')) return undefined;
    if (this.has('ess-recur-parent')) return recurring ? 'RECUR_PARENT' : 'SINGLETON';
    return recurring ? 'RECURRING' : 'ONCE';
  }
  /** ESS `requestType` of a run of a schedule (a child request) [GAP: the Java API's enum name RECUR_CHILD]; undefined when the variant omits it. */
  childRequestType(): string | undefined {
    return this.has('ess-no-request-type') ? undefined : 'RECUR_CHILD';
  }
}
