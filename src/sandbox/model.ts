/** The sandbox tenant's records (in memory; see persist.ts for the state file). Times are epoch ms. */

export interface ScimEmail {
  value: string;
  type: string;
  primary: boolean;
}

export interface SandboxUser {
  /** 32 upper-hex GUID: the SCIM id and the userAccounts GUID. */
  id: string;
  userId: number;
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string;
  emails: ScimEmail[];
  active: boolean;
  personId: number | null;
  personNumber: string | null;
  /** scrypt hash (see auth.ts); null = cannot sign in with a password. */
  passwordHash: string | null;
  preferredLanguage: string;
  created: number;
  lastModified: number;
  /** 1-based index of a seeded user, null for users created later. */
  seedIndex: number | null;
}

export type RoleCategory = 'JOB' | 'DUTY' | 'ABSTRACT';

export interface SandboxRole {
  id: string;
  roleId: number;
  name: string;
  displayName: string;
  description: string;
  category: RoleCategory;
  /** Duty role codes this role inherits (privileges = own code + duties). */
  duties: string[];
  /** userId (GUID) → UserRoleId. */
  members: Map<string, number>;
  created: number;
  lastModified: number;
}

export interface Settings {
  sso: boolean;
  selfPacedLearning: boolean;
}

export interface ApiAuthProvider {
  alias: string;
  issuer: string;
  certificatePem: string;
  /** base64url SHA-1 of the certificate's DER. */
  x5t: string;
  created: number;
}

export type LearnerIdentifier = 'email' | 'username';

export interface ExternalProvider {
  providerId: number;
  providerName: string;
  providerCode: string;
  status: 'ACTIVE' | 'INACTIVE';
  userName: string;
  catalogProfile: string;
  visibility: string;
  learnerIdentifier: LearnerIdentifier;
}

export interface OAuthClient {
  clientId: string;
  secretHash: string;
  userName: string;
}

export interface LearningItem {
  learningItemId: number;
  learningItemNumber: string;
  title: string;
  contentUrl: string | null;
  externalContentId: string | null;
  providerId: number | null;
  providerName: string | null;
  status: 'ACTIVE' | 'INACTIVE';
  summary: string | null;
  description: string | null;
  languages: string[];
  expectedEffortInHours: number | null;
  publisher: string | null;
  author: string | null;
  instructor: string | null;
  deactivationDate: string | null;
  coverArtUrl: string | null;
  created: number;
  lastModified: number;
}

export interface ProviderAsset {
  assetId: number;
  providerId: number;
  data: Record<string, unknown>;
  created: number;
}

export interface EssSchedule {
  frequency: string;
  interval: number;
  startTime?: string | undefined;
}

export interface EssRequestParameter {
  name: string;
  paramType?: string | undefined;
  value?: string | undefined;
}

export interface EssRequest {
  requestId: number;
  jobDefinitionId: string;
  application: string;
  product: string;
  schedule: EssSchedule | null;
  requestParameters: EssRequestParameter[];
  submitter: string;
  submittedAt: number;
  cancelledAt: number | null;
  /** While on hold: when the hold started. */
  heldAt: number | null;
  /** Total time spent on hold (shifts the WAIT → RUNNING → SUCCEEDED timeline). */
  heldMs: number;
  /** The job's effect (e.g. statements processed) has been applied. */
  effectApplied: boolean;
  /** A run of a schedule (a child request): the recurring request it belongs to; null for a submitted request. */
  parentRequestId: number | null;
  /** A run of a schedule: the time it is scheduled to start (epoch ms); null for a submitted request. */
  scheduledAt: number | null;
  /** A schedule: the latest occurrence already generated as a child run (epoch ms); null before the first. */
  generatedUntil: number | null;
}

/** How the runs of a job end (test hook `/__sandbox/ess/outcomes`): runs starting in [from, until) take `state`. */
export interface EssOutcomeRule {
  jobDefinitionId: string;
  /** ERROR / WARNING end the run so; WAIT keeps it waiting (it never starts: a blocked or long-waiting run). */
  state: 'SUCCEEDED' | 'ERROR' | 'WARNING' | 'WAIT';
  from: number;
  until: number;
  description: string | null;
}

export type StatementStatus = 'pending' | 'processed' | 'rejected';

export interface StoredStatement {
  id: string;
  receivedAt: number;
  postedBy: string;
  statement: Record<string, unknown>;
  status: StatementStatus;
  reason: string | null;
  learningRecordId: number | null;
}

export interface CompletionDetail {
  CompletionDate: string;
  ActualEffortInSeconds: number | null;
  Score: number | null;
}

export type AssignmentStatus = 'ORA_ASSN_REC_COMPLETE' | 'ORA_ASSN_REC_ACTIVE';

export interface LearnerRecord {
  learningRecordId: number;
  learnerUserGuid: string;
  learningItemId: number;
  assignmentStatus: AssignmentStatus;
  completions: CompletionDetail[];
  created: number;
}
