import { listDigitalLearningProviders, probeSelfPacedLearning } from '../../../oracle/learning';
import { OracleError } from '../../../oracle/errors';
import { createKit, loadKit } from '../verificationKit';
import { signOracleJwt } from '../oracleJwt';
import { describeError } from '../context';
import { fail, info, pass, unknown, type StepBehaviour } from './behaviour';

/** Self-paced learning: no API reads the setting; a successful read of learningSelfPacedItems is a weak probe. */
export const selfPacedLearning: StepBehaviour = {
  async check(ctx) {
    const probe = await probeSelfPacedLearning(ctx.client, { signal: ctx.signal });
    if (!probe.available) {
      return {
        status: 'needs-action',
        detail: `learningSelfPacedItems did not answer (HTTP ${probe.status ?? '?'}): self-paced learning looks disabled. Enable it in Learning setup, then attest.`,
        checks: [fail('probe', 'Self-paced items readable', `GET learningSelfPacedItems answered ${probe.status ?? 'nothing'}.`)],
        refutesAttestation: true,
      };
    }
    return {
      status: 'needs-action',
      detail: 'learningSelfPacedItems answers (a weak sign that self-paced learning is on). Confirm the Redwood learner and catalog settings, then attest.',
      checks: [
        pass('probe', 'Self-paced items readable', 'GET learningSelfPacedItems?limit=1 succeeded (inference: the feature is enabled).'),
        info('redwood', 'Redwood UX and 24D catalog', 'No API reads these settings: confirm them and attest.'),
      ],
    };
  },
};

/** Configure External Providers: no API; the provider showing in digitalLearningProviders is indirect evidence. */
export const externalProvider: StepBehaviour = {
  async check(ctx) {
    const name = ctx.profile.provider.oracleProviderName;
    const providers = await listDigitalLearningProviders(ctx.client, { signal: ctx.signal });
    const mine = providers.find((p) => String(p.ProviderName ?? '').toLowerCase() === name.toLowerCase());
    if (!mine) {
      return {
        status: 'needs-action',
        detail: `${name} is not listed in digitalLearningProviders: it has not been configured (or validated) on Configure External Providers.`,
        checks: [fail('listed', 'Provider configured', `${providers.length} provider(s) listed, none named ${name}.`)],
        refutesAttestation: true,
      };
    }
    const checks = [pass('listed', 'Provider configured', `${name} is listed (provider ${mine.ProviderId ?? '?'}).`)];
    const user = (mine as Record<string, unknown>).UserName;
    if (typeof user === 'string') {
      checks.push(
        user.toLowerCase() === ctx.plan.integrationUser.userName.toLowerCase()
          ? pass('user', 'Integration user', `Uses ${user}.`)
          : fail('user', 'Integration user', `Uses ${user}; the plan says ${ctx.plan.integrationUser.userName}.`),
      );
    }
    checks.push(info('settings', 'Catalog profile, visibility and mappings', 'No API reads them: confirm and attest.'));
    const wrongUser = checks.some((c) => c.outcome === 'fail');
    return {
      status: wrongUser ? 'failed' : 'needs-action',
      detail: wrongUser ? `${name} is configured with another user than the plan's integration user.` : `${name} is configured. Confirm catalog profile "${ctx.plan.catalogProfile}", visibility "${ctx.plan.visibility}" and the attribute mappings, then attest.`,
      checks,
      evidence: { providerId: mine.ProviderId },
      refutesAttestation: wrongUser,
    };
  },
};

/** API Authentication (jwt): guided, with a real verification through a temporary test issuer. */
export const apiAuthentication: StepBehaviour = {
  async check(ctx) {
    if (ctx.plan.auth !== 'jwt' || !ctx.plan.jwt) return { status: 'not-applicable', detail: 'Only the JWT variant uses API Authentication.', checks: [] };
    const checks = [info('no-api', 'No Oracle API', `Register issuer "${ctx.plan.jwt.issuer}" and the provider certificate in the Security Console, then attest.`)];
    const kit = await loadKit(ctx.planDir, ctx.environment);
    if (!kit) {
      checks.push(info('verification', 'Verification call', 'Optional: apply this step to create a test issuer and certificate; register them too and re-check to prove the path with a real call.'));
      return { status: 'needs-action', detail: 'Register the trusted issuer and the certificate under API Authentication, then attest.', checks };
    }
    const token = await signOracleJwt({ privateKeyPem: kit.privateKeyPem, certificatePem: kit.certificatePem, issuer: kit.issuer, userName: ctx.plan.integrationUser.userName });
    const asProvider = ctx.withBearer(token);
    try {
      await listDigitalLearningProviders(asProvider, { signal: ctx.signal });
      checks.push(pass('verification', 'Verification call', `A JWT signed as ${ctx.plan.integrationUser.userName} under the test issuer "${kit.issuer}" got 200 from digitalLearningProviders: user, role and API Authentication work.`));
      return {
        status: 'needs-action',
        detail: `Verified with the test issuer "${kit.issuer}". Confirm the provider's own issuer and certificate are registered the same way, then attest (and remove the test issuer).`,
        checks,
        evidence: { verification: { issuer: kit.issuer, alias: kit.alias, x5t: kit.x5t, result: 200 } },
      };
    } catch (err) {
      const status = err instanceof OracleError ? err.status : undefined;
      if (status === 401)
        checks.push(fail('verification', 'Verification call', `401: the pod does not accept the test issuer "${kit.issuer}" with certificate alias ${kit.alias} (x5t ${kit.x5t}) for ${ctx.plan.integrationUser.userName}. Register them under API Authentication, check the user is active.`));
      else if (status === 403) checks.push(fail('verification', 'Verification call', `403: authenticated, but ${ctx.plan.integrationUser.userName} lacks the Learning Content Provider duty (check the job role).`));
      else checks.push(unknown('verification', 'Verification call', describeError(err)));
      return {
        status: 'needs-action',
        detail: status === 403 ? 'API Authentication works, but the integration user lacks the duty.' : 'The verification call did not succeed; see the verification check.',
        checks,
      };
    }
  },
  async apply(ctx) {
    if (ctx.plan.auth !== 'jwt') return;
    if (await loadKit(ctx.planDir, ctx.environment)) return;
    await ctx.local('create a test issuer and certificate for the verification call (register them under API Authentication)', async () => {
      const kit = await createKit(ctx.planDir, ctx.environment);
      ctx.performed.push(`test issuer: ${kit.issuer}; alias: ${kit.alias}; certificate:\n${kit.certificatePem}`);
    });
  },
};
