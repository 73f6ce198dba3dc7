import { readDigitalLearningProviders, readOneSelfPacedItem, DIGITAL_LEARNING_PROVIDERS_PATH, PROVIDER_SHAPE, type Listing, type ProviderField, type ProviderView } from '../../../oracle/learning';
import { expectedNames } from '../../../oracle/lenient';
import { OracleError } from '../../../oracle/errors';
import { readOrRefusal, refusalOf, type Refusal } from '../../../oracle/privileges';
import type { OracleClient } from '../../../oracle/client';
import { createKit, loadKit } from '../verificationKit';
import { signOracleJwt } from '../oracleJwt';
import { describeError, type StepContext } from '../context';
import type { SubCheck } from '../result';
import { fail, info, pass, refusalEvidence, refused, unknown, type CheckOutcome, type StepBehaviour } from './behaviour';
import * as l10n from '@vscode/l10n';

/** Self-paced learning: no API reads the setting; a successful read of learningSelfPacedItems is a weak probe, a refused one proves nothing. */
export const selfPacedLearning: StepBehaviour = {
  async check(ctx) {
    const probe = await readOrRefusal('learning-self-paced-items', () => readOneSelfPacedItem(ctx.client, { signal: ctx.signal }));
    if (!probe.ok) {
      const r = probe.refusal;
      return {
        status: 'needs-action',
        detail: l10n.t('Oracle offers no API that reads this setting, and the weak probe could not read either ({0}) Enable self-paced learning, Redwood learner pages and 24D catalog management in Learning setup, then attest.', r.message),
        checks: [
          refused('probe', l10n.t('Self-paced items readable'), r, l10n.t('This does not mean self-paced learning is off.')),
          info('redwood', l10n.t('Redwood UX and 24D catalog'), l10n.t('No API reads these settings: confirm them and attest.'), 'documented'),
        ],
        evidence: refusalEvidence([r]) ?? {},
      };
    }
    return {
      status: 'needs-action',
      detail: l10n.t('learningSelfPacedItems answers (a weak sign that self-paced learning is on). Confirm the Redwood learner and catalog settings, then attest.'),
      checks: [
        pass('probe', l10n.t('Self-paced items readable'), l10n.t('GET learningSelfPacedItems?limit=1 succeeded (inference: the feature is enabled).'), 'inferred'),
        info('redwood', l10n.t('Redwood UX and 24D catalog'), l10n.t('No API reads these settings: confirm them and attest.'), 'documented'),
      ],
    };
  },
};

/**
 * The client of the integration user, when this machine can act as it (the verification kit, or the
 * OAuth application): made once per context (reading the kit and signing its token is local work,
 * done while the engine's sign-in request is in flight, see `prepare`).
 */
function providerClient(ctx: StepContext): Promise<{ client: OracleClient; how: string } | undefined> {
  return ctx.once('provider-client', () => makeProviderClient(ctx));
}

/** Prepares the read as the integration user (the kit read, its token signed): no request. */
function prepareProviderClient(ctx: StepContext): Promise<void> {
  return providerClient(ctx).then(
    () => undefined,
    () => undefined,
  );
}

async function makeProviderClient(ctx: StepContext): Promise<{ client: OracleClient; how: string } | undefined> {
  if (ctx.plan.auth === 'jwt') {
    const kit = await loadKit(ctx.planDir, ctx.environment);
    if (!kit) return undefined;
    const token = await signOracleJwt({ privateKeyPem: kit.privateKeyPem, certificatePem: kit.certificatePem, issuer: kit.issuer, userName: ctx.plan.integrationUser.userName });
    return { client: ctx.withBearer(token), how: `as ${ctx.plan.integrationUser.userName}, with a JWT of the api-authentication verification kit (test issuer "${kit.issuer}")` };
  }
  const secret = ctx.credentials.providerClient;
  if (ctx.plan.auth === 'oauth' && ctx.plan.oauth && secret) {
    const o = ctx.plan.oauth;
    return { client: ctx.withOAuth({ kind: 'oauth', tokenUrl: o.tokenUrl, clientId: secret.clientId || o.clientId, clientSecret: secret.clientSecret, scope: o.scope }), how: `as the OAuth application ${o.clientId}` };
  }
  return undefined;
}

export type ProviderRead = { how: string } & ({ ok: true; listing: ProviderListing } | { ok: false; error: unknown });

/**
 * digitalLearningProviders read as the integration user, once per status: the api-authentication
 * verification call, the OAuth token check and the external-provider fallback (when the
 * administrator lacks the provider duty) share this one request.
 */
export function readAsProvider(ctx: StepContext): Promise<ProviderRead | undefined> {
  return ctx.once('digital-learning-providers:as-provider', async () => {
    const provider = await providerClient(ctx);
    if (!provider) return undefined;
    const aliases = ctx.state.probe?.fieldAliases?.digitalLearningProviders;
    try {
      return { how: provider.how, ok: true, listing: await readDigitalLearningProviders(provider.client, { signal: ctx.signal, ...(aliases ? { aliases } : {}) }) };
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      return { how: provider.how, ok: false, error };
    }
  });
}

type ProviderListing = Listing<ProviderView, ProviderField>;

/**
 * digitalLearningProviders as the administrator, or, when the administrator is refused (Oracle
 * grants it only through the provider duty), as the integration user the provider will act as.
 */
async function readProviders(ctx: StepContext): Promise<{ ok: true; listing: ProviderListing; via?: string; adminRefusal?: Refusal } | { ok: false; refusals: Refusal[] }> {
  const aliases = ctx.state.probe?.fieldAliases?.digitalLearningProviders;
  const read = (c: OracleClient) => readOrRefusal('digital-learning-providers', () => readDigitalLearningProviders(c, { signal: ctx.signal, ...(aliases ? { aliases } : {}) }));
  const asAdmin = await read(ctx.client);
  if (asAdmin.ok) return { ok: true, listing: asAdmin.value };
  if (asAdmin.refusal.kind !== 'forbidden') return { ok: false, refusals: [asAdmin.refusal] };
  const asProvider = await readAsProvider(ctx);
  if (!asProvider) return { ok: false, refusals: [asAdmin.refusal] };
  if (asProvider.ok) return { ok: true, listing: asProvider.listing, via: asProvider.how, adminRefusal: asAdmin.refusal };
  const refusal = refusalOf(asProvider.error, 'digital-learning-providers');
  return { ok: false, refusals: refusal ? [asAdmin.refusal, refusal] : [asAdmin.refusal] };
}

/** Configure External Providers: no API; the provider showing in digitalLearningProviders is indirect evidence [INF]. */
export const externalProvider: StepBehaviour = {
  prepare: prepareProviderClient,
  async check(ctx): Promise<CheckOutcome> {
    const name = ctx.profile.provider.oracleProviderName;
    const settings = info('settings', l10n.t('Catalog profile, visibility and mappings'), l10n.t('No API reads them: confirm and attest.'), 'documented');
    const todo = `Configure ${name} on Configure External Providers (user ${ctx.plan.integrationUser.userName}, catalog profile "${ctx.plan.catalogProfile}", visibility "${ctx.plan.visibility}", attribute mappings), validate, then attest.`;
    const read = await readProviders(ctx);
    if (!read.ok) {
      const [first, second] = read.refusals;
      const checks = [
        refused('listed', l10n.t('Provider configured'), first!, second ? `Read as the integration user too: ${second.message}` : first!.kind === 'forbidden' ? 'Apply api-authentication (JWT) or store the OAuth client secret so that it can be read as the integration user.' : ''),
        settings,
      ];
      return { status: 'needs-action', detail: l10n.t('Whether {0} is configured could not be read ({1}) {2}', name, first!.message, todo), checks, evidence: refusalEvidence(read.refusals) ?? {} };
    }
    const { listing, via } = read;
    const viaCheck = via ? [info('read-as', l10n.t('Read as the integration user'), l10n.t('The administrator is refused digitalLearningProviders (it needs the provider duty): read {0}.', via), 'documented')] : [];
    if (listing.shape.missing.length) {
      const fields = listing.shape.missing.map((f) => expectedNames(PROVIDER_SHAPE[f])).join(', ');
      return {
        status: 'needs-action',
        detail: l10n.t('The pod answered digitalLearningProviders in a shape we did not expect (no {0}), so whether {1} is configured cannot be told. {2}', fields, name, todo),
        checks: [
          ...viaCheck,
          unknown('listed', l10n.t('Provider configured'), l10n.t('GET {0} answered in a shape we did not expect: no field {1} (Oracle does not publish its fields). A redacted sample is in the evidence; run oli probe and report it.', DIGITAL_LEARNING_PROVIDERS_PATH, fields), 'inferred'),
          settings,
        ],
        evidence: { unexpectedShape: { resource: 'digitalLearningProviders', missing: listing.shape.missing, sample: listing.shape.sample } },
      };
    }
    const mine = listing.items.find((p) => (p.name ?? '').toLowerCase() === name.toLowerCase());
    if (!mine) {
      return {
        status: 'needs-action',
        detail: l10n.t('{0} is not listed in digitalLearningProviders: it has not been configured (or validated) on Configure External Providers.', name),
        checks: [...viaCheck, fail('listed', l10n.t('Provider configured'), l10n.t('{0} provider(s) listed, none named {1}.', listing.items.length, name), 'inferred'), settings],
        refutesAttestation: true,
      };
    }
    const checks: SubCheck[] = [...viaCheck, pass('listed', l10n.t('Provider configured'), l10n.t('{0} is listed (provider {1}).', name, mine.id ?? '?'), 'inferred')];
    if (mine.userName !== undefined) {
      checks.push(
        mine.userName.toLowerCase() === ctx.plan.integrationUser.userName.toLowerCase()
          ? pass('user', l10n.t('Integration user'), l10n.t('Uses {0}.', mine.userName), 'inferred')
          : fail('user', l10n.t('Integration user'), l10n.t('Uses {0}; the plan says {1}.', mine.userName, ctx.plan.integrationUser.userName), 'inferred'),
      );
    }
    checks.push(settings);
    const wrongUser = checks.some((c) => c.outcome === 'fail');
    return {
      status: wrongUser ? 'failed' : 'needs-action',
      detail: wrongUser ? `${name} is configured with another user than the plan's integration user.` : `${name} is configured. Confirm catalog profile "${ctx.plan.catalogProfile}", visibility "${ctx.plan.visibility}" and the attribute mappings, then attest.`,
      checks,
      evidence: { providerId: mine.id ?? null, ...(listing.shape.aliases.name ? { fieldNames: listing.shape.aliases } : {}) },
      refutesAttestation: wrongUser,
    };
  },
};

/** API Authentication (jwt): guided, with a real verification through a temporary test issuer. */
export const apiAuthentication: StepBehaviour = {
  prepare: prepareProviderClient,
  async check(ctx) {
    if (ctx.plan.auth !== 'jwt' || !ctx.plan.jwt) return { status: 'not-applicable', detail: l10n.t('Only the JWT variant uses API Authentication.'), checks: [] };
    const checks = [info('no-api', l10n.t('No Oracle API'), l10n.t('Register issuer "{0}" and the provider certificate in the Security Console, then attest.', ctx.plan.jwt.issuer), 'documented')];
    const kit = await loadKit(ctx.planDir, ctx.environment);
    if (!kit) {
      checks.push(info('verification', l10n.t('Verification call'), l10n.t('Optional: apply this step to create a test issuer and certificate; register them too and re-check to prove the path with a real call.'), 'documented'));
      return { status: 'needs-action', detail: l10n.t('Register the trusted issuer and the certificate under API Authentication, then attest.'), checks };
    }
    // Any 200 proves the path; the fields of the answer do not matter here (the read is shared with external-provider).
    const read = await readAsProvider(ctx);
    if (read?.ok) {
      checks.push(
        pass(
          'verification',
          l10n.t('Verification call'),
          l10n.t('A JWT signed as {0} under the test issuer "{1}" got 200 from digitalLearningProviders: user, role and API Authentication work.', ctx.plan.integrationUser.userName, kit.issuer),
          'documented',
        ),
      );
      return {
        status: 'needs-action',
        detail: l10n.t('Verified with the test issuer "{0}". Confirm the provider\'s own issuer and certificate are registered the same way, then attest (and remove the test issuer).', kit.issuer),
        checks,
        evidence: { verification: { issuer: kit.issuer, alias: kit.alias, x5t: kit.x5t, result: 200 } },
      };
    }
    const err = read?.ok === false ? read.error : undefined;
    const status = err instanceof OracleError ? err.status : undefined;
    if (status === 401)
      checks.push(
        fail(
          'verification',
          l10n.t('Verification call'),
          l10n.t('401: the pod does not accept the test issuer "{0}" with certificate alias {1} (x5t {2}) for {3}. Register them under API Authentication, check the user is active.', kit.issuer, kit.alias, kit.x5t, ctx.plan.integrationUser.userName),
          'documented',
        ),
      );
    else if (status === 403) checks.push(fail('verification', l10n.t('Verification call'), l10n.t('403: authenticated, but {0} lacks the Learning Content Provider duty (check the job role).', ctx.plan.integrationUser.userName), 'documented'));
    else checks.push(unknown('verification', l10n.t('Verification call'), describeError(err), 'inferred'));
    return {
      status: 'needs-action',
      detail: status === 403 ? 'API Authentication works, but the integration user lacks the duty.' : 'The verification call did not succeed; see the verification check.',
      checks,
    };
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
