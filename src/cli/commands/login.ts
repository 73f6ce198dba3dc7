import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminCertificateFileName, adminKeyValue, createAdminKey, defaultAdminIssuer, JwtTokenSource, registrationGuidance, type StoredAdminKey } from '../../core/auth/adminKey';
import { SIGN_IN_METHODS, signInLine, summarizeSignIn } from '../../core/auth/methods';
import { newSession, oauthCredential, oauthSessionValue, OAuthTokenSource, sessionMatches } from '../../core/auth/oauthSession';
import { jwtCredential } from '../../core/auth/adminKey';
import { writeFileAtomic } from '../../core/io/writeAtomic';
import type { AdminCredential } from '../../core/model/credentials';
import { adminAuth, clientFor } from '../../core/plan/context';
import { testConnection } from '../../core/plan/engine';
import { environmentAuth, formatIssues, parsePlan, planFileSchema, type EnvironmentAuth, type PlanFile } from '../../core/plan/planFile';
import { STATE_DIR } from '../../core/plan/stateStore';
import { printable } from '../../core/text/printable';
import { OracleError } from '../../oracle/errors';
import { authorizeUrl, createPkce, IdentityDomainClient, type TokenSet } from '../../oracle/oauthPkce';
import { findUserByUserName } from '../../oracle/scimUsers';
import { identityDomainSettings } from '../credentials';
import { ExitCode, UsageError } from '../errors';
import type { CliIO } from '../io';
import { openBrowser, startLoopback } from '../loopback';
import { cliSignInStore, type DescribedStore } from '../signInStore';
import { actorName, loadPlanFor, networkOptions, PLAN_OPTIONS, TIMEOUT_HELP, traceLogger, type LoadedPlan } from './planCommon';
import type { CliCommand } from './registry';

const METHODS_HELP = SIGN_IN_METHODS.map((m, i) => `  ${i + 1}. ${m.label}: ${m.detail}`).join('\n');

/** Rewrites the environment's `auth` in the plan file itself (the rest of the file is kept as written), after validating the result. */
async function savePlanAuth(loaded: LoadedPlan, auth: EnvironmentAuth): Promise<PlanFile> {
  const text = await readFile(loaded.planPath, 'utf8');
  const json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { environments: Record<string, Record<string, unknown>> };
  json.environments[loaded.environment] = { ...json.environments[loaded.environment], auth };
  const next = JSON.stringify(json, null, 2) + '\n';
  const checked = planFileSchema.safeParse(JSON.parse(next));
  if (!checked.success) throw new UsageError(`The plan would not be valid with this sign-in: ${formatIssues(checked.error)}.`);
  await writeFileAtomic(loaded.planPath, next);
  return parsePlan(next, loaded.planPath);
}

function when(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : 'unknown';
}

/** Waits for a line on standard input (Enter), or its end. */
function waitForEnter(io: CliIO): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = io.stdinStream();
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', finish);
      stream.off('error', finish);
      io.signal.removeEventListener('abort', onAbort);
      stream.pause();
      (stream as { unref?: () => void }).unref?.();
    };
    const finish = () => {
      cleanup();
      resolve();
    };
    const onData = (d: Buffer) => {
      if (d.includes(0x0a) || d.includes(0x0d)) finish();
    };
    const onAbort = () => {
      cleanup();
      reject(io.signal.reason instanceof Error ? io.signal.reason : new Error('cancelled'));
    };
    if (io.signal.aborted) return onAbort();
    io.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', finish);
    stream.once('error', finish);
    stream.resume();
  });
}

/**
 * One call as the new sign-in (the administrator's own SCIM user): 'proven' when the pod accepts it
 * (a 403 too: only a signed-in caller is told it lacks a privilege), else the error.
 */
async function prove(loaded: LoadedPlan, admin: AdminCredential, values: Record<string, unknown>, io: CliIO): Promise<{ ok: true; note?: string } | { ok: false; error: OracleError | Error }> {
  const onLog = traceLogger(values, io);
  const client = clientFor(loaded.plan, loaded.planDir, loaded.environment, adminAuth(loaded.environment, { admin }), { ...networkOptions(values, io), ...(onLog ? { onLog } : {}) });
  try {
    await findUserByUserName(client, admin.username, { signal: io.signal });
    return { ok: true };
  } catch (err) {
    if (err instanceof OracleError && err.status === 403) return { ok: true, note: `the pod accepted the sign-in but ${admin.username} may not read SCIM Users (403): some steps will say which role is missing` };
    return { ok: false, error: err as Error };
  } finally {
    client.close();
  }
}

async function loginOAuth(loaded: LoadedPlan, auth: Extract<EnvironmentAuth, { method: 'oauth' }>, values: Record<string, unknown>, io: CliIO, store: DescribedStore): Promise<number> {
  const onLog = traceLogger(values, io);
  const domain = new IdentityDomainClient(auth.identityDomain, auth.clientId, identityDomainSettings(loaded, { ...networkOptions(values, io), ...(onLog ? { onLog } : {}) }));
  let tokens: TokenSet;
  let grant: 'authorization-code' | 'device-code';
  try {
    if (values.device) {
      const offered = await domain.discover(io.signal);
      if (offered && !offered.device_authorization_endpoint && !(offered.grant_types_supported ?? []).includes('urn:ietf:params:oauth:grant-type:device_code')) {
        throw new UsageError(`The identity domain ${auth.identityDomain} does not offer the device code flow (its discovery document names no device endpoint). Sign in through the browser: oli login --env ${loaded.environment}`);
      }
      const d = await domain.startDevice(auth.scope, io.signal);
      io.stdout(`To sign in to "${loaded.environment}", open ${d.verification_uri} in any browser and enter the code ${d.user_code}\n`);
      if (d.verification_uri_complete) io.stdout(`(or open ${d.verification_uri_complete})\n`);
      io.stdout(`Waiting for you to sign in (the code is valid ${Math.round(d.expires_in / 60)} minutes; Ctrl+C to stop)…\n`);
      tokens = await domain.pollDevice(d, (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}), io.signal);
      grant = 'device-code';
    } else {
      const pkce = createPkce();
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port is a port number from 0 to 65535 (0: any free port).');
      const loopback = await startLoopback(pkce.state, port, io.signal);
      try {
        const url = authorizeUrl({ identityDomain: auth.identityDomain, clientId: auth.clientId, redirectUri: loopback.redirectUri, scope: auth.scope, pkce });
        io.stdout(`Sign in to "${loaded.environment}" with the identity domain ${auth.identityDomain} in your browser.\n`);
        const opened = values['no-browser'] ? false : await openBrowser(url, io.env);
        io.stdout(opened ? `If the browser did not open, open this URL:\n${url}\n` : `No browser could be opened here: open this URL in a browser on this machine:\n${url}\n(On another machine, use the device code flow instead: oli login --env ${loaded.environment} --device)\n`);
        io.stdout(`Waiting for the browser to come back to ${loopback.redirectUri} (5 minutes; Ctrl+C to stop)…\n`);
        const answer = await loopback.result;
        if (!answer.ok) {
          const why = answer.error === 'access_denied' ? 'you declined it on the sign-in page' : `${answer.error}${answer.description ? `: ${answer.description}` : ''}`;
          io.stderr(`oli: the identity domain did not sign you in (${printable(why)}). Nothing was stored.\n`);
          return ExitCode.usage;
        }
        tokens = await domain.exchangeCode(answer.code, loopback.redirectUri, pkce.verifier, io.signal);
        grant = 'authorization-code';
      } finally {
        loopback.close();
      }
    }
  } finally {
    domain.close();
  }
  const session = newSession({ environment: loaded.environment, url: loaded.url, auth, tokens, grant });
  const stored = oauthSessionValue(store, loaded.environment, loaded.url);
  const credential = oauthCredential(new OAuthTokenSource(session, stored, () => new IdentityDomainClient(auth.identityDomain, auth.clientId, identityDomainSettings(loaded)), { signInAgain: '' }), '');
  const proof = await prove(loaded, credential, values, io);
  if (!proof.ok) {
    const e = proof.error;
    const refused = e instanceof OracleError && e.status === 401;
    io.stderr(
      `oli: signed in at the identity domain as ${session.userName}, but ${refused ? 'the pod refused the access token' : 'the pod could not be asked'} (${printable(e instanceof OracleError ? e.userMessage() : e.message)}). ${refused ? "Check that the pod trusts this identity domain's tokens for the scope in the plan (the Fusion resource application's scope). " : ''}Nothing was stored.\n`,
    );
    return ExitCode.usage;
  }
  await stored.write(session);
  const summary = summarizeSignIn(credential)!;
  io.stdout(`Signed in to "${loaded.environment}" as ${signInLine(summary)}.\n`);
  if (!session.refreshToken) io.stdout('No refresh token was issued (add offline_access to the scope in the plan): sign in again when the token ends.\n');
  if (proof.note) io.stdout(`Note: ${proof.note}.\n`);
  io.stdout(`The session is kept in ${store.describe()}, never in the workspace. Sign out with: oli logout --env ${loaded.environment}\n`);
  return ExitCode.ok;
}

async function writeCertificate(loaded: LoadedPlan, key: StoredAdminKey): Promise<string> {
  const dir = join(loaded.planDir, STATE_DIR);
  await mkdir(dir, { recursive: true });
  const path = join(dir, adminCertificateFileName(loaded.environment, key.userName));
  await writeFile(path, key.certificatePem, 'utf8');
  return path;
}

async function loginJwt(loaded: LoadedPlan, auth: Extract<EnvironmentAuth, { method: 'jwt' }>, values: Record<string, unknown>, io: CliIO, store: DescribedStore): Promise<number> {
  const stored = adminKeyValue(store, loaded.environment, loaded.url);
  const existing = await stored.read();
  const userName = (values.user as string | undefined) ?? existing?.userName ?? io.env.OLI_USERNAME;
  if (!userName) throw new UsageError(`Give your user name on the pod: oli login --env ${loaded.environment} --jwt --user NAME (tokens signed with your key act as that user).`);
  const issuer = (values.issuer as string | undefined) ?? auth.issuer ?? defaultAdminIssuer(userName);
  let key = existing;
  const reusable = existing && existing.userName === userName && existing.issuer === issuer && Date.parse(existing.notAfter) > Date.now() + 86_400_000 && !values['new-key'];
  if (!reusable) {
    key = createAdminKey({ environment: loaded.environment, url: loaded.url, userName, issuer });
    await stored.write(key);
  }
  key = key!;
  const certificate = await writeCertificate(loaded, key);
  const shown = relative(io.cwd, certificate) || certificate;
  if (!key.provenAt) {
    const guide = registrationGuidance(key, shown);
    io.stdout(`${reusable ? 'Resuming' : 'Created'} a key pair for ${userName} on "${loaded.environment}"; its certificate (public) is ${shown}.\n`);
    io.stdout(`Register it in Oracle (${loaded.url}${guide.deepLink!.path}, then ${guide.deepLink!.navigation}):\n`);
    guide.checklist.forEach((c, i) => io.stdout(`  ${i + 1}. ${c}\n`));
    io.stdout(`Write down: ${guide.record.join(', ')}.\n`);
    if (values['no-wait']) {
      io.stdout(`The key is kept (${store.describe()}). Once it is saved in Oracle, prove it: oli login --env ${loaded.environment} --jwt\n`);
      return ExitCode.problem;
    }
    io.stdout('Press Enter once it is saved (Ctrl+C to stop: the key is kept, run the same command later)… ');
    await waitForEnter(io);
    io.stdout('\n');
  }
  const credential = jwtCredential(new JwtTokenSource(key), '');
  const proof = await prove(loaded, credential, values, io);
  if (!proof.ok) {
    const e = proof.error;
    const refused = e instanceof OracleError && e.status === 401;
    io.stderr(
      refused
        ? `oli: the pod refused a token signed with this key (${printable(e.userMessage())}). The registration is not in place yet, or its trusted issuer or certificate differ (issuer ${key.issuer}, alias ${key.alias}, ${shown}); ${userName} must exist and be active. The key is kept: fix the registration, then run: oli login --env ${loaded.environment} --jwt\n`
        : `oli: ${printable(e instanceof OracleError ? e.userMessage() : e.message)} The key is kept: run oli login --env ${loaded.environment} --jwt again.\n`,
    );
    return ExitCode.usage;
  }
  await stored.write({ ...key, provenAt: new Date().toISOString() });
  io.stdout(`Signed in to "${loaded.environment}" as ${signInLine(summarizeSignIn(credential)!)}: tokens of 5 minutes are signed on demand.\n`);
  if (proof.note) io.stdout(`Note: ${proof.note}.\n`);
  io.stdout(`The private key is kept in ${store.describe()}, never in the workspace. Sign out with: oli logout --env ${loaded.environment} (then remove the alias ${key.alias} from API Authentication).\n`);
  return ExitCode.ok;
}

async function loginBasic(loaded: LoadedPlan, values: Record<string, unknown>, io: CliIO): Promise<number> {
  io.stdout(`"${loaded.environment}" signs in with a user name and password (Basic): the least preferred way. Better ways, most preferred first:\n${METHODS_HELP}\n`);
  io.stdout(`  OAuth: oli login --env ${loaded.environment} --identity-domain https://idcs-….identity.oraclecloud.com --client-id ID --scope "urn:opc:resource:fa:instanceid=<id>urn:opc:resource:consumer::all offline_access"\n  JWT:   oli login --env ${loaded.environment} --jwt --user YOUR_USER_NAME\n`);
  if (!io.env.OLI_USERNAME || !io.env.OLI_PASSWORD) {
    io.stdout('For Basic, the CLI reads OLI_USERNAME and OLI_PASSWORD from the environment (it never stores a password).\n');
    return ExitCode.usage;
  }
  const r = await testConnection(loaded.plan, loaded.planDir, loaded.environment, { admin: { kind: 'basic', username: io.env.OLI_USERNAME, password: io.env.OLI_PASSWORD } }, { signal: io.signal, actor: actorName(io), ...networkOptions(values, io) });
  if (!r.ok) {
    io.stderr(`oli: ${printable(r.error instanceof OracleError ? r.error.userMessage() : r.error.message)}\n`);
    return ExitCode.usage;
  }
  io.stdout(`The pod accepts ${r.user} with the password in OLI_PASSWORD.\n`);
  return ExitCode.ok;
}

async function status(loaded: LoadedPlan, io: CliIO, store: DescribedStore): Promise<number> {
  for (const env of Object.keys(loaded.plan.environments)) {
    const url = loaded.plan.environments[env]!.url;
    const auth = environmentAuth(loaded.plan, env);
    let line: string;
    if (auth.method === 'oauth') {
      const s = await oauthSessionValue(store, env, url).read();
      line = !s
        ? `OAuth with the identity domain ${auth.identityDomain}: not signed in (oli login --env ${env})`
        : !sessionMatches(s, auth)
          ? 'OAuth: the session was made for another identity domain, client or scope: sign in again'
          : `OAuth with the identity domain ${s.identityDomain}: ${s.userName}, token until ${when(s.expiresAt)}${s.refreshToken ? ', renewed by itself with its refresh token' : ', no refresh token'}`;
    } else if (auth.method === 'jwt') {
      const k = await adminKeyValue(store, env, url).read();
      line = !k
        ? `JWT with your own key: not signed in (oli login --env ${env} --jwt --user NAME)`
        : `JWT with your own key: ${k.userName}, trusted issuer ${k.issuer}, alias ${k.alias}, ${k.provenAt ? `proven ${when(k.provenAt)}` : 'registration not proven yet'}, certificate valid until ${when(k.notAfter)}`;
    } else {
      line = `Basic (least preferred): ${io.env.OLI_USERNAME && io.env.OLI_PASSWORD ? `OLI_USERNAME=${io.env.OLI_USERNAME}` : 'OLI_USERNAME / OLI_PASSWORD not set'}`;
    }
    io.stdout(`${env.padEnd(16)} ${url}\n${' '.repeat(17)}${printable(line)}\n`);
  }
  io.stdout(`Sign-ins are kept in ${store.describe()}.\n`);
  return ExitCode.ok;
}

export const loginCommand: CliCommand = {
  name: 'login',
  summary: 'Sign in to an environment (OAuth with its identity domain, your own JWT key, or Basic)',
  help: `Usage: oli login [--env NAME] [--plan FILE] [options]

Signs the administrator in to an environment the way its plan entry says ("auth"), and keeps the
session in the OS keyring (else a 0600 file under your configuration folder), never in the
workspace. Ways to sign in, offered in this order:
${METHODS_HELP}

OAuth (authorization code with PKCE, through your browser and a redirect to 127.0.0.1):
  --identity-domain URL --client-id ID [--scope S]   set the environment's "auth" in the plan and sign in
  --no-browser        do not try to open a browser: print the URL to open
  --port N            the loopback port of the redirect (default: any free port; register
                      http://127.0.0.1/callback, or this port if your domain needs an exact URL)
  --device            the device code flow instead (sign in on any device), where the domain offers it
JWT with your own key (registered under Security Console > API Authentication):
  --jwt --user NAME [--issuer ISSUER]   make a key pair and certificate, guide the registration,
                      prove it with one call, then sign short-lived tokens as NAME
  --no-wait           print the registration and stop; run the same command again to prove it
  --new-key           replace the key (register the new certificate again)
Basic: --basic      set "auth" to Basic (OLI_USERNAME / OLI_PASSWORD, never stored)
--status            how each environment is signed in, and until when (no request)

Sign out with 'oli logout --env NAME'. Exit 0 signed in; 1 waiting for the registration (--no-wait);
2 not signed in (refused, declined, usage).
${TIMEOUT_HELP}`,
  options: {
    ...PLAN_OPTIONS,
    jwt: { type: 'boolean' },
    basic: { type: 'boolean' },
    'identity-domain': { type: 'string' },
    'client-id': { type: 'string' },
    scope: { type: 'string' },
    user: { type: 'string' },
    issuer: { type: 'string' },
    'no-browser': { type: 'boolean' },
    device: { type: 'boolean' },
    port: { type: 'string' },
    'no-wait': { type: 'boolean' },
    'new-key': { type: 'boolean' },
    status: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (positionals.length) throw new UsageError(`oli login takes no arguments (got '${printable(positionals[0]!)}'). Run 'oli login --help'.`);
    let loaded = await loadPlanFor(values, io);
    const store = await cliSignInStore(io.env);
    if (values.status) return status(loaded, io, store);
    const chosen = [values.jwt, values.basic, values['identity-domain'] !== undefined || values['client-id'] !== undefined].filter(Boolean).length;
    if (chosen > 1) throw new UsageError('Choose one way to sign in: --identity-domain/--client-id (OAuth), --jwt, or --basic.');
    let auth = environmentAuth(loaded.plan, loaded.environment);
    let next: EnvironmentAuth | undefined;
    if (values['identity-domain'] !== undefined || values['client-id'] !== undefined) {
      const current = auth.method === 'oauth' ? auth : undefined;
      const identityDomain = (values['identity-domain'] as string | undefined) ?? current?.identityDomain;
      const clientId = (values['client-id'] as string | undefined) ?? current?.clientId;
      const scope = (values.scope as string | undefined) ?? current?.scope;
      if (!identityDomain || !clientId || !scope) throw new UsageError('OAuth needs --identity-domain URL, --client-id ID and --scope "…" (the Fusion resource application\'s scope, with offline_access for a refresh token).');
      next = { method: 'oauth', identityDomain: identityDomain.replace(/\/+$/, ''), clientId, scope };
    } else if (values.jwt) {
      const issuer = (values.issuer as string | undefined) ?? (auth.method === 'jwt' ? auth.issuer : undefined);
      next = { method: 'jwt', ...(issuer ? { issuer } : {}) };
    } else if (values.basic) next = { method: 'basic' };
    if (next && JSON.stringify(next) !== JSON.stringify(loaded.plan.environments[loaded.environment]!.auth ?? { method: 'basic' })) {
      loaded = { ...loaded, plan: await savePlanAuth(loaded, next) };
      io.stdout(`The plan now signs "${loaded.environment}" in with ${next.method === 'oauth' ? 'OAuth' : next.method === 'jwt' ? 'a JWT signed with your own key' : 'Basic'} (no secret in the plan).\n`);
    }
    auth = environmentAuth(loaded.plan, loaded.environment);
    if (auth.method === 'oauth') return loginOAuth(loaded, auth, values, io, store);
    if (auth.method === 'jwt') return loginJwt(loaded, auth, values, io, store);
    return loginBasic(loaded, values, io);
  },
};

export const logoutCommand: CliCommand = {
  name: 'logout',
  summary: 'Sign out of an environment: forget its OAuth session and private key',
  help: `Usage: oli logout [--env NAME] [--plan FILE]

Forgets the OAuth session (access and refresh tokens) and the private key that 'oli login' kept
for the environment (OS keyring or 0600 file). For a key, also remove its certificate alias from
Security Console > API Authentication. A Basic password is never stored by the CLI.`,
  options: { env: PLAN_OPTIONS.env, plan: PLAN_OPTIONS.plan, verbose: PLAN_OPTIONS.verbose },
  async run(values, positionals, io) {
    if (positionals.length) throw new UsageError(`oli logout takes no arguments (got '${printable(positionals[0]!)}').`);
    const loaded = await loadPlanFor(values, io);
    const store = await cliSignInStore(io.env);
    const session = oauthSessionValue(store, loaded.environment, loaded.url);
    const key = adminKeyValue(store, loaded.environment, loaded.url);
    const s = await session.read();
    const k = await key.read();
    await session.remove();
    await key.remove();
    if (!s && !k) {
      io.stdout(`Nothing to forget: "${loaded.environment}" has no OAuth session or key kept here.\n`);
      return ExitCode.ok;
    }
    if (s) io.stdout(`Signed out of "${loaded.environment}": the OAuth session of ${s.userName} is forgotten (its refresh token is no longer kept here).\n`);
    if (k) io.stdout(`The private key of ${k.userName} on "${loaded.environment}" is forgotten. Remove the certificate alias ${k.alias} (trusted issuer ${k.issuer}) from Security Console > API Authentication too.\n`);
    return ExitCode.ok;
  },
};
