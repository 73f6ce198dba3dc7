import { inspectCertificates } from '../../inspect/certificates';
import { MAX_DOCUMENT_BYTES } from '../../inspect/errors';
import { readFileCapped } from '../../io/readCapped';
import { refusalOf } from '../../../oracle/privileges';
import { OracleError } from '../../../oracle/errors';
import { describeError, type StepContext } from '../context';
import { certificateOf } from '../planFile';
import type { SubCheck } from '../result';
import { fail, info, pass, unknown, warn, type CheckOutcome, type StepBehaviour } from './behaviour';
import { readAsProvider } from './guided';
import * as l10n from '@vscode/l10n';

/** Reads a regular file named in the plan, refusing it once past the inspector's 10 MB limit (a device such as /dev/zero is refused). */
function readLimited(path: string, what: string): Promise<Buffer> {
  return readFileCapped(path, MAX_DOCUMENT_BYTES, { what, regularOnly: true });
}

/** Characters that make an issuer differ from what the provider sends while looking the same. */
const INVISIBLE = /[\u0000-\u001f\u007f\u00a0\u200b-\u200f\u2028\u2029\u202f\u2060\ufeff]/;

export function issuerFindings(issuer: string): SubCheck[] {
  const out: SubCheck[] = [];
  if (issuer !== issuer.trim()) out.push(fail('issuer-whitespace', l10n.t('Issuer has no stray whitespace'), l10n.t('"{0}" starts or ends with whitespace; Oracle compares the issuer exactly.', issuer), 'documented'));
  if (INVISIBLE.test(issuer)) out.push(fail('issuer-invisible', l10n.t('Issuer has no invisible characters'), l10n.t('The issuer holds a control, non-breaking or zero-width character (copied from a document?). Retype it.'), 'documented'));
  if (/\s{2,}/.test(issuer.trim())) out.push(warn('issuer-spaces', l10n.t('Issuer spacing'), l10n.t('The issuer holds a run of spaces; check it against what the provider sent.'), 'documented'));
  if (!out.length) out.push(pass('issuer', l10n.t('Issuer'), l10n.t('"{0}" (compared exactly, case-sensitive, by Oracle).', issuer), 'documented'));
  return out;
}

/** The JWT variant's outcome, once per context. */
function jwtOutcome(ctx: StepContext): Promise<CheckOutcome> {
  return ctx.once('provider-credentials:jwt', () => checkJwt(ctx));
}

async function checkJwt(ctx: StepContext): Promise<CheckOutcome> {
  // This environment's certificate (its own after a rotation done there first), else the plan's.
  const jwt = { ...ctx.plan.jwt!, certificate: certificateOf(ctx.plan, ctx.environment) ?? ctx.plan.jwt!.certificate };
  const checks = issuerFindings(jwt.issuer);
  let evidence: Record<string, unknown> = { issuer: jwt.issuer };
  let certificatePem: Buffer | undefined;
  try {
    certificatePem = await readLimited(ctx.planRelative(jwt.certificate), `The certificate file ${jwt.certificate}`);
  } catch (err) {
    checks.push(fail('certificate-file', l10n.t('Certificate file'), l10n.t('Cannot read {0}: {1}. Save the provider\'s .cer there.', jwt.certificate, (err as Error).message), 'documented'));
  }
  if (certificatePem) {
    try {
      const report = inspectCertificates(certificatePem, ctx.inspection.certificateWarningDays !== undefined ? { warnDays: ctx.inspection.certificateWarningDays } : {});
      const first = report.certificates[0];
      if (!first) checks.push(fail('certificate', l10n.t('Certificate'), l10n.t('{0} holds no certificate.', jwt.certificate), 'documented'));
      else {
        evidence = { ...evidence, certificate: { subject: first.subject, notAfter: first.notAfter, sha1: first.sha1, x5t: first.x5t } };
        checks.push(
          first.keyType === 'RSA'
            ? pass('rsa', l10n.t('RSA key (RS256)'), l10n.t('{0} {1} bits.', first.keyType, first.keySize ?? '?'), 'documented')
            : fail('rsa', l10n.t('RSA key (RS256)'), l10n.t('The key is {0}; Oracle accepts only RS256, which needs RSA.', first.keyType), 'documented'),
        );
        const validity = `valid ${first.notBefore} to ${first.notAfter}`;
        if (first.status === 'valid') checks.push(pass('validity', l10n.t('Validity'), validity, 'documented'));
        else if (first.status === 'expiring') checks.push(warn('validity', l10n.t('Validity'), l10n.t('Expires in {0} days ({1}): ask the provider for the next certificate.', first.daysRemaining, first.notAfter), 'documented'));
        else checks.push(fail('validity', l10n.t('Validity'), l10n.t('{0}: {1}.', first.status, validity), 'documented'));
        checks.push(info('thumbprints', l10n.t('Thumbprints'), l10n.t('SHA-1 {0}; x5t {1}. Tokens must carry this x5t.', first.sha1, first.x5t), 'documented'));
        if (report.privateKey) checks.push(warn('private-key', l10n.t('No private key in the file'), l10n.t('The file also holds a private key: the provider should send only the public certificate.'), 'documented'));
      }
    } catch (err) {
      checks.push(fail('certificate', l10n.t('Certificate'), l10n.t('{0}: {1}', jwt.certificate, (err as Error).message), 'documented'));
    }
  }
  if (jwt.sampleToken) checks.push(...(await sampleTokenFindings(ctx, jwt.sampleToken, jwt.issuer, certificatePem)));
  const failed = checks.filter((c) => c.outcome === 'fail');
  return {
    status: failed.length ? 'failed' : 'done',
    detail: failed.length ? failed.map((c) => c.message).join(' ') : `Issuer "${jwt.issuer}" and the RSA certificate are ready to register under API Authentication.`,
    checks,
    evidence,
  };
}

async function sampleTokenFindings(ctx: StepContext, path: string, issuer: string, certificatePem: Buffer | undefined): Promise<SubCheck[]> {
  let token: string;
  try {
    token = (await readLimited(ctx.planRelative(path), `The sample token ${path}`)).toString('utf8').trim();
  } catch (err) {
    return [warn('sample-token', l10n.t('Sample token'), l10n.t('Cannot read {0}: {1}.', path, (err as Error).message), 'documented')];
  }
  const { inspectJwt } = await import('../../inspect/jwt');
  const report = await inspectJwt(token, {
    ...(certificatePem ? { certificate: certificatePem } : {}),
    issuer,
    user: ctx.plan.integrationUser.userName,
    ...(ctx.inspection.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: ctx.inspection.clockToleranceSeconds } : {}),
  });
  // A check that could not run (no certificate to verify the signature with) is unknown, not failed.
  return report.checks
    .filter((c) => ['iss', 'x5t-matches-certificate', 'signature', 'prn', 'sub', 'alg-allowed'].includes(c.id))
    .map((c) =>
      c.notChecked
        ? { id: `sample-${c.id}`, title: l10n.t('Sample token: {0}', c.id), outcome: 'unknown' as const, message: c.message, basis: 'documented' as const }
        : c.ok
          ? pass(`sample-${c.id}`, l10n.t('Sample token: {0}', c.id), c.message, 'documented')
          : fail(`sample-${c.id}`, l10n.t('Sample token: {0}', c.id), c.message, 'documented'),
    );
}

async function checkOAuth(ctx: StepContext): Promise<CheckOutcome> {
  const oauth = ctx.plan.oauth!;
  const checks: SubCheck[] = [];
  const tokenUrlOk = /^https:\/\/.+\/oauth2\/v1\/token$/.test(oauth.tokenUrl) || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?\/oauth2\/v1\/token$/.test(oauth.tokenUrl);
  checks.push(tokenUrlOk ? pass('token-url', l10n.t('Token URL'), oauth.tokenUrl, 'documented') : warn('token-url', l10n.t('Token URL'), l10n.t('{0} is not of the form https://<idcs-domain>/oauth2/v1/token.', oauth.tokenUrl), 'documented'));
  const scopeOk = /^urn:opc:resource:fa:instanceid=\d+urn:opc:resource:consumer::all$/.test(oauth.scope);
  checks.push(scopeOk ? pass('scope', l10n.t('Scope'), oauth.scope, 'documented') : fail('scope', l10n.t('Scope'), l10n.t('"{0}" is not urn:opc:resource:fa:instanceid=<n>urn:opc:resource:consumer::all.', oauth.scope), 'documented'));
  checks.push(...issuerFindings(oauth.clientId).map((c) => ({ ...c, id: c.id.replace('issuer', 'client-id'), title: c.title.replace('Issuer', 'Client ID'), message: c.message.replace('issuer', 'client ID') })));
  const secret = ctx.credentials.providerClient;
  if (!secret) {
    checks.push(info('token', l10n.t('Token request'), l10n.t('No client secret stored for this environment (OLI_CLIENT_SECRET, or "Set Credentials" in VS Code): the real token request was skipped.'), 'documented'));
    const failed = checks.some((c) => c.outcome === 'fail');
    return { status: failed ? 'failed' : 'needs-action', detail: failed ? 'The confidential application settings are wrong; see the checks.' : 'Store the client secret to test a real token request.', checks };
  }
  // The token request and one call as the application (shared with external-provider's read as the integration user).
  const read = await readAsProvider(ctx);
  if (read?.ok) checks.push(pass('token', l10n.t('Token request and call'), l10n.t('A client-credentials token was issued and accepted by digitalLearningProviders (the Learning Content Provider duty).'), 'documented'));
  else {
    const err = read?.ok === false ? read.error : undefined;
    const e = err instanceof OracleError ? err : undefined;
    if (e?.status === 403) checks.push(fail('token', l10n.t('Token request and call'), l10n.t('The token was accepted but the user behind the application lacks the Learning Content Provider duty.'), 'documented'));
    else if (e && refusalOf(e, 'digital-learning-providers')?.kind === 'shape') checks.push(unknown('token', l10n.t('Token request and call'), l10n.t('The token was accepted, but {0}', describeError(err)), 'inferred'));
    else checks.push(fail('token', l10n.t('Token request and call'), describeError(err), 'documented'));
  }
  const failed = checks.filter((c) => c.outcome === 'fail');
  return {
    status: failed.length ? 'failed' : 'done',
    detail: failed.length ? failed.map((c) => c.message).join(' ') : `The confidential application ${oauth.clientId} gets a token that Oracle accepts.`,
    checks,
    evidence: { clientId: oauth.clientId, tokenUrl: oauth.tokenUrl, scope: oauth.scope },
  };
}

/** The provider's credentials: the JWT issuer and certificate, or the OAuth confidential application. */
export const providerCredentials: StepBehaviour = {
  // The JWT variant reads and inspects local files only: done while the sign-in request is in flight.
  async prepare(ctx) {
    if (ctx.plan.auth === 'jwt' && ctx.plan.jwt) await jwtOutcome(ctx).catch(() => undefined);
  },
  async check(ctx) {
    if (ctx.plan.auth === 'jwt' && ctx.plan.jwt) return jwtOutcome(ctx);
    if (ctx.plan.auth === 'oauth' && ctx.plan.oauth) return checkOAuth(ctx);
    return { status: 'needs-action', detail: l10n.t('The plan has no "{0}" section.', ctx.plan.auth), checks: [] };
  },
};
