import type { StepId } from '../stepIds';
import { attestationOnly, type StepBehaviour } from './behaviour';
import { apiAuthentication, externalProvider, selfPacedLearning } from './guided';
import { learnerIdentity } from './learnerIdentity';
import { providerCredentials } from './providerCredentials';
import { integrationUser, jobRole } from './roleAndUser';
import { reconcileUserGroups, scheduledProcesses } from './schedules';

/** The behaviour of each step; the texts come from the provider profile. */
export const BEHAVIOURS: Record<StepId, StepBehaviour> = {
  'provider-account': attestationOnly('confirm the account with the provider.'),
  sso: attestationOnly('configure SSO in your identity provider and test a learner sign-in.'),
  'learner-identity': learnerIdentity,
  'self-paced-learning': selfPacedLearning,
  'job-role': jobRole,
  'integration-user': integrationUser,
  'external-provider': externalProvider,
  'provider-credentials': providerCredentials,
  'api-authentication': apiAuthentication,
  'scheduled-processes': scheduledProcesses,
  'reconcile-user-groups': reconcileUserGroups,
};
