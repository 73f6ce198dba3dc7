import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { SandboxStartError } from './errors';
import { Tenant } from './tenant';

/**
 * The `--state FILE`: what changed since seeding (seeded users are regenerated from their count).
 * Written atomically (temp file + rename), debounced after changes and on close.
 */

const str = z.string();
const nstr = z.string().nullable();
const num = z.number();

const UserSchema = z.object({
  id: str, userId: num, userName: str, givenName: str, familyName: str, displayName: str,
  emails: z.array(z.object({ value: str, type: str, primary: z.boolean() })),
  active: z.boolean(), personId: num.nullable(), personNumber: nstr, passwordHash: nstr, preferredLanguage: str,
  created: num, lastModified: num, seedIndex: num.nullable(),
});
const RoleSchema = z.object({
  id: str, roleId: num, name: str, displayName: str, description: str, category: z.enum(['JOB', 'DUTY', 'ABSTRACT']),
  duties: z.array(str), members: z.array(z.tuple([str, num])), created: num, lastModified: num,
});
const ItemSchema = z.object({
  learningItemId: num, learningItemNumber: str, title: str, contentUrl: nstr, externalContentId: nstr, providerId: num.nullable(),
  providerName: nstr, status: z.enum(['ACTIVE', 'INACTIVE']), summary: nstr, description: nstr, languages: z.array(str),
  expectedEffortInHours: num.nullable(), publisher: nstr, author: nstr, instructor: nstr, deactivationDate: nstr, coverArtUrl: nstr,
  created: num, lastModified: num,
});
const EssSchema = z.object({
  requestId: num, jobDefinitionId: str, application: str, product: str,
  schedule: z.object({ frequency: str, interval: num, startTime: str.optional() }).nullable(),
  requestParameters: z.array(z.object({ name: str, paramType: str.optional(), value: str.optional() })),
  submitter: str, submittedAt: num, cancelledAt: num.nullable(), heldAt: num.nullable(), heldMs: num, effectApplied: z.boolean(),
  // Child runs of schedules (issue 14); absent in state files written before them.
  parentRequestId: num.nullable().default(null), scheduledAt: num.nullable().default(null), generatedUntil: num.nullable().default(null),
});

export const StateFileSchema = z.object({
  format: z.literal('oli-sandbox-state'),
  version: z.literal(1),
  instanceId: str,
  seedUsers: z.number().int().min(0),
  users: z.array(UserSchema),
  deletedSeeded: z.array(str),
  roles: z.array(RoleSchema),
  settings: z.object({ sso: z.boolean(), selfPacedLearning: z.boolean() }),
  apiAuthProviders: z.array(z.object({ alias: str, issuer: str, certificatePem: str, x5t: str, created: num })),
  externalProviders: z.array(z.object({
    providerId: num, providerName: str, providerCode: str, status: z.enum(['ACTIVE', 'INACTIVE']), userName: str,
    catalogProfile: str, visibility: str, learnerIdentifier: z.enum(['email', 'username']),
  })),
  oauthClients: z.array(z.object({ clientId: str, secretHash: str, userName: str })),
  learningItems: z.array(ItemSchema),
  assets: z.array(z.object({ assetId: num, providerId: num, data: z.record(str, z.unknown()), created: num })),
  essRequests: z.array(EssSchema),
  statements: z.array(z.object({
    id: str, receivedAt: num, postedBy: str, statement: z.record(str, z.unknown()),
    status: z.enum(['pending', 'processed', 'rejected']), reason: nstr, learningRecordId: num.nullable(),
  })),
  learnerRecords: z.array(z.object({
    learningRecordId: num, learnerUserGuid: str, learningItemId: num, assignmentStatus: z.enum(['ORA_ASSN_REC_COMPLETE', 'ORA_ASSN_REC_ACTIVE']),
    completions: z.array(z.object({ CompletionDate: str, ActualEffortInSeconds: num.nullable(), Score: num.nullable() })), created: num,
  })),
  counters: z.object({
    userId: num, roleId: num, userRoleId: num, providerId: num, learningItemId: num, assetId: num, requestId: num, learningRecordId: num,
  }),
});
export type StateFile = z.infer<typeof StateFileSchema>;

export function serializeTenant(t: Tenant): StateFile {
  return {
    format: 'oli-sandbox-state',
    version: 1,
    instanceId: t.instanceId,
    seedUsers: t.seedUsers,
    users: t.changedUsers(),
    deletedSeeded: [...t.deletedSeeded],
    roles: [...t.roles.values()].map((r) => ({ ...r, members: [...r.members.entries()] })),
    settings: { ...t.settings },
    apiAuthProviders: [...t.apiAuthProviders.values()],
    externalProviders: [...t.externalProviders.values()],
    oauthClients: [...t.oauthClients.values()],
    learningItems: [...t.learningItems.values()],
    assets: t.assets,
    essRequests: [...t.essRequests.values()].map((r) => ({ ...r, schedule: r.schedule ? { ...r.schedule } : null })),
    statements: t.statements,
    learnerRecords: t.learnerRecords,
    counters: { ...t.counters },
  };
}

/** Rebuilds a tenant from a state file's contents (seeded users regenerated, then changes applied). */
export function tenantFromState(s: StateFile, adminUserName: string): Tenant {
  const t = new Tenant(s.seedUsers, adminUserName, s.instanceId);
  for (const id of s.deletedSeeded) t.deleteUser(id);
  for (const u of s.users) {
    if (t.hasUser(u.id)) t.replaceUser(u);
    else t.addUser(u);
  }
  t.roles = new Map(s.roles.map((r) => [r.id, { ...r, members: new Map(r.members) }]));
  t.settings = { ...s.settings };
  t.apiAuthProviders = new Map(s.apiAuthProviders.map((p) => [p.alias, p]));
  t.externalProviders = new Map(s.externalProviders.map((p) => [p.providerId, p]));
  t.oauthClients = new Map(s.oauthClients.map((c) => [c.clientId, c]));
  t.learningItems = new Map(s.learningItems.map((i) => [i.learningItemId, i]));
  t.assets = s.assets;
  t.essRequests = new Map(s.essRequests.map((r) => [r.requestId, r]));
  t.statements = s.statements;
  t.learnerRecords = s.learnerRecords;
  t.counters = { ...s.counters };
  return t;
}

/** Loads the state file if it exists; null if it does not. Throws SandboxStartError if it is unreadable or invalid. */
export function loadStateFile(path: string, adminUserName: string): Tenant | null {
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SandboxStartError('state-file', `Cannot read sandbox state file ${path}: ${(err as Error).message}. Fix or delete it, or pass another --state path.`);
  }
  const parsed = StateFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SandboxStartError('state-file', `${path} is not a sandbox state file (at '${issue.path.join('.')}': ${issue.message}). Delete it or pass another --state path.`);
  }
  return tenantFromState(parsed.data, adminUserName);
}

/** Debounced, serialized writes of the tenant to `path`. */
export class StateWriter {
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  lastError: Error | null = null;

  constructor(
    private readonly path: string,
    private readonly tenant: () => Tenant,
    private readonly debounceMs = 200,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, this.debounceMs);
    this.timer.unref();
  }

  private write(): Promise<void> {
    const json = JSON.stringify(serializeTenant(this.tenant()));
    const tmp = `${this.path}.${process.pid}.tmp`;
    this.chain = this.chain.then(async () => {
      try {
        await writeFile(tmp, json, { mode: 0o600 });
        await rename(tmp, this.path);
        this.lastError = null;
      } catch (err) {
        this.lastError = err as Error;
      }
    });
    return this.chain;
  }

  /** Writes now (cancelling a pending debounce) and waits for every write. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.write();
    if (this.lastError) throw this.lastError;
  }
}
