import { createUser } from '../../../oracle/scimUsers';
import { addRoleMember } from '../../../oracle/scimRoles';
import { readOrRefusal, type Refusal } from '../../../oracle/privileges';
import { fail, info, pass, refusalEvidence, refused, unknown, warn, type CheckOutcome, type StepBehaviour } from './behaviour';

export const PROVIDER_DUTY = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';

/** Job role: guided (no create API); the check finds the role by name and whether the integration user holds it. */
export const jobRole: StepBehaviour = {
  async check(ctx) {
    const name = ctx.plan.jobRole.name;
    const [roleRead, user] = await Promise.all([readOrRefusal('scim-roles', () => ctx.jobRole()), ctx.integrationUser()]);
    const onlyDuty = info('only-duty', 'Only the Learning Content Provider duty', 'Oracle has no API to read a role hierarchy: confirm in the Security Console and attest.', 'documented');
    if (!roleRead.ok) {
      return {
        status: 'needs-action',
        detail: `Whether the role "${name}" exists could not be read (${roleRead.refusal.message}) Create it in the Security Console with only the Learning Content Provider duty, then attest.`,
        checks: [refused('exists', 'Role exists', roleRead.refusal), onlyDuty],
        evidence: refusalEvidence([roleRead.refusal]) ?? {},
      };
    }
    const role = roleRead.value;
    if (!role) {
      return {
        status: 'needs-action',
        detail: `No role with the code "${name}" in the pod. Create it in the Security Console with only the Learning Content Provider duty, then re-check.`,
        checks: [fail('exists', 'Role exists', `SCIM Roles has no role named "${name}".`, 'documented')],
        refutesAttestation: true,
      };
    }
    const checks = [pass('exists', 'Role exists', `Found "${role.displayName ?? role.name}" (${role.name}).`, 'documented')];
    if (role.category && role.category !== 'JOB') checks.push(warn('category', 'Role category', `Category is ${role.category}; Oracle asks for a job role.`, 'documented'));
    if (user) {
      const holds = role.members.some((m) => m.value === user.id);
      checks.push(
        holds
          ? pass('member', 'Integration user holds it', `${user.userName} is a member.`, 'documented')
          : info('member', 'Integration user holds it', `${user.userName} is not a member yet (the integration-user step adds it).`, 'documented'),
      );
    }
    checks.push(onlyDuty);
    return {
      status: 'needs-action',
      detail: `Role "${name}" exists. Confirm that it holds only the Learning Content Provider duty and is allowed from all IP addresses under LBAC, then attest.`,
      checks,
      evidence: { roleId: role.id, roleName: role.name },
    };
  },
};

/** Integration user: created through SCIM (active, work email, no person) and given the job role. */
export const integrationUser: StepBehaviour = {
  async check(ctx): Promise<CheckOutcome> {
    const want = ctx.plan.integrationUser;
    // Each read stands on its own: a refused one (userAccounts needs its own REST duty) leaves its
    // sub-checks unknown and never hides what the others found.
    const [user, roleRead, accountRead] = await Promise.all([
      ctx.integrationUser(),
      readOrRefusal('scim-roles', () => ctx.jobRole()),
      readOrRefusal('user-accounts', async () => ({ account: await ctx.integrationUserAccount(), roles: await ctx.integrationUserRoles() })),
    ]);
    if (!user) {
      return {
        status: 'needs-action',
        detail: `No user "${want.userName}". Apply creates it through SCIM (active, work email ${want.email}, no person record) and adds the job role.`,
        checks: [fail('exists', 'User exists', `SCIM Users has no userName "${want.userName}".`, 'documented')],
      };
    }
    const refusals: Refusal[] = [];
    const checks = [pass('exists', 'User exists', `${user.userName} (${user.id}).`, 'documented')];
    const failures: string[] = [];
    if (!user.active) {
      checks.push(fail('active', 'Active', 'The user is inactive: the provider cannot authenticate.', 'documented'));
      failures.push('it is inactive (activate it, or choose another user name)');
    } else checks.push(pass('active', 'Active', 'Active.', 'documented'));
    const email = user.emails?.find((e) => e.primary)?.value ?? user.emails?.[0]?.value;
    if (email?.toLowerCase() !== want.email.toLowerCase()) checks.push(warn('email', 'Work email', `Email is ${email ?? 'missing'}; the plan says ${want.email}.`, 'documented'));
    else checks.push(pass('email', 'Work email', email, 'documented'));
    const account = accountRead.ok ? accountRead.value.account : undefined;
    const roleCodes = accountRead.ok ? accountRead.value.roles : undefined;
    if (!accountRead.ok) {
      refusals.push(accountRead.refusal);
      checks.push(refused('person', 'No person record', accountRead.refusal, 'Whether the user is linked to a person (Oracle asks for Associated Person Type "None") is unknown.'));
    } else if (!account) {
      checks.push(unknown('person', 'No person record', 'userAccounts does not list the user, so the person link could not be read.', 'inferred'));
    } else if (account.PersonId !== null) {
      checks.push(fail('person', 'No person record', `The user is linked to person ${account.PersonNumber ?? account.PersonId}. Oracle asks for Associated Person Type "None".`, 'documented'));
      failures.push(`it is linked to a person (${account.PersonNumber ?? account.PersonId}); create a separate user without a person`);
    } else checks.push(pass('person', 'No person record', 'PersonId is empty (Associated Person Type: None).', 'inferred'));
    const role = roleRead.ok ? roleRead.value : undefined;
    if (!roleRead.ok) refusals.push(roleRead.refusal);
    const holdsRole = role ? role.members.some((m) => m.value === user.id) || (roleCodes ?? []).includes(role.name) : roleCodes?.includes(ctx.plan.jobRole.name);
    if (role) checks.push(holdsRole ? pass('role', 'Holds the job role', role.name, 'documented') : fail('role', 'Holds the job role', `Not a member of ${role.name}; apply adds it.`, 'documented'));
    else if (!roleRead.ok) checks.push(holdsRole ? pass('role', 'Holds the job role', `${ctx.plan.jobRole.name} (from userAccountRoles).`, 'documented') : refused('role', 'Holds the job role', roleRead.refusal));
    const others = (roleCodes ?? []).filter((c) => c !== ctx.plan.jobRole.name);
    if (others.length) {
      checks.push(fail('other-roles', 'No other roles', `Also holds ${others.join(', ')}: the integration user must hold only the job role.`, 'documented'));
      failures.push(`it holds other roles (${others.join(', ')}); remove them in the Security Console`);
    } else if (roleCodes) checks.push(pass('other-roles', 'No other roles', 'Holds no other role.', 'documented'));
    else if (!accountRead.ok) checks.push(refused('other-roles', 'No other roles', accountRead.refusal, 'Whether it holds other roles is unknown.'));
    const evidence = { userId: user.id, personId: account?.PersonId ?? null, roles: roleCodes ?? [], ...(refusalEvidence(refusals) ?? {}) };
    if (failures.length) return { status: 'failed', detail: `User "${user.userName}" exists but ${failures.join('; ')}.`, checks, evidence };
    if (roleRead.ok && !role) return { status: 'needs-action', detail: `User exists; the job role "${ctx.plan.jobRole.name}" does not exist yet.`, checks, evidence };
    if (role && !holdsRole) return { status: 'needs-action', detail: `User exists without the job role; apply adds ${role.name} through SCIM Roles.`, checks, evidence };
    if (refusals.length) {
      const known = `${user.userName} is ${user.active ? 'active' : 'inactive'}${holdsRole ? ` and holds ${ctx.plan.jobRole.name}` : ''}`;
      return { status: 'unknown', detail: `${known}; could not read the rest: ${refusals.map((r) => r.message).join(' ')}`, checks, evidence };
    }
    return { status: 'done', detail: `${user.userName} is active, has no person record and holds only ${role!.name}.`, checks, evidence };
  },

  async apply(ctx) {
    const want = ctx.plan.integrationUser;
    const role = await ctx.jobRole();
    if (!role) throw new Error(`The job role "${ctx.plan.jobRole.name}" does not exist; create it in the Security Console first (job-role step).`);
    let user = await ctx.integrationUser();
    if (!user) {
      const local = want.userName.split(/[.@]/);
      const body = {
        schemas: ['urn:scim:schemas:core:2.0:User'],
        userName: want.userName,
        name: { givenName: want.givenName ?? local[0] ?? want.userName, familyName: want.familyName ?? local[1] ?? 'Integration' },
        displayName: want.userName,
        active: true,
        emails: [{ primary: true, value: want.email, type: 'W' }],
      };
      const created = await ctx.change({ method: 'POST', url: '/hcmRestApi/scim/Users', body, why: `create the integration user ${want.userName} (no person record)` }, () =>
        createUser(ctx.client, { userName: want.userName, email: want.email, givenName: body.name.givenName, familyName: body.name.familyName, displayName: want.userName }, { signal: ctx.signal }),
      );
      user = created?.user;
    }
    const userId = user?.id ?? '<id of the new user>';
    const member = user ? role.members.some((m) => m.value === user.id) : false;
    if (!member) {
      await ctx.change(
        { method: 'PATCH', url: `/hcmRestApi/scim/Roles/${role.id}`, body: { members: [{ value: userId, operation: 'ADD' }] }, why: `add ${want.userName} to ${role.name}` },
        () => addRoleMember(ctx.client, role.id, userId, { signal: ctx.signal }),
      );
    }
  },
};
