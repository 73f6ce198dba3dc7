import type {
  ApiAuthProvider, EssOutcomeRule, EssRequest, ExternalProvider, LearnerRecord, LearningItem, OAuthClient, ProviderAsset,
  SandboxRole, SandboxUser, Settings, StoredStatement,
} from './model';
import {
  adminUser, seedCandidatesForEmail, seedIndexOfUserName, seededLearningItems, seededRoles, seededUser, seededUserIndexOfGuid,
} from './seed';
import { EMPLOYEE_ABSTRACT, ROLE_PRIVILEGES } from './security';

/** Next-id counters of everything the tenant numbers itself. */
export interface Counters {
  userId: number;
  roleId: number;
  userRoleId: number;
  providerId: number;
  learningItemId: number;
  assetId: number;
  requestId: number;
  learningRecordId: number;
}

function initialCounters(): Counters {
  return {
    userId: 300900000001,
    roleId: 300100000100,
    userRoleId: 300300000001,
    providerId: 300400000001,
    learningItemId: 300200000100,
    assetId: 300500000001,
    requestId: 1001,
    learningRecordId: 300600000001,
  };
}

export interface OAuthToken {
  userName: string;
  clientId: string;
  expiresAt: number;
}

const lower = (s: string): string => s.toLowerCase();

/**
 * The emulated pod's data. Seeded users are a pure function of their index (seed.ts) and are
 * found without an index: from the GUID (it encodes the index), the userName (`first.lastN`) or
 * the email. Only users created or changed after seeding live in the overlay maps (and in the
 * state file), so starting with 100,000 users costs nothing.
 */
export class Tenant {
  /** Users created or changed after seeding, by id. */
  private overlay = new Map<string, SandboxUser>();
  private byUserName = new Map<string, SandboxUser>();
  private byEmail = new Map<string, SandboxUser[]>();
  /** Seeded users deleted since seeding. */
  deletedSeeded = new Set<string>();
  private seedCache: SandboxUser[] = [];
  roles = new Map<string, SandboxRole>();
  settings: Settings = { sso: false, selfPacedLearning: true };
  apiAuthProviders = new Map<string, ApiAuthProvider>();
  externalProviders = new Map<number, ExternalProvider>();
  oauthClients = new Map<string, OAuthClient>();
  /** Issued OAuth stand-in tokens (not persisted: clients ask again after a restart). */
  oauthTokens = new Map<string, OAuthToken>();
  learningItems = new Map<number, LearningItem>();
  assets: ProviderAsset[] = [];
  essRequests = new Map<number, EssRequest>();
  /** How the runs of each job end (test hook; not persisted, like faults). */
  essOutcomes: EssOutcomeRule[] = [];
  statements: StoredStatement[] = [];
  learnerRecords: LearnerRecord[] = [];
  counters: Counters = initialCounters();
  adminId = '';

  constructor(
    readonly seedUsers: number,
    readonly adminUserName: string,
    readonly instanceId: string,
  ) {
    this.reset();
  }

  /** Drops everything and seeds again (the admin keeps no password: the server sets it). */
  reset(): void {
    this.overlay = new Map();
    this.byUserName = new Map();
    this.byEmail = new Map();
    this.deletedSeeded = new Set();
    this.roles = new Map(seededRoles().map((r) => [r.id, r]));
    this.settings = { sso: false, selfPacedLearning: true };
    this.apiAuthProviders = new Map();
    this.externalProviders = new Map();
    this.oauthClients = new Map();
    this.oauthTokens = new Map();
    this.learningItems = new Map(seededLearningItems().map((i) => [i.learningItemId, i]));
    this.assets = [];
    this.essRequests = new Map();
    this.essOutcomes = [];
    this.statements = [];
    this.learnerRecords = [];
    this.counters = initialCounters();
    const admin = adminUser(this.adminUserName);
    this.adminId = admin.id;
    this.indexUser(admin);
  }

  next(counter: keyof Counters): number {
    return this.counters[counter]++;
  }

  // ---- users ------------------------------------------------------------------------------

  private seeded(i: number): SandboxUser {
    return (this.seedCache[i] ??= seededUser(i));
  }

  /** Seeded user `i` as it is now: undefined if out of range, deleted or changed (then it is in the overlay). */
  private liveSeeded(i: number | null): SandboxUser | undefined {
    if (i === null || i < 1 || i > this.seedUsers) return undefined;
    const u = this.seeded(i);
    return this.overlay.has(u.id) || this.deletedSeeded.has(u.id) ? undefined : u;
  }

  private indexUser(user: SandboxUser): void {
    this.overlay.set(user.id, user);
    this.byUserName.set(lower(user.userName), user);
    for (const e of user.emails) {
      const key = lower(e.value);
      const list = this.byEmail.get(key);
      if (list) list.push(user);
      else this.byEmail.set(key, [user]);
    }
  }

  private unindexUser(user: SandboxUser): void {
    this.overlay.delete(user.id);
    if (this.byUserName.get(lower(user.userName)) === user) this.byUserName.delete(lower(user.userName));
    for (const e of user.emails) {
      const key = lower(e.value);
      const list = (this.byEmail.get(key) ?? []).filter((u) => u !== user);
      if (list.length) this.byEmail.set(key, list);
      else this.byEmail.delete(key);
    }
  }

  getUser(id: string): SandboxUser | undefined {
    return this.overlay.get(id) ?? this.liveSeeded(seededUserIndexOfGuid(id));
  }

  hasUser(id: string): boolean {
    return this.getUser(id) !== undefined;
  }

  userByName(userName: string): SandboxUser | undefined {
    return this.byUserName.get(lower(userName)) ?? this.liveSeeded(seedIndexOfUserName(userName));
  }

  usersByEmail(email: string): SandboxUser[] {
    const key = lower(email);
    const out = [...(this.byEmail.get(key) ?? [])];
    for (const i of seedCandidatesForEmail(email)) {
      const u = this.liveSeeded(i);
      if (u && u.emails.some((e) => lower(e.value) === key)) out.push(u);
    }
    return out;
  }

  /** How many users allUsers() yields, without walking them. */
  userCount(): number {
    let n = this.overlay.has(this.adminId) ? 1 : 0;
    n += this.seedUsers - this.deletedSeeded.size;
    for (const u of this.overlay.values()) if (u.seedIndex === null && u.id !== this.adminId) n++;
    return n;
  }

  /** Every user: the admin, the seeded users in order, then users created later. */
  *allUsers(): IterableIterator<SandboxUser> {
    const admin = this.overlay.get(this.adminId);
    if (admin) yield admin;
    for (let i = 1; i <= this.seedUsers; i++) {
      const u = this.seeded(i);
      const current = this.overlay.get(u.id);
      if (current) yield current;
      else if (!this.deletedSeeded.has(u.id)) yield u;
    }
    for (const u of this.overlay.values()) if (u.seedIndex === null && u.id !== this.adminId) yield u;
  }

  addUser(user: SandboxUser): void {
    this.indexUser(user);
  }

  /** Replaces a user's record (same id), keeping the indexes right. */
  replaceUser(user: SandboxUser): void {
    const old = this.overlay.get(user.id);
    if (old) this.unindexUser(old);
    this.indexUser(user);
  }

  deleteUser(id: string): void {
    const user = this.getUser(id);
    if (!user) return;
    if (this.overlay.has(id)) this.unindexUser(user);
    for (const role of this.roles.values()) role.members.delete(id);
    if (user.seedIndex !== null) this.deletedSeeded.add(id);
  }

  /** Users created or changed after seeding (what the state file stores). */
  changedUsers(): SandboxUser[] {
    return [...this.overlay.values()];
  }

  // ---- roles ------------------------------------------------------------------------------

  roleByName(name: string): SandboxRole | undefined {
    for (const r of this.roles.values()) if (r.name.toLowerCase() === name.toLowerCase()) return r;
    return undefined;
  }

  addMember(role: SandboxRole, userId: string): void {
    if (!role.members.has(userId)) role.members.set(userId, this.next('userRoleId'));
  }

  rolesOf(userId: string): SandboxRole[] {
    return [...this.roles.values()].filter((r) => r.members.has(userId));
  }

  /**
   * Codes a user holds: the roles they are a member of, those roles' duties (nested), the
   * privileges those roles carry (security.ts), and, for a user with a person (a worker), the
   * Employee abstract role Oracle provisions automatically [INF] (not listed as a SCIM member).
   */
  privilegeCodes(userId: string): Set<string> {
    const codes = new Set<string>();
    const add = (code: string): void => {
      if (codes.has(code)) return;
      codes.add(code);
      for (const p of ROLE_PRIVILEGES[code] ?? []) codes.add(p);
      for (const d of this.roleByName(code)?.duties ?? []) add(d);
    };
    for (const r of this.rolesOf(userId)) add(r.name);
    if (this.getUser(userId)?.personId != null) add(EMPLOYEE_ABSTRACT);
    return codes;
  }

  /** Makes `userId` a member of exactly `codes` among `managed` roles (the admin's roles per variant). */
  setManagedRoles(userId: string, managed: readonly string[], codes: readonly string[]): void {
    for (const name of managed) {
      const role = this.roleByName(name);
      if (!role) continue;
      if (codes.includes(name)) this.addMember(role, userId);
      else role.members.delete(userId);
    }
  }

  /** Adds seeded roles missing from `roles` (a state file written before they were seeded). */
  addMissingSeededRoles(): void {
    for (const r of seededRoles()) if (!this.roleByName(r.name) && !this.roles.has(r.id)) this.roles.set(r.id, r);
  }

  // ---- learning ---------------------------------------------------------------------------

  providerByUser(userName: string): ExternalProvider | undefined {
    for (const p of this.externalProviders.values()) if (lower(p.userName) === lower(userName)) return p;
    return undefined;
  }

  providerByName(name: string): ExternalProvider | undefined {
    const n = lower(name);
    for (const p of this.externalProviders.values()) if (lower(p.providerName) === n || lower(p.providerCode) === n) return p;
    return undefined;
  }
}
