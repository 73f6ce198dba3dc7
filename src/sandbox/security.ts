/**
 * Who may call what: the sandbox grants each resource by the privileges and duty roles Oracle
 * documents (docs/SANDBOX.md, "Authorization"); the codes Oracle does not publish are our
 * inference and are marked so there and in `GRANTS[...].basis`.
 *
 * A user's effective codes are the codes of the roles they hold, of those roles' duties (nested),
 * and the privileges those roles carry (ROLE_PRIVILEGES). A resource is granted when the user
 * holds any of its `anyOf` codes.
 */

export const IT_SECURITY_MANAGER = 'ORA_FND_IT_SECURITY_MANAGER_JOB';
export const PROVIDER_DUTY = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';
export const LEARNING_ADMINISTRATOR = 'ORA_WLF_LEARNING_ADMINISTRATOR_JOB';
export const HCM_INTEGRATION_SPECIALIST = 'ORA_HRC_HUMAN_CAPITAL_MANAGEMENT_INTEGRATION_SPECIALIST_JOB';
export const USER_ACCOUNTS_DUTY = 'ORA_PER_REST_SERVICE_ACCESS_USER_ACCOUNTS';
export const LEARNER_REST_DUTY = 'ORA_WLF_LEARNER_REST_SERVICES_DUTY';
export const EMPLOYEE_ABSTRACT = 'ORA_PER_EMPLOYEE_ABSTRACT';

export const SCIM_PRIV = 'ASE_REST_SERVICE_ACCESS_IDENTITY_INTEGRATION_PRIV';
export const USER_ACCOUNTS_PRIV = 'PER_REST_SERVICE_ACCESS_USER_ACCOUNTS_PRIV';
export const USER_ACCOUNTS_RO_PRIV = 'ORA_PER_REST_SERVICE_ACCESS_USER_ACCOUNTS_RO';
export const LEARNER_RECORDS_PRIV = 'ORA_WLF_REST_SERVICE_ACCESS_LEARNER_LEARNING_RECORD';
export const LEARNER_RECORDS_RO_PRIV = 'ORA_WLF_REST_SERVICE_ACCESS_LEARNER_LEARNING_RECORD_RO';
/** [INF] Oracle publishes no privilege table for learningSelfPacedItems that we could find. */
export const SELF_PACED_ITEMS_PRIV = 'WLF_REST_SERVICE_ACCESS_LEARNING_SELF_PACED_ITEMS_PRIV';
/** [INF] Submitting and reading the Learning processes' ESS requests. */
export const LEARNING_PROCESSES_PRIV = 'WLF_RUN_LEARNING_PROCESSES_PRIV';

export type Basis = 'documented' | 'inferred' | 'stand-in';

/** What a route requires. */
export type Grant =
  | 'scim'
  | 'user-accounts'
  | 'self-paced-items'
  | 'provider'
  | 'learner-records'
  | 'ess'
  | 'xapi-list';

export interface GrantRule {
  /** Privilege or duty/job role codes; holding any one of them grants the resource. */
  anyOf: string[];
  /** The code a 403 names first (the one Oracle's security reference names for it). */
  names: string;
  /** What `names` is: a privilege or a duty role. */
  kind: 'privilege' | 'duty role';
  /** How a user gets it (for the 403 message and docs). */
  carriedBy: string;
  basis: Basis;
  what: string;
}

export const GRANTS: Record<Grant, GrantRule> = {
  scim: { anyOf: [SCIM_PRIV], names: SCIM_PRIV, kind: 'privilege', carriedBy: `carried by the job role IT Security Manager (${IT_SECURITY_MANAGER})`, basis: 'documented', what: 'SCIM Users and Roles' },
  'user-accounts': {
    anyOf: [USER_ACCOUNTS_PRIV, USER_ACCOUNTS_RO_PRIV],
    names: USER_ACCOUNTS_PRIV,
    kind: 'privilege',
    carriedBy: `carried by the duty role ${USER_ACCOUNTS_DUTY}, e.g. in the job role Human Capital Management Integration Specialist (${HCM_INTEGRATION_SPECIALIST})`,
    basis: 'documented',
    what: 'userAccounts',
  },
  'self-paced-items': { anyOf: [SELF_PACED_ITEMS_PRIV], names: SELF_PACED_ITEMS_PRIV, kind: 'privilege', carriedBy: `carried here by the job role Learning Administrator (${LEARNING_ADMINISTRATOR}) [inferred]`, basis: 'inferred', what: 'learningSelfPacedItems' },
  provider: {
    anyOf: [PROVIDER_DUTY],
    names: PROVIDER_DUTY,
    kind: 'duty role',
    carriedBy: 'granted by a job role that holds this duty (Oracle seeds none by default)',
    basis: 'documented',
    what: 'digitalLearningProviders, learningItemTypeProviders and the xAPI statements stand-in',
  },
  'learner-records': {
    anyOf: [LEARNER_RECORDS_PRIV, LEARNER_RECORDS_RO_PRIV],
    names: LEARNER_RECORDS_PRIV,
    kind: 'privilege',
    carriedBy: `carried by the duty role ${LEARNER_REST_DUTY} and by Human Capital Management Integration Specialist (${HCM_INTEGRATION_SPECIALIST}); rows are the caller's own learning records`,
    basis: 'documented',
    what: 'learnerLearningRecords',
  },
  ess: { anyOf: [LEARNING_PROCESSES_PRIV], names: LEARNING_PROCESSES_PRIV, kind: 'privilege', carriedBy: `carried here by the job role Learning Administrator (${LEARNING_ADMINISTRATOR}) [inferred]`, basis: 'inferred', what: 'the Learning processes in the ESS scheduler' },
  'xapi-list': { anyOf: [LEARNING_PROCESSES_PRIV], names: LEARNING_PROCESSES_PRIV, kind: 'privilege', carriedBy: `carried here by the job role Learning Administrator (${LEARNING_ADMINISTRATOR}) [stand-in]`, basis: 'stand-in', what: 'the list of received xAPI statements (stand-in)' },
};

/** Privileges a seeded role carries by itself (besides its code and its duties'). */
export const ROLE_PRIVILEGES: Record<string, string[]> = {
  [IT_SECURITY_MANAGER]: [SCIM_PRIV],
  [USER_ACCOUNTS_DUTY]: [USER_ACCOUNTS_PRIV],
  [HCM_INTEGRATION_SPECIALIST]: [USER_ACCOUNTS_RO_PRIV, LEARNER_RECORDS_RO_PRIV],
  [LEARNER_REST_DUTY]: [LEARNER_RECORDS_PRIV],
  [LEARNING_ADMINISTRATOR]: [SELF_PACED_ITEMS_PRIV, LEARNING_PROCESSES_PRIV],
};

/** Duty roles seeded roles hold (a job role's hierarchy). */
export const SEEDED_DUTIES: Record<string, string[]> = {
  [HCM_INTEGRATION_SPECIALIST]: [USER_ACCOUNTS_DUTY],
  [EMPLOYEE_ABSTRACT]: [LEARNER_REST_DUTY],
};

/** The roles the default administrator holds, and per admin variant. */
export const DEFAULT_ADMIN_ROLES = [IT_SECURITY_MANAGER, LEARNING_ADMINISTRATOR, HCM_INTEGRATION_SPECIALIST];

/** The 403 detail: names the privilege (and the roles that carry it); docs/SANDBOX.md documents the pattern. */
export function forbiddenDetail(userName: string, grant: Grant, action: string): string {
  const g = GRANTS[grant];
  return `User ${userName} is not authorized to ${action}: it needs ${g.kind} ${g.names} (${g.carriedBy}).`;
}
