/**
 * Who may call what, per shared/oracle-reference.md ("More facts ... Permissions"), and how a
 * refused read is told in plain words: which resource, which HTTP answer, which duty or privilege
 * grants it, or "this release may not have the API". A refusal is never a finding about the step.
 */
import type { Basis } from './basis';
import { OracleError } from './errors';

export const ORACLE_RESOURCES = [
  'scim-users',
  'scim-roles',
  'user-accounts',
  'learning-self-paced-items',
  'digital-learning-providers',
  'learning-item-type-providers',
  'learner-learning-records',
  'ess-requests',
] as const;
export type OracleResource = (typeof ORACLE_RESOURCES)[number];

export interface ResourceAccess {
  /** How the user reads it: `GET /hcmRestApi/...`. */
  label: string;
  /** What grants it, in words an administrator acts on. */
  grantedBy: string;
  /** Whether Oracle documents that grant. */
  basis: Basis;
  /** What a 404 most likely means for this resource. */
  notFound?: string;
}

const ADF = '/hcmRestApi/resources/11.13.18.05';
const PROVIDER_DUTY = 'the duty ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY (Learning Content Provider; Oracle lists no job role that carries it by default)';

export const RESOURCE_ACCESS: Record<OracleResource, ResourceAccess> = {
  'scim-users': { label: 'GET /hcmRestApi/scim/Users', grantedBy: 'the privilege ASE_REST_SERVICE_ACCESS_IDENTITY_INTEGRATION_PRIV (IT Security Manager job role)', basis: 'documented' },
  'scim-roles': { label: 'GET /hcmRestApi/scim/Roles', grantedBy: 'the privilege ASE_REST_SERVICE_ACCESS_IDENTITY_INTEGRATION_PRIV (IT Security Manager job role)', basis: 'documented' },
  'user-accounts': {
    label: `GET ${ADF}/userAccounts`,
    grantedBy: 'the user-accounts REST duties (for example through the HCM Integration Specialist job role; IT Security Manager alone may not be enough)',
    basis: 'documented',
  },
  'learning-self-paced-items': {
    label: `GET ${ADF}/learningSelfPacedItems`,
    grantedBy: 'a Learning administration role that may read self-paced items (Oracle names no privilege for it)',
    basis: 'inferred',
    notFound: 'this release may not have the API (announced in 25C): that does not mean self-paced learning is off',
  },
  'digital-learning-providers': { label: `GET ${ADF}/digitalLearningProviders`, grantedBy: PROVIDER_DUTY, basis: 'documented' },
  'learning-item-type-providers': { label: `GET ${ADF}/learningItemTypeProviders`, grantedBy: PROVIDER_DUTY, basis: 'documented' },
  'learner-learning-records': {
    label: `GET ${ADF}/learnerLearningRecords`,
    grantedBy: 'a learner (Oracle documents it as a functional-user resource that applies to a learner; an administrator view of other learners is not documented)',
    basis: 'documented',
  },
  'ess-requests': {
    label: 'GET /ess/rest/scheduler/v1/requests',
    grantedBy: 'a role that may view and submit scheduled processes (Oracle names no REST privilege for the scheduler)',
    basis: 'inferred',
  },
};

/** HTTP answers that mean "we could not read it", never "it is not there". */
const REFUSED_STATUS = new Set([401, 403, 404, 405]);

export interface Refusal {
  resource: OracleResource;
  /** HTTP status, or undefined for an answer in an unexpected shape. */
  status?: number;
  kind: 'unauthorized' | 'forbidden' | 'not-found' | 'not-allowed' | 'shape';
  /** What grants it (403), or what a 404 likely means. */
  grantedBy: string;
  /** One sentence: which resource, which answer, what grants it / what it likely means. */
  message: string;
}

/** The refusal an error stands for, or undefined when it is something else (network, 5xx, a bug). */
export function refusalOf(err: unknown, resource: OracleResource): Refusal | undefined {
  if (!(err instanceof OracleError)) return undefined;
  const access = RESOURCE_ACCESS[resource];
  if (err.reason === 'invalid-response' && (err.status === undefined || (err.status >= 200 && err.status < 300))) {
    return {
      resource,
      kind: 'shape',
      grantedBy: access.grantedBy,
      message: `${access.label} answered in a shape we did not expect${err.detail ? ` (${err.detail})` : ''}.`,
    };
  }
  if (err.status === undefined || !REFUSED_STATUS.has(err.status)) return undefined;
  const status = err.status;
  if (status === 403)
    return { resource, status, kind: 'forbidden', grantedBy: access.grantedBy, message: `${access.label} answered 403 Forbidden: the user lacks ${access.grantedBy}.` };
  if (status === 404)
    return {
      resource,
      status,
      kind: 'not-found',
      grantedBy: access.grantedBy,
      message: `${access.label} answered 404 Not Found: ${access.notFound ?? 'this release may not have the API, or the base URL is not the pod'}.`,
    };
  if (status === 405) return { resource, status, kind: 'not-allowed', grantedBy: access.grantedBy, message: `${access.label} answered 405 Method Not Allowed: this release does not let it be read.` };
  return { resource, status, kind: 'unauthorized', grantedBy: access.grantedBy, message: `${access.label} answered 401 Unauthorized: the pod did not accept these credentials for it.` };
}

/** Runs a read; a refusal comes back as a value, anything else is thrown. */
export async function readOrRefusal<T>(resource: OracleResource, read: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; refusal: Refusal }> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    const refusal = refusalOf(err, resource);
    if (!refusal) throw err;
    return { ok: false, refusal };
  }
}
