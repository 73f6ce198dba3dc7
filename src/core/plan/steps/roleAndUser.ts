import { createUser } from '../../../oracle/scimUsers';
import { addRoleMember } from '../../../oracle/scimRoles';
import { readOrRefusal, type Refusal } from '../../../oracle/privileges';
import { fail, info, pass, refusalEvidence, refused, unknown, warn, type CheckOutcome, type StepBehaviour } from './behaviour';
import * as l10n from '@vscode/l10n';

export const PROVIDER_DUTY = 'ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY';

/** Job role: guided (no create API); the check finds the role by name and whether the integration user holds it. */
export const jobRole: StepBehaviour = {
  async check(ctx) {
    const name = ctx.plan.jobRole.name;
    const [roleRead, user] = await Promise.all([readOrRefusal('scim-roles', () => ctx.jobRole()), ctx.integrationUser()]);
    const onlyDuty = info('only-duty', l10n.t('Only the Learning Content Provider duty'), l10n.t('Oracle has no API to read a role hierarchy: confirm in the Security Console and attest.'), 'documented');
    if (!roleRead.ok) {
      return {
        status: 'needs-action',
        detail: l10n.t('Whether the role "{0}" exists could not be read ({1}) Create it in the Security Console with only the Learning Content Provider duty, then attest.', name, roleRead.refusal.message),
        checks: [refused('exists', l10n.t('Role exists'), roleRead.refusal), onlyDuty],
        evidence: refusalEvidence([roleRead.refusal]) ?? {},
      };
    }
    const role = roleRead.value;
    if (!role) {
      return {
        status: 'needs-action',
        detail: l10n.t('No role with the code "{0}" in the pod. Create it in the Security Console with only the Learning Content Provider duty, then re-check.', name),
        checks: [fail('exists', l10n.t('Role exists'), l10n.t('SCIM Roles has no role named "{0}".', name), 'documented')],
        refutesAttestation: true,
      };
    }
    const checks = [pass('exists', l10n.t('Role exists'), l10n.t('Found "{0}" ({1}).', role.displayName ?? role.name, role.name), 'documented')];
    if (role.category && role.category !== 'JOB') checks.push(warn('category', l10n.t('Role category'), l10n.t('Category is {0}; Oracle asks for a job role.', role.category), 'documented'));
    if (user) {
      const holds = role.members.some((m) => m.value === user.id);
      checks.push(
        holds
          ? pass('member', l10n.t('Integration user holds it'), l10n.t('{0} is a member.', user.userName), 'documented')
          : info('member', l10n.t('Integration user holds it'), l10n.t('{0} is not a member yet (the integration-user step adds it).', user.userName), 'documented'),
      );
    }
    checks.push(onlyDuty);
    return {
      status: 'needs-action',
      detail: l10n.t('Role "{0}" exists. Confirm that it holds only the Learning Content Provider duty and is allowed from all IP addresses under LBAC, then attest.', name),
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
        detail: l10n.t('No user "{0}". Apply creates it through SCIM (active, work email {1}, no person record) and adds the job role.', want.userName, want.email),
        checks: [fail('exists', l10n.t('User exists'), l10n.t('SCIM Users has no userName "{0}".', want.userName), 'documented')],
      };
    }
    const refusals: Refusal[] = [];
    const checks = [pass('exists', l10n.t('User exists'), l10n.t('{0} ({1}).', user.userName, user.id), 'documented')];
    const failures: string[] = [];
    if (!user.active) {
      checks.push(fail('active', l10n.t('Active'), l10n.t('The user is inactive: the provider cannot authenticate.'), 'documented'));
      failures.push('it is inactive (activate it, or choose another user name)');
    } else checks.push(pass('active', l10n.t('Active'), l10n.t('Active.'), 'documented'));
    const email = user.emails?.find((e) => e.primary)?.value ?? user.emails?.[0]?.value;
    if (email?.toLowerCase() !== want.email.toLowerCase()) checks.push(warn('email', l10n.t('Work email'), l10n.t('Email is {0}; the plan says {1}.', email ?? 'missing', want.email), 'documented'));
    else checks.push(pass('email', l10n.t('Work email'), email, 'documented'));
    const account = accountRead.ok ? accountRead.value.account : undefined;
    const roleCodes = accountRead.ok ? accountRead.value.roles : undefined;
    if (!accountRead.ok) {
      refusals.push(accountRead.refusal);
      checks.push(refused('person', l10n.t('No person record'), accountRead.refusal, l10n.t('Whether the user is linked to a person (Oracle asks for Associated Person Type "None") is unknown.')));
    } else if (!account) {
      checks.push(unknown('person', l10n.t('No person record'), l10n.t('userAccounts does not list the user, so the person link could not be read.'), 'inferred'));
    } else if (account.PersonId !== null) {
      checks.push(fail('person', l10n.t('No person record'), l10n.t('The user is linked to person {0}. Oracle asks for Associated Person Type "None".', account.PersonNumber ?? account.PersonId), 'documented'));
      failures.push(`it is linked to a person (${account.PersonNumber ?? account.PersonId}); create a separate user without a person`);
    } else checks.push(pass('person', l10n.t('No person record'), l10n.t('PersonId is empty (Associated Person Type: None).'), 'inferred'));
    const role = roleRead.ok ? roleRead.value : undefined;
    if (!roleRead.ok) refusals.push(roleRead.refusal);
    const holdsRole = role ? role.members.some((m) => m.value === user.id) || (roleCodes ?? []).includes(role.name) : roleCodes?.includes(ctx.plan.jobRole.name);
    if (role) checks.push(holdsRole ? pass('role', l10n.t('Holds the job role'), role.name, 'documented') : fail('role', l10n.t('Holds the job role'), l10n.t('Not a member of {0}; apply adds it.', role.name), 'documented'));
    else if (!roleRead.ok) checks.push(holdsRole ? pass('role', l10n.t('Holds the job role'), l10n.t('{0} (from userAccountRoles).', ctx.plan.jobRole.name), 'documented') : refused('role', l10n.t('Holds the job role'), roleRead.refusal));
    const others = (roleCodes ?? []).filter((c) => c !== ctx.plan.jobRole.name);
    if (others.length) {
      checks.push(fail('other-roles', l10n.t('No other roles'), l10n.t('Also holds {0}: the integration user must hold only the job role.', others.join(', ')), 'documented'));
      failures.push(`it holds other roles (${others.join(', ')}); remove them in the Security Console`);
    } else if (roleCodes) checks.push(pass('other-roles', l10n.t('No other roles'), l10n.t('Holds no other role.'), 'documented'));
    else if (!accountRead.ok) checks.push(refused('other-roles', l10n.t('No other roles'), accountRead.refusal, l10n.t('Whether it holds other roles is unknown.')));
    const evidence = { userId: user.id, personId: account?.PersonId ?? null, roles: roleCodes ?? [], ...(refusalEvidence(refusals) ?? {}) };
    if (failures.length) return { status: 'failed', detail: l10n.t('User "{0}" exists but {1}.', user.userName, failures.join('; ')), checks, evidence };
    if (roleRead.ok && !role) return { status: 'needs-action', detail: l10n.t('User exists; the job role "{0}" does not exist yet.', ctx.plan.jobRole.name), checks, evidence };
    if (role && !holdsRole) return { status: 'needs-action', detail: l10n.t('User exists without the job role; apply adds {0} through SCIM Roles.', role.name), checks, evidence };
    if (refusals.length) {
      const known = `${user.userName} is ${user.active ? 'active' : 'inactive'}${holdsRole ? ` and holds ${ctx.plan.jobRole.name}` : ''}`;
      return { status: 'unknown', detail: l10n.t('{0}; could not read the rest: {1}', known, refusals.map((r) => r.message).join(' ')), checks, evidence };
    }
    return { status: 'done', detail: l10n.t('{0} is active, has no person record and holds only {1}.', user.userName, role!.name), checks, evidence };
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
