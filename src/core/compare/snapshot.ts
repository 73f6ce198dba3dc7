/**
 * What an environment holds, as comparable facts (issue 14, `oli diff`): the job role, the
 * integration user and its roles, the provider's configuration, the schedules and their times, the
 * issuer and the certificate. Each fact says what it rests on, or why it could not be read.
 */
import { weakestBasis, type Basis } from '../../oracle/basis';
import { readOrRefusal } from '../../oracle/privileges';
import { OracleError } from '../../oracle/errors';
import { describeError } from '../plan/context';
import { certificateOf } from '../plan/planFile';
import { BEHAVIOURS } from '../plan/steps/registry';
import { readAsProvider } from '../plan/steps/guided';
import { fmt, neededProcesses, readSchedules, startMinutes } from '../plan/steps/schedules';
import { planCertificate } from '../health/certificate';
import { nextStage } from '../rotation/state';
import { EnvironmentSession, type SessionOptions } from '../ops/session';

export const FACT_AREAS = ['job-role', 'integration-user', 'provider', 'schedules', 'credentials'] as const;
export type FactArea = (typeof FACT_AREAS)[number];

export const AREA_TITLES: Record<FactArea, string> = {
  'job-role': 'Job role',
  'integration-user': 'Integration user and its roles',
  provider: 'Provider configuration',
  schedules: 'Schedules and their times',
  credentials: 'Issuer and certificate',
};

export interface Fact {
  area: FactArea;
  id: string;
  label: string;
  /** The value, as it reads (null: absent). */
  value: string | null;
  /** Why it could not be read (then `value` is null and nothing is compared). */
  unreadable?: string;
  basis: Basis;
}

export interface Snapshot {
  environment: string;
  url: string;
  at: string;
  requests: number;
  facts: Fact[];
}

const fact = (area: FactArea, id: string, label: string, value: string | null, basis: Basis, unreadable?: string): Fact => ({ area, id, label, value, basis, ...(unreadable ? { unreadable } : {}) });

/** Reads the facts of one environment (read-only; about a dozen requests, in parallel). */
export async function takeSnapshot(o: SessionOptions): Promise<Snapshot> {
  const session = new EnvironmentSession(o);
  const ctx = session.ctx;
  await session.signIn(() => ctx.integrationUser());
  const facts: Fact[] = [];
  const plan = ctx.plan;

  const [roleRead, user, accountRead, providerCheck, schedules, cert] = await Promise.all([
    readOrRefusal('scim-roles', () => ctx.jobRole()),
    ctx.integrationUser(),
    readOrRefusal('user-accounts', async () => ({ account: await ctx.integrationUserAccount(), roles: await ctx.integrationUserRoles() })),
    BEHAVIOURS['external-provider'].check(ctx).catch((err: unknown) => ({ status: 'unknown' as const, detail: describeError(err), checks: [] })),
    readSchedules(ctx, neededProcesses(ctx).filter((k) => k !== 'loadAndSynchronizeExternalCourseData')),
    planCertificate(plan, ctx.planDir, ctx.environment),
  ]);

  // Job role
  if (!roleRead.ok) facts.push(fact('job-role', 'job-role.exists', `Role ${plan.jobRole.name}`, null, 'documented', roleRead.refusal.message));
  else {
    const role = roleRead.value;
    facts.push(fact('job-role', 'job-role.exists', `Role ${plan.jobRole.name}`, role ? `exists (${role.displayName ?? role.name})` : 'missing', 'documented'));
    facts.push(fact('job-role', 'job-role.category', 'Role category', role?.category ?? null, 'documented'));
    facts.push(fact('job-role', 'job-role.member', `${plan.integrationUser.userName} is a member`, role && user ? (role.members.some((m) => m.value === user.id) ? 'yes' : 'no') : null, 'documented'));
  }
  facts.push(fact('job-role', 'job-role.attested', 'Only the provider duty (attested)', attestationText(ctx.state.attestations['job-role']), 'documented'));

  // Integration user
  facts.push(fact('integration-user', 'user.exists', `User ${plan.integrationUser.userName}`, user ? (user.active ? 'active' : 'inactive') : 'missing', 'documented'));
  const email = user?.emails?.find((e) => e.primary)?.value ?? user?.emails?.[0]?.value;
  facts.push(fact('integration-user', 'user.email', 'Work email', user ? (email ?? 'none') : null, 'documented'));
  if (!accountRead.ok) {
    facts.push(fact('integration-user', 'user.person', 'Linked to a person', null, 'documented', accountRead.refusal.message));
    facts.push(fact('integration-user', 'user.roles', 'Roles', null, 'documented', accountRead.refusal.message));
  } else {
    const { account, roles } = accountRead.value;
    facts.push(fact('integration-user', 'user.person', 'Linked to a person', account ? (account.PersonId === null ? 'no' : 'yes') : null, 'inferred'));
    facts.push(fact('integration-user', 'user.roles', 'Roles', roles ? ([...roles].sort().join(', ') || 'none') : null, 'documented'));
  }

  // Provider configuration
  const listed = providerCheck.checks.find((c) => c.id === 'listed');
  const userCheck = providerCheck.checks.find((c) => c.id === 'user');
  const providerBasis = weakestBasis([listed?.basis ?? 'inferred', 'inferred'])!;
  if (!listed || listed.outcome === 'unknown') {
    const why = listed?.message.replace(/^Could not read: /, '') ?? providerCheck.detail;
    facts.push(fact('provider', 'provider.configured', `${ctx.profile.provider.displayName} configured`, null, providerBasis, why));
  } else {
    facts.push(fact('provider', 'provider.configured', `${ctx.profile.provider.displayName} configured`, listed.outcome === 'pass' ? 'yes' : 'no', providerBasis));
    facts.push(fact('provider', 'provider.user', 'Its integration user', userCheck ? userCheck.message.replace(/^Uses (\S+?)\.?(;.*)?$/, '$1') : null, providerBasis));
  }
  facts.push(fact('provider', 'provider.attested', 'Catalog profile, visibility, mappings (attested)', attestationText(ctx.state.attestations['external-provider']), 'documented'));

  // Schedules
  for (const s of [schedules.loadSync, ...schedules.states]) {
    const name = s.process.name;
    const id = `schedule.${s.process.key}`;
    const basis = weakestBasis([s.idBasis, 'documented'])!;
    if (s.refusal) {
      facts.push(fact('schedules', id, name, null, 'inferred', s.refusal.message));
      continue;
    }
    if (!s.id) {
      facts.push(fact('schedules', id, name, null, 'documented', 'its job definition id is unknown'));
      continue;
    }
    if (s.undetermined) {
      facts.push(fact('schedules', id, name, null, 'inferred', s.undetermined));
      continue;
    }
    const def = s.schedule?.scheduleDefinition as Record<string, unknown> | undefined;
    const start = startMinutes(s.schedule);
    const freq = def && typeof def.frequency === 'string' ? `${String(def.frequency).toLowerCase()}${Number(def.interval ?? 1) > 1 ? ` every ${String(def.interval)}` : ''}` : s.schedule ? 'scheduled' : '';
    const value = s.schedule ? `${freq}${start !== undefined ? ` at ${fmt(start)} UTC` : ''}${s.duplicates.length ? ` (${s.duplicates.length + 1} schedules)` : ''}` : 'not scheduled';
    facts.push(fact('schedules', id, name, value, start !== undefined ? weakestBasis([basis, 'inferred'])! : basis));
    facts.push(fact('schedules', `${id}.job`, `${name}: job definition id`, s.id, s.idBasis));
  }

  // Issuer and certificate
  facts.push(fact('credentials', 'auth', 'Authentication', plan.auth === 'jwt' ? `JWT, issuer "${plan.jwt?.issuer ?? '?'}"` : `OAuth, client ${plan.oauth?.clientId ?? '?'}`, 'documented'));
  if (plan.auth === 'jwt') {
    const file = certificateOf(plan, ctx.environment);
    facts.push(
      fact(
        'credentials',
        'certificate',
        'Inbound certificate (the plan\'s copy)',
        cert?.ok ? `${file}: ${cert.info.subject}, SHA-1 ${cert.info.sha1}, expires ${cert.info.notAfter.slice(0, 10)}` : null,
        'documented',
        cert && !cert.ok ? cert.message : undefined,
      ),
    );
    const r = ctx.state.rotation;
    facts.push(fact('credentials', 'rotation', 'Certificate rotation', r ? (!r.completedAt && !r.abandonedAt ? `in progress (next: ${nextStage(r)})` : r.completedAt ? `completed ${r.completedAt.slice(0, 10)} (to SHA-1 ${r.newCertificate.sha1})` : 'abandoned') : 'none', 'documented'));
    facts.push(fact('credentials', 'api-authentication.attested', 'API Authentication (attested)', attestationText(ctx.state.attestations['api-authentication']), 'documented'));
    const read = await readAsProvider(ctx);
    const verification = !read ? 'not made (no verification kit)' : read.ok ? 'accepted (200)' : read.error instanceof OracleError && read.error.status ? `refused (${read.error.status})` : `failed: ${describeError(read.error)}`;
    facts.push(fact('credentials', 'verification', 'A call as the integration user', verification, 'documented'));
  }
  return { environment: o.environment, url: session.url, at: new Date().toISOString(), requests: session.requests, facts };
}

function attestationText(a: { by: string; at: string; note: string } | undefined): string {
  return a ? `attested: ${a.note}` : 'not attested';
}
