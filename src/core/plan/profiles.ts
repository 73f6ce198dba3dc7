import type { ProviderId } from './planFile';
import type { StepId } from './stepIds';
import type { Automation, DeepLink, StepDefinition } from './types';

/**
 * Provider profiles are data: which steps apply, their texts, and the provider's own names.
 * The behaviour of each step (check/apply) lives in steps/*.ts and is shared by every profile.
 */

export type AuthVariant = 'jwt' | 'oauth';
export type ProviderFamily = 'xapi' | 'aicc';

export interface ProviderProfile {
  id: ProviderId;
  displayName: string;
  family: ProviderFamily;
  auths: AuthVariant[];
  /** The name under which Oracle lists the provider on Configure External Providers. */
  oracleProviderName: string;
  /** Extra guidance that only this provider needs (e.g. LinkedIn's own client app). */
  notes?: string[];
}

export const GUIDE_URL = 'https://docs.oracle.com/en/cloud/saas/talent-management/faiol/integrate-content-providers-with-oracle-learning.pdf';
export const DATA_EXCHANGE_URL =
  'https://docs.oracle.com/en/cloud/saas/talent-management/24d/faiml/external-content-provider-and-oracle-learning-data-exchange-reference.html';

export const PROVIDER_PROFILES: readonly ProviderProfile[] = [
  { id: 'coursera', displayName: 'Coursera', family: 'xapi', auths: ['jwt', 'oauth'], oracleProviderName: 'Coursera' },
  { id: 'skillsoft-percipio', displayName: 'Skillsoft Percipio', family: 'xapi', auths: ['jwt'], oracleProviderName: 'Skillsoft Percipio' },
  { id: 'go1', displayName: 'Go1', family: 'xapi', auths: ['oauth'], oracleProviderName: 'Go1' },
  { id: 'udemy-business', displayName: 'Udemy Business', family: 'xapi', auths: ['oauth'], oracleProviderName: 'Udemy Business' },
  { id: 'edflex', displayName: 'Edflex', family: 'xapi', auths: ['oauth'], oracleProviderName: 'Edflex' },
  {
    id: 'linkedin-learning',
    displayName: 'LinkedIn Learning',
    family: 'xapi',
    auths: ['oauth'],
    oracleProviderName: 'LinkedIn Learning',
    notes: ['LinkedIn Learning also needs its own client application, created in the LinkedIn Learning admin center; enter its client ID and secret on Configure External Providers.'],
  },
  { id: 'bizlibrary', displayName: 'BizLibrary', family: 'aicc', auths: ['oauth'], oracleProviderName: 'BizLibrary' },
  { id: 'intuition', displayName: 'Intuition', family: 'aicc', auths: ['oauth'], oracleProviderName: 'Intuition' },
  { id: 'opensesame', displayName: 'OpenSesame', family: 'aicc', auths: ['oauth'], oracleProviderName: 'OpenSesame' },
];

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  readonly exitCode = 2;
}

export function findProfile(id: ProviderId): ProviderProfile {
  const p = PROVIDER_PROFILES.find((x) => x.id === id);
  if (!p) throw new ProfileError(`Unknown provider "${id}".`);
  return p;
}

const HOME: Omit<DeepLink, 'navigation' | 'label'> = { path: '/fscmUI/faces/FuseWelcome' };
const link = (label: string, navigation: string): DeepLink => ({ ...HOME, label, navigation });
const SECURITY_CONSOLE = 'Navigator > Tools > Security Console';
const SCHEDULED_PROCESSES = 'Navigator > Tools > Scheduled Processes';
const EXTERNAL_PROVIDERS = 'My Client Groups > Learning > Configure External Providers';

interface StepText {
  title: string;
  oracleAsks: string;
  automation: Automation;
  dependsOn: StepId[];
  guidance: StepDefinition['guidance'];
}

/** Texts of the xAPI provider procedure (Coursera's page, shared by the other xAPI providers). */
function xapiSteps(p: ProviderProfile, auth: AuthVariant): Record<StepId, StepText> {
  const name = p.displayName;
  return {
    'provider-account': {
      title: `Active ${name} account`,
      oracleAsks: `Have an active ${name} account whose contract allows integrations with Oracle Learning.`,
      automation: 'guided',
      dependsOn: [],
      guidance: {
        checklist: [`Confirm with your ${name} account team that the account is active and integrations are enabled.`, `Get the ${name} contact who will configure the Oracle side with you.`],
        record: ['Account or contract reference', 'Contact name at the provider'],
      },
    },
    sso: {
      title: `Single sign-on between Oracle Learning and ${name}`,
      oracleAsks: `Set up SSO so learners who open ${name} content from Oracle Learning sign in with the same identity, through any identity provider.`,
      automation: 'guided',
      dependsOn: ['provider-account'],
      guidance: {
        checklist: ['Configure the SAML (or OIDC) application for the provider in your identity provider.', 'Send the identity provider metadata to the provider and test one learner sign-in.'],
        record: ['Identity provider and application name', 'Test learner and date of the successful sign-in'],
      },
    },
    'learner-identity': {
      title: 'Learner identity mapping',
      oracleAsks: `Decide whether ${name} identifies learners by primary work email or by Oracle user name, and make sure every learner resolves to exactly one active Oracle user by it.`,
      automation: 'automatic',
      dependsOn: [],
      guidance: {
        checklist: ['Agree the identifier with the provider (it is sent in every xAPI statement).', 'Run the identity check on the provider\'s learner list (oli identity FILE) and fix missing, duplicate or inactive users.'],
        record: ['Identifier agreed with the provider'],
      },
    },
    'self-paced-learning': {
      title: 'Self-paced learning enabled',
      oracleAsks:
        p.id === 'coursera'
          ? 'Enable self-paced learning; Coursera also needs the Redwood learner experience and the 24D Redwood catalog management pages.'
          : 'Enable self-paced learning (xAPI completions only land on URL-type self-paced items created in Redwood).',
      automation: 'guided',
      dependsOn: [],
      guidance: {
        checklist: ['In Learning setup, enable self-paced learning.', 'Enable the Redwood learner pages and Redwood catalog management (24D or later).'],
        deepLink: link('Open Learning setup', 'Navigator > My Client Groups > Learning > Learning Setup'),
        record: ['Release of the pod', 'Redwood profile options set'],
      },
    },
    'job-role': {
      title: 'Job role with only the Learning Content Provider duty',
      oracleAsks: 'Create a job role that holds only the duty role "Learning Content Provider" (ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY).',
      automation: 'guided',
      dependsOn: [],
      guidance: {
        checklist: [
          'Security Console > Roles > Create Role; role category "HCM - Job Roles".',
          'Role Hierarchy: add only the duty role "Learning Content Provider" (ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY).',
          'Give it the role code from the plan (jobRole.name) and save.',
        ],
        deepLink: link('Open the Security Console', `${SECURITY_CONSOLE} > Roles`),
        record: ['Role code and name', 'That the hierarchy holds only the Learning Content Provider duty'],
        cautions: [
          'If your pod uses LBAC or IP restrictions, allow this role from all IP addresses: the provider calls from its own network. (Oracle\'s page names "Aperian" here; the caution applies to every provider.)',
        ],
      },
    },
    'integration-user': {
      title: `Integration user for ${name}`,
      oracleAsks: `Create a user (e.g. user.${p.id.split('-')[0]}) with Associated Person Type "None", give it the job role, and use it on Configure External Providers. ${name} uses this one user for content and completion syncs.`,
      automation: 'automatic',
      dependsOn: ['job-role'],
      guidance: {
        checklist: ['Created through SCIM: active, work email, no person record; the job role is added through SCIM Roles.'],
        deepLink: link('Open the Security Console', `${SECURITY_CONSOLE} > Users`),
        record: [],
        cautions: ['Oracle\'s page says "the account you\'ll use in step 3"; it means the Configure External Providers step.'],
      },
    },
    'external-provider': {
      title: `${name} enabled on Configure External Providers`,
      oracleAsks: 'Enable the provider: the integration user account, learning catalog profile, audience and catalog settings, Validate, then the attribute mappings.',
      automation: 'guided',
      dependsOn: ['integration-user'],
      guidance: {
        checklist: [
          `Open Configure External Providers and select ${p.oracleProviderName}.`,
          'Enter the integration user, the learning catalog profile and the visibility (public or private) from the plan.',
          'Click Validate, then review the attribute mappings and save.',
        ],
        deepLink: link('Open Configure External Providers', EXTERNAL_PROVIDERS),
        record: ['Catalog profile', 'Visibility', 'Validation result'],
      },
    },
    'provider-credentials':
      auth === 'jwt'
        ? {
            title: `${name}'s trusted issuer and certificate`,
            oracleAsks: `Get from ${name} the trusted issuer name (it must match exactly) and its public certificate (.cer).`,
            automation: 'automatic',
            dependsOn: [],
            guidance: {
              checklist: ['Put the issuer exactly as given into the plan (jwt.issuer) and the certificate file path (jwt.certificate).'],
              record: ['Issuer', 'Certificate SHA-1 thumbprint'],
            },
          }
        : {
            title: 'OAuth confidential application',
            oracleAsks: 'Create an OCI IAM confidential application (client credentials grant) once per pod and give the provider its client ID, client secret, token URL and scope.',
            automation: 'automatic',
            dependsOn: ['integration-user'],
            guidance: {
              checklist: [
                'In the OCI IAM identity domain of the pod: Integrated applications > Add > Confidential application; grant type Client credentials.',
                'Scope: urn:opc:resource:fa:instanceid=<instance id>urn:opc:resource:consumer::all.',
                'Put client ID, token URL (https://<idcs-domain>/oauth2/v1/token) and scope in the plan; keep the secret in the credential store.',
              ],
              record: ['Application name', 'Client ID'],
            },
          },
    'api-authentication':
      auth === 'jwt'
        ? {
            title: 'API Authentication: trusted issuer and inbound certificate',
            oracleAsks: 'In the Security Console, API Authentication: create an Oracle API authentication provider with the trusted issuer, token type JWT, and the provider\'s public certificate as inbound certificate with a unique alias.',
            automation: 'guided',
            dependsOn: ['provider-credentials', 'integration-user'],
            guidance: {
              checklist: [
                'Security Console > API Authentication > Create Oracle API Authentication Provider.',
                'Trusted Issuer: exactly the issuer in the plan; Token Type: JWT.',
                'Inbound API Authentication Public Certificates: Add New Certificate; a unique alias; upload the provider certificate.',
                'Optional proof: run the api-authentication step (oli apply --step api-authentication) to get a test certificate and issuer, register them the same way, and re-check: a JWT signed as the integration user must get 200.',
              ],
              deepLink: link('Open the Security Console', `${SECURITY_CONSOLE} > API Authentication`),
              record: ['Trusted issuer', 'Certificate alias', 'Result of the verification call'],
            },
          }
        : {
            title: 'API Authentication',
            oracleAsks: 'Not used in the OAuth variant: the confidential application replaces the trusted issuer and certificate.',
            automation: 'guided',
            dependsOn: [],
            guidance: { checklist: [], record: [] },
          },
    'scheduled-processes': {
      title: 'Daily scheduled processes',
      oracleAsks:
        'Schedule daily, after "Load and Synchronize External Course Data": "ESS job to run Bulk ingest to OSCS" (program OLC-REST), "Process Learning Experience Statements" and "Process Learning Catalog Item Deactivations and Deletions".',
      automation: 'automatic',
      dependsOn: ['external-provider'],
      guidance: {
        checklist: ['Oracle does not publish the job definition ids: submit each process once in Scheduled Processes (the tool discovers the ids) or set them in the plan (scheduledProcesses).'],
        deepLink: link('Open Scheduled Processes', SCHEDULED_PROCESSES),
        record: [],
      },
    },
    'reconcile-user-groups': {
      title: 'Reconcile User Groups (private visibility)',
      oracleAsks: 'With private visibility, schedule "Reconcile User Groups" daily.',
      automation: 'automatic',
      dependsOn: ['external-provider'],
      guidance: {
        checklist: ['Only needed when the plan sets visibility "private".'],
        deepLink: link('Open Scheduled Processes', SCHEDULED_PROCESSES),
        record: [],
      },
    },
  };
}

/** AICC providers follow a shorter procedure: provider URL and client credentials on Configure External Providers. */
function aiccOverrides(p: ProviderProfile): Partial<Record<StepId, Partial<StepText>>> {
  return {
    'external-provider': {
      oracleAsks: `Enter the ${p.displayName} account URL, client ID and client secret on Configure External Providers, choose the import options, Validate and save.`,
      dependsOn: ['provider-account'],
      guidance: {
        checklist: [
          `Ask ${p.displayName} support for the account URL, client ID and client secret (one account per environment).`,
          `Configure External Providers > ${p.oracleProviderName}: enter them, choose the import and retire options, Validate, save.`,
        ],
        deepLink: link('Open Configure External Providers', EXTERNAL_PROVIDERS),
        record: ['Account URL', 'Validation result'],
      },
    },
    'scheduled-processes': {
      oracleAsks: 'Schedule "Load and Synchronize External Course Data" (it may already be scheduled for another provider).',
    },
  };
}

/** Steps that do not apply to a provider family or variant, with the reason shown to the user. */
export function notApplicableReason(p: ProviderProfile, auth: AuthVariant, id: StepId): string | undefined {
  if (p.family === 'aicc') {
    const aicc: StepId[] = ['provider-account', 'external-provider', 'scheduled-processes'];
    if (!aicc.includes(id)) return `${p.displayName} is AICC-based: Oracle's procedure for it has no "${id}" step.`;
  }
  if (auth === 'oauth' && id === 'api-authentication')
    return 'The OAuth variant replaces the trusted issuer and certificate with the confidential application (checked in provider-credentials).';
  return undefined;
}

export interface Profile {
  provider: ProviderProfile;
  auth: AuthVariant;
  steps: StepDefinition[];
}

export function getProfile(provider: ProviderId, auth: AuthVariant): Profile {
  const p = findProfile(provider);
  if (!p.auths.includes(auth) && p.family === 'xapi')
    throw new ProfileError(`${p.displayName} does not document the "${auth}" variant; use ${p.auths.map((a) => `"${a}"`).join(' or ')}.`);
  const texts = xapiSteps(p, auth);
  const overrides = p.family === 'aicc' ? aiccOverrides(p) : {};
  const steps = (Object.keys(texts) as StepId[]).map((id): StepDefinition => {
    const t = { ...texts[id], ...overrides[id] };
    return { id, ...t, docUrl: id === 'learner-identity' ? DATA_EXCHANGE_URL : GUIDE_URL };
  });
  return { provider: p, auth, steps };
}
