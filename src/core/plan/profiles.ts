import type { ProviderId } from './planFile';
import type { StepId } from './stepIds';
import type { Automation, DeepLink, StepDefinition } from './types';
import * as l10n from '@vscode/l10n';

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
  /**
   * Checklist items of Configure External Providers that only this provider needs (LinkedIn's own
   * client application). A function: translated when the steps are built, after the bundle is set.
   */
  providerPageNotes?: () => string[];
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
    // LinkedIn Learning's client ID and secret are made in its admin settings (LinkedIn Learning API docs, "request access") [3P].
    providerPageNotes: () => [l10n.t('LinkedIn Learning also needs its own client application, created in the LinkedIn Learning admin center; enter its client ID and secret on Configure External Providers.')],
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
      title: l10n.t('Active {0} account', name),
      oracleAsks: l10n.t('Have an active {0} account whose contract allows integrations with Oracle Learning.', name),
      automation: 'guided',
      dependsOn: [],
      guidance: {
        checklist: [l10n.t('Confirm with your {0} account team that the account is active and integrations are enabled.', name), l10n.t('Get the {0} contact who will configure the Oracle side with you.', name)],
        record: [l10n.t('Account or contract reference'), l10n.t('Contact name at the provider')],
      },
    },
    sso: {
      title: l10n.t('Single sign-on between Oracle Learning and {0}', name),
      oracleAsks: l10n.t('Set up SSO so learners who open {0} content from Oracle Learning sign in with the same identity, through any identity provider.', name),
      automation: 'guided',
      dependsOn: ['provider-account'],
      guidance: {
        checklist: [l10n.t('Configure the SAML (or OIDC) application for the provider in your identity provider.'), l10n.t('Send the identity provider metadata to the provider and test one learner sign-in.')],
        record: [l10n.t('Identity provider and application name'), l10n.t('Test learner and date of the successful sign-in')],
      },
    },
    'learner-identity': {
      title: l10n.t('Learner identity mapping'),
      oracleAsks: l10n.t('Decide whether {0} identifies learners by primary work email or by Oracle user name, and make sure every learner resolves to exactly one active Oracle user by it.', name),
      automation: 'automatic',
      dependsOn: [],
      guidance: {
        checklist: [l10n.t('Agree the identifier with the provider (it is sent in every xAPI statement).'), l10n.t('Run the identity check on the provider\'s learner list (oli identity FILE) and fix missing, duplicate or inactive users.')],
        record: [l10n.t('Identifier agreed with the provider')],
      },
    },
    'self-paced-learning': {
      title: l10n.t('Self-paced learning enabled'),
      oracleAsks:
        p.id === 'coursera'
          ? 'Enable self-paced learning; Coursera also needs the Redwood learner experience and the 24D Redwood catalog management pages.'
          : 'Enable self-paced learning (xAPI completions only land on URL-type self-paced items created in Redwood).',
      automation: 'guided',
      dependsOn: [],
      guidance: {
        checklist: [l10n.t('In Learning setup, enable self-paced learning.'), l10n.t('Enable the Redwood learner pages and Redwood catalog management (24D or later).')],
        deepLink: link(l10n.t('Open Learning setup'), 'Navigator > My Client Groups > Learning > Learning Setup'),
        record: [l10n.t('Release of the pod'), l10n.t('Redwood profile options set')],
      },
    },
    'job-role': {
      title: l10n.t('Job role with only the Learning Content Provider duty'),
      oracleAsks: l10n.t('Create a job role that holds only the duty role "Learning Content Provider" (ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY).'),
      automation: 'guided',
      dependsOn: [],
      guidance: {
        checklist: [
          l10n.t('Security Console > Roles > Create Role; role category "HCM - Job Roles".'),
          l10n.t('Role Hierarchy: add only the duty role "Learning Content Provider" (ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY).'),
          l10n.t('Give it the role code from the plan (jobRole.name) and save.'),
        ],
        deepLink: link(l10n.t('Open the Security Console'), `${SECURITY_CONSOLE} > Roles`),
        record: [l10n.t('Role code and name'), l10n.t('That the hierarchy holds only the Learning Content Provider duty')],
        cautions: [
          l10n.t('If your pod uses LBAC or IP restrictions, allow this role from all IP addresses: the provider calls from its own network. (Oracle\'s page names "Aperian" here; the caution applies to every provider.)'),
        ],
      },
    },
    'integration-user': {
      title: l10n.t('Integration user for {0}', name),
      oracleAsks: l10n.t('Create a user (e.g. user.{0}) with Associated Person Type "None", give it the job role, and use it on Configure External Providers. {1} uses this one user for content and completion syncs.', p.id.split('-')[0], name),
      automation: 'automatic',
      dependsOn: ['job-role'],
      guidance: {
        checklist: [l10n.t('Created through SCIM: active, work email, no person record; the job role is added through SCIM Roles.')],
        deepLink: link(l10n.t('Open the Security Console'), `${SECURITY_CONSOLE} > Users`),
        record: [],
        cautions: [l10n.t('Oracle\'s page says "the account you\'ll use in step 3"; it means the Configure External Providers step.')],
      },
    },
    'external-provider': {
      title: l10n.t('{0} enabled on Configure External Providers', name),
      oracleAsks: l10n.t('Enable the provider: the integration user account, learning catalog profile, audience and catalog settings, Validate, then the attribute mappings.'),
      automation: 'guided',
      dependsOn: ['integration-user'],
      guidance: {
        checklist: [
          l10n.t('Open Configure External Providers and select {0}.', p.oracleProviderName),
          ...(p.providerPageNotes?.() ?? []),
          l10n.t('Enter the integration user, the learning catalog profile and the visibility (public or private) from the plan.'),
          l10n.t('Click Validate, then review the attribute mappings and save.'),
        ],
        deepLink: link(l10n.t('Open Configure External Providers'), EXTERNAL_PROVIDERS),
        record: [l10n.t('Catalog profile'), l10n.t('Visibility'), l10n.t('Validation result')],
      },
    },
    'provider-credentials':
      auth === 'jwt'
        ? {
            title: l10n.t('{0}\'s trusted issuer and certificate', name),
            oracleAsks: l10n.t('Get from {0} the trusted issuer name (it must match exactly) and its public certificate (.cer).', name),
            automation: 'automatic',
            dependsOn: [],
            guidance: {
              checklist: [l10n.t('Put the issuer exactly as given into the plan (jwt.issuer) and the certificate file path (jwt.certificate).')],
              record: [l10n.t('Issuer'), l10n.t('Certificate SHA-1 thumbprint')],
            },
          }
        : {
            title: l10n.t('OAuth confidential application'),
            oracleAsks: l10n.t('Create an OCI IAM confidential application (client credentials grant) once per pod and give the provider its client ID, client secret, token URL and scope.'),
            automation: 'automatic',
            dependsOn: ['integration-user'],
            guidance: {
              checklist: [
                l10n.t('In the OCI IAM identity domain of the pod: Integrated applications > Add > Confidential application; grant type Client credentials.'),
                l10n.t('Scope: urn:opc:resource:fa:instanceid=<instance id>urn:opc:resource:consumer::all.'),
                l10n.t('Put client ID, token URL (https://<idcs-domain>/oauth2/v1/token) and scope in the plan; keep the secret in the credential store.'),
              ],
              record: [l10n.t('Application name'), l10n.t('Client ID')],
            },
          },
    'api-authentication':
      auth === 'jwt'
        ? {
            title: l10n.t('API Authentication: trusted issuer and inbound certificate'),
            oracleAsks: l10n.t('In the Security Console, API Authentication: create an Oracle API authentication provider with the trusted issuer, token type JWT, and the provider\'s public certificate as inbound certificate with a unique alias.'),
            automation: 'guided',
            dependsOn: ['provider-credentials', 'integration-user'],
            guidance: {
              checklist: [
                l10n.t('Security Console > API Authentication > Create Oracle API Authentication Provider.'),
                l10n.t('Trusted Issuer: exactly the issuer in the plan; Token Type: JWT.'),
                l10n.t('Inbound API Authentication Public Certificates: Add New Certificate; a unique alias; upload the provider certificate.'),
                l10n.t('Optional proof: run the api-authentication step (oli apply --step api-authentication) to get a test certificate and issuer, register them the same way, and re-check: a JWT signed as the integration user must get 200.'),
              ],
              deepLink: link(l10n.t('Open the Security Console'), `${SECURITY_CONSOLE} > API Authentication`),
              record: [l10n.t('Trusted issuer'), l10n.t('Certificate alias'), l10n.t('Result of the verification call')],
            },
          }
        : {
            title: l10n.t('API Authentication'),
            oracleAsks: l10n.t('Not used in the OAuth variant: the confidential application replaces the trusted issuer and certificate.'),
            automation: 'guided',
            dependsOn: [],
            guidance: { checklist: [], record: [] },
          },
    'scheduled-processes': {
      title: l10n.t('Daily scheduled processes'),
      oracleAsks:
        l10n.t('Schedule daily, after "Load and Synchronize External Course Data": "ESS job to run Bulk ingest to OSCS" (program OLC-REST), "Process Learning Experience Statements" and "Process Learning Catalog Item Deactivations and Deletions".'),
      automation: 'automatic',
      dependsOn: ['external-provider'],
      guidance: {
        checklist: [l10n.t('Oracle does not publish the job definition ids: submit each process once in Scheduled Processes (the tool discovers the ids) or set them in the plan (scheduledProcesses).')],
        deepLink: link(l10n.t('Open Scheduled Processes'), SCHEDULED_PROCESSES),
        record: [],
      },
    },
    'reconcile-user-groups': {
      title: l10n.t('Reconcile User Groups (private visibility)'),
      oracleAsks: l10n.t('With private visibility, schedule "Reconcile User Groups" daily.'),
      automation: 'automatic',
      dependsOn: ['external-provider'],
      guidance: {
        checklist: [l10n.t('Only needed when the plan sets visibility "private".')],
        deepLink: link(l10n.t('Open Scheduled Processes'), SCHEDULED_PROCESSES),
        record: [],
      },
    },
  };
}

/** AICC providers follow a shorter procedure: provider URL and client credentials on Configure External Providers. */
function aiccOverrides(p: ProviderProfile): Partial<Record<StepId, Partial<StepText>>> {
  return {
    'external-provider': {
      oracleAsks: l10n.t('Enter the {0} account URL, client ID and client secret on Configure External Providers, choose the import options, Validate and save.', p.displayName),
      dependsOn: ['provider-account'],
      guidance: {
        checklist: [
          l10n.t('Ask {0} support for the account URL, client ID and client secret (one account per environment).', p.displayName),
          l10n.t('Configure External Providers > {0}: enter them, choose the import and retire options, Validate, save.', p.oracleProviderName),
        ],
        deepLink: link(l10n.t('Open Configure External Providers'), EXTERNAL_PROVIDERS),
        record: [l10n.t('Account URL'), l10n.t('Validation result')],
      },
    },
    'scheduled-processes': {
      oracleAsks: l10n.t('Schedule "Load and Synchronize External Course Data" (it may already be scheduled for another provider).'),
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
