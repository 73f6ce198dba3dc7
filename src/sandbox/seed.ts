import type { LearningItem, SandboxRole, SandboxUser } from './model';
import {
  EMPLOYEE_ABSTRACT, HCM_INTEGRATION_SPECIALIST, IT_SECURITY_MANAGER, LEARNER_REST_DUTY, LEARNING_ADMINISTRATOR, PROVIDER_DUTY as PROVIDER_DUTY_CODE,
  SEEDED_DUTIES, USER_ACCOUNTS_DUTY,
} from './security';

/** Deterministic 32-bit mixer (murmur3 fmix32). */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

const GUID_MASK = 0x3c6ef372;

/** A stable 32 upper-hex GUID for (salt, n); the last 8 hex digits encode n, so it can be looked up without an index. */
export function stableGuid(salt: number, n: number): string {
  const base = Math.imul(n, 4) ^ Math.imul(salt, 0x9e3779b1);
  return hex8(mix32(base)) + hex8(mix32(base + 1)) + hex8(mix32(base + 2)) + hex8((n ^ GUID_MASK) >>> 0);
}

/** The n of a GUID made by stableGuid(salt, n), or null. */
export function stableGuidIndex(salt: number, guid: string): number | null {
  if (!/^[0-9A-F]{32}$/.test(guid)) return null;
  const n = (parseInt(guid.slice(24), 16) ^ GUID_MASK) >>> 0;
  return stableGuid(salt, n) === guid ? n : null;
}

const FIRST = ['james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth',
  'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'amara', 'chen',
  'diego', 'fatima', 'hiroshi', 'ingrid', 'kwame', 'lucia', 'mohammed', 'nadia', 'olga', 'priya', 'rafael', 'sofia',
  'tariq', 'ulla', 'wei', 'yara', 'zoltan', 'anika'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez',
  'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee',
  'okafor', 'nakamura', 'schmidt', 'rossi', 'dubois', 'kowalski', 'nguyen', 'patel', 'kim', 'singh', 'haddad',
  'novak', 'larsen', 'silva', 'ivanova', 'mensah', 'yilmaz', 'costa', 'fischer'];

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** 2024-01-01T00:00:00Z: creation time of everything seeded. */
export const SEED_TIME = Date.UTC(2024, 0, 1);
const USER_SALT = 0x5eed;
const ROLE_SALT = 0x701e;

/** Traits of seeded user `i` (1-based): about 1% inactive, 0.5% sharing an email with user i-1, 0.5% without email. */
export function seededTraits(i: number): { inactive: boolean; duplicateEmail: boolean; noEmail: boolean } {
  const h = mix32(i * 7919 + 17) % 1000;
  return { inactive: h < 10, duplicateEmail: i > 1 && h >= 10 && h < 15, noEmail: h >= 15 && h < 20 };
}

function seededName(i: number): { first: string; last: string; userName: string } {
  const first = FIRST[mix32(i) % FIRST.length]!;
  const last = LAST[mix32(i + 0x10000) % LAST.length]!;
  return { first, last, userName: `${first}.${last}${i}` };
}

/** The seeded index whose userName is `userName` (case-insensitive), or null. */
export function seedIndexOfUserName(userName: string): number | null {
  const m = /^[a-z]+\.[a-z]+(\d+)$/.exec(userName.toLowerCase());
  if (!m || m[1]!.startsWith('0')) return null;
  const i = Number(m[1]);
  return seededName(i).userName === userName.toLowerCase() ? i : null;
}

/** Seeded indexes that may have `email` (its own user and, for a shared email, the next one). */
export function seedCandidatesForEmail(email: string): number[] {
  const m = /^[a-z]+\.[a-z]+(\d+)@example\.com$/.exec(email.toLowerCase());
  if (!m || m[1]!.startsWith('0')) return [];
  const i = Number(m[1]);
  return [i, i + 1];
}

export function seededUserIndexOfGuid(guid: string): number | null {
  const n = stableGuidIndex(USER_SALT, guid);
  return n !== null && n >= 1 ? n : null;
}

/** Seeded user `i` (1-based); a pure function of `i`, so seeds need not be stored. */
export function seededUser(i: number): SandboxUser {
  const { first, last, userName } = seededName(i);
  const traits = seededTraits(i);
  const emailOwner = traits.duplicateEmail ? seededName(i - 1).userName : userName;
  return {
    id: stableGuid(USER_SALT, i),
    userId: 300000000000 + i,
    userName,
    givenName: cap(first),
    familyName: cap(last),
    displayName: `${cap(first)} ${cap(last)}`,
    emails: traits.noEmail ? [] : [{ value: `${emailOwner}@example.com`, type: 'W', primary: true }],
    active: !traits.inactive,
    personId: 100000000000 + i,
    personNumber: String(10000 + i),
    passwordHash: null,
    preferredLanguage: 'en',
    created: SEED_TIME,
    lastModified: SEED_TIME,
    seedIndex: i,
  };
}

export const ADMIN_ROLE = IT_SECURITY_MANAGER;
export const PROVIDER_DUTY = PROVIDER_DUTY_CODE;

// New roles go at the end: a role's id derives from its position, and state files keep ids.
const SEED_ROLES: Array<Pick<SandboxRole, 'name' | 'displayName' | 'description' | 'category'>> = [
  { name: ADMIN_ROLE, displayName: 'IT Security Manager', description: 'Manages IT security: users, roles, API authentication.', category: 'JOB' },
  { name: PROVIDER_DUTY, displayName: 'Learning Content Provider', description: 'Lets an external content provider push content and learning progress.', category: 'DUTY' },
  { name: LEARNING_ADMINISTRATOR, displayName: 'Learning Administrator', description: 'Administers Oracle Learning: setup, catalog, Learning processes.', category: 'JOB' },
  { name: EMPLOYEE_ABSTRACT, displayName: 'Employee', description: 'Identifies the person as an employee.', category: 'ABSTRACT' },
  { name: 'ORA_HRC_HUMAN_RESOURCE_SPECIALIST_JOB', displayName: 'Human Resource Specialist', description: 'Manages workforce records.', category: 'JOB' },
  { name: HCM_INTEGRATION_SPECIALIST, displayName: 'Human Capital Management Integration Specialist', description: 'Plans, coordinates and supervises HCM integrations.', category: 'JOB' },
  { name: USER_ACCOUNTS_DUTY, displayName: 'Use REST Service - User Accounts', description: 'Calls the userAccounts REST resource.', category: 'DUTY' },
  { name: LEARNER_REST_DUTY, displayName: 'Learner REST Services', description: 'Calls the learner REST resources for oneself.', category: 'DUTY' },
];

export function seededRoles(): SandboxRole[] {
  return SEED_ROLES.map((r, k) => ({
    ...r,
    id: stableGuid(ROLE_SALT, k + 1),
    roleId: 300100000000 + k + 1,
    duties: [...(SEEDED_DUTIES[r.name] ?? [])],
    members: new Map<string, number>(),
    created: SEED_TIME,
    lastModified: SEED_TIME,
  }));
}

export function adminUser(userName: string): SandboxUser {
  return {
    id: stableGuid(USER_SALT, 0),
    userId: 300000000000,
    userName,
    givenName: 'Sandbox',
    familyName: 'Administrator',
    displayName: 'Sandbox Administrator',
    emails: [{ value: `${userName}@example.com`, type: 'W', primary: true }],
    active: true,
    personId: null,
    personNumber: null,
    passwordHash: null,
    preferredLanguage: 'en',
    created: SEED_TIME,
    lastModified: SEED_TIME,
    seedIndex: null,
  };
}

/** A few internal (non-provider) self-paced items, so the catalog is not empty. */
export function seededLearningItems(): LearningItem[] {
  const titles = ['Workplace Safety Essentials', 'Code of Conduct 2024', 'Data Privacy Fundamentals'];
  return titles.map((title, k) => ({
    learningItemId: 300200000000 + k + 1,
    learningItemNumber: `OLC${100001 + k}`,
    title,
    contentUrl: `https://learning.example.com/internal/${k + 1}`,
    externalContentId: null,
    providerId: null,
    providerName: null,
    status: 'ACTIVE',
    summary: null,
    description: `${title} (internal course).`,
    languages: ['en'],
    expectedEffortInHours: 1,
    publisher: null,
    author: null,
    instructor: null,
    deactivationDate: null,
    coverArtUrl: null,
    created: SEED_TIME,
    lastModified: SEED_TIME,
  }));
}
