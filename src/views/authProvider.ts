/**
 * Signing the administrator in to a pod from VS Code, the ways the plan offers (issue 15):
 *
 * - OAuth with the pod's identity domain, authorization code + PKCE, as the VS Code
 *   `AuthenticationProvider` "Oracle Fusion (identity domain)": the browser opens with
 *   `vscode.env.openExternal`, the identity domain redirects to this extension's URI handler (the
 *   redirect URL comes from `vscode.env.asExternalUri`, so a browser-hosted VS Code such as
 *   code-server gets an https callback it can receive), the code is exchanged, and the session
 *   shows in the Accounts menu, where "Sign Out" forgets it.
 * - JWT with the administrator's own key, as the provider "Oracle Fusion (API authentication key)":
 *   a key pair and certificate, the guided registration under API Authentication, one proving call.
 *
 * Every command of every window uses the same sessions (SecretStorage, bound to the environment and
 * its pod; never in the workspace). A refused renewal forgets the session and asks once to sign in
 * again.
 */
import * as vscode from 'vscode';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { adminCertificateFileName, adminKeyValue, createAdminKey, defaultAdminIssuer, jwtCredential, JwtTokenSource, registrationGuidance, type StoredAdminKey } from '../core/auth/adminKey';
import { NotSignedInError } from '../core/auth/errors';
import { signInLine, summarizeSignIn, untilText } from '../core/auth/methods';
import { newSession, oauthCredential, oauthSessionValue, OAuthTokenSource, sessionMatches, type StoredOAuthSession } from '../core/auth/oauthSession';
import type { SignInSlot, SignInStore } from '../core/auth/signInStore';
import { podOrigin, type TokenAdminCredential } from '../core/model/credentials';
import { testConnection } from '../core/plan/engine';
import { environmentAuth, type EnvironmentAuth, type PlanFile, type SignInMethod } from '../core/plan/planFile';
import { STATE_DIR } from '../core/plan/stateStore';
import { OracleError } from '../oracle/errors';
import { authorizeUrl, createPkce, IdentityDomainClient, readCallback, type CallbackResult, type IdentityDomainSettings } from '../oracle/oauthPkce';
import { Disposable } from './disposable';
import { networkSettings } from './httpSettings';
import type { IntegrationModel } from './integrationModel';
import type { OliLog } from './logger';

export const OAUTH_PROVIDER_ID = 'oracle-fusion-identity-domain';
export const JWT_PROVIDER_ID = 'oracle-fusion-api-key';
/** The path of this extension's URI the identity domain redirects to. */
export const CALLBACK_PATH = '/did-authenticate';
const SIGN_IN_TIMEOUT_MS = 5 * 60_000;
const KEY_PATTERN = /^oracle-learning\/([A-Za-z0-9][A-Za-z0-9_.-]*)@(https?:\/\/[^/]+)\/(oauthSession|jwtKey)$/;

/** SecretStorage as the store of sign-ins (OAuth sessions, private keys). */
export class SecretStorageSignInStore implements SignInStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}
  async read(key: string): Promise<string | undefined> {
    return this.secrets.get(key);
  }
  async write(key: string, value: string): Promise<void> {
    await this.secrets.store(key, value);
  }
  async remove(key: string): Promise<void> {
    await this.secrets.delete(key);
  }
  async keys(): Promise<{ key: string; environment: string; origin: string; slot: SignInSlot }[]> {
    return (await this.secrets.keys()).flatMap((key) => {
      const m = KEY_PATTERN.exec(key);
      return m ? [{ key, environment: m[1]!, origin: m[2]!, slot: m[3] as SignInSlot }] : [];
    });
  }
}

/** Asked before proving a new key: has the administrator registered it? (replaceable in tests). */
export type RegistrationPrompt = (q: { environment: string; key: StoredAdminKey; certificatePath: string; checklist: string[]; securityConsole: string }) => Promise<boolean>;

const defaultRegistrationPrompt: RegistrationPrompt = async (q) => {
  const done = vscode.l10n.t('I registered it');
  const open = vscode.l10n.t('Open the Security Console');
  const show = vscode.l10n.t('Show the Certificate');
  for (;;) {
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('Register your key for "{0}" under API Authentication, then come back.', q.environment),
      { modal: true, detail: q.checklist.map((c, i) => `${i + 1}. ${c}`).join('\n') },
      done,
      open,
      show,
    );
    if (answer === done) return true;
    if (answer === open) await vscode.env.openExternal(vscode.Uri.parse(q.securityConsole));
    else if (answer === show) await vscode.window.showTextDocument(vscode.Uri.file(q.certificatePath), { preview: true });
    else return false;
  }
};

interface PendingSignIn {
  state: string;
  settle(r: CallbackResult): void;
}

/** What a signed-in environment looks like in the Accounts menu. */
function accountLabel(user: string, environment: string, origin: string, until: string): string {
  return `${user}: ${environment} (${new URL(origin).host})${until ? `, ${until}` : ''}`;
}

/**
 * The sign-ins of this window: both authentication providers, the URI handler of the OAuth
 * redirect, the token sources every command shares, sign in and sign out.
 */
export class SignInAccounts extends Disposable implements vscode.UriHandler {
  /** Replaceable (tests drive the identity domain's page themselves). */
  /**
   * Opens the identity domain's page (replaceable: tests drive the page themselves). The URL goes
   * as a string: VS Code keeps its encoding then (a parsed Uri would decode the `&` of an encoded
   * redirect URL in the query and break it).
   */
  openBrowser: (url: string) => Promise<boolean> = (url) => Promise.resolve(vscode.env.openExternal(url as unknown as vscode.Uri));
  /** Replaceable (tests answer without a modal dialog). */
  confirmRegistration: RegistrationPrompt = defaultRegistrationPrompt;
  readonly oauth: OracleAuthenticationProvider;
  readonly jwt: OracleAuthenticationProvider;
  private readonly pending = new Map<string, PendingSignIn>();
  private readonly sources = new Map<string, OAuthTokenSource | JwtTokenSource>();
  /** Environments told once that their session ended (until they sign in again). */
  private readonly told = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<{ environment: string }>());
  /** A sign-in of an environment was added, renewed, ended or removed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly store: SecretStorageSignInStore,
    private readonly model: IntegrationModel,
    private readonly log: OliLog,
  ) {
    super();
    this.oauth = new OracleAuthenticationProvider(this, 'oauth');
    this.jwt = new OracleAuthenticationProvider(this, 'jwt');
    this.register(vscode.authentication.registerAuthenticationProvider(OAUTH_PROVIDER_ID, vscode.l10n.t('Oracle Fusion (identity domain)'), this.oauth, { supportsMultipleAccounts: true }));
    this.register(vscode.authentication.registerAuthenticationProvider(JWT_PROVIDER_ID, vscode.l10n.t('Oracle Fusion (API authentication key)'), this.jwt, { supportsMultipleAccounts: true }));
    this.register(vscode.window.registerUriHandler(this));
    this.register(this.oauth);
    this.register(this.jwt);
    // What is already signed in (an earlier session of VS Code) is known before the first change.
    void this.oauth.fire();
    void this.jwt.fire();
  }

  private plan(): { plan: PlanFile; root: string } {
    if (!this.model.plan || !this.model.root) throw new NotSignedInError('not-signed-in', '', 'oauth', vscode.l10n.t('No plan in this workspace. Run "Oracle Learning: Create Plan" first.'));
    return { plan: this.model.plan, root: this.model.root };
  }

  private fire(environment: string): void {
    this.changed.fire({ environment });
    void this.oauth.fire();
    void this.jwt.fire();
  }

  // ------------------------------------------------------------------ credentials for commands

  private settings(environment: string): IdentityDomainSettings {
    const { plan, root } = this.plan();
    const env = plan.environments[environment]!;
    const proxy = env.proxy ?? networkSettings().defaultProxy;
    return { ...(env.caFile ? { caFile: resolve(root, env.caFile) } : {}), ...(proxy ? { proxy } : {}), onLog: (e) => this.log.request(e) };
  }

  private signInAgain(environment: string): string {
    return vscode.l10n.t('Sign in again: "Oracle Learning: Sign In" on "{0}".', environment);
  }

  /** The administrator credential of a signed-in environment (its session or proven key), or undefined. */
  async credential(environment: string, url: string, auth: EnvironmentAuth): Promise<TokenAdminCredential | undefined> {
    if (auth.method === 'basic') return undefined;
    const key = `${environment}@${podOrigin(url)}/${auth.method}`;
    if (auth.method === 'oauth') {
      const stored = oauthSessionValue(this.store, environment, url);
      const session = await stored.read();
      if (!session || !sessionMatches(session, auth)) return undefined;
      let source = this.sources.get(key) as OAuthTokenSource | undefined;
      // One source per session and window (renewals are shared); a new sign-in (here or in another window) gets a new one.
      if (!source || source.current.signedInAt !== session.signedInAt) {
        let domain: IdentityDomainClient | undefined;
        source = new OAuthTokenSource(session, stored, () => (domain ??= new IdentityDomainClient(auth.identityDomain, auth.clientId, this.settings(environment))), {
          signInAgain: this.signInAgain(environment),
          onEnded: (err) => this.ended(environment, err),
          onRenewed: (s) => {
            this.log.addSecrets([s.accessToken, ...(s.refreshToken ? [s.refreshToken] : [])]);
            this.log.for('credentials').info(`OAuth session of "${environment}" renewed (token until ${s.expiresAt})`);
            this.fire(environment);
          },
        });
        this.sources.set(key, source);
      }
      this.log.addSecrets(source.secrets());
      return oauthCredential(source, vscode.l10n.t('Sign in again ("Oracle Learning: Sign In"); if fresh tokens are refused too, check that the pod trusts the identity domain for the scope in the plan.'));
    }
    const k = await adminKeyValue(this.store, environment, url).read();
    if (!k || !k.provenAt) return undefined;
    let source = this.sources.get(key) as JwtTokenSource | undefined;
    if (!source || source.key.x5t !== k.x5t) {
      source = new JwtTokenSource(k);
      this.sources.set(key, source);
    }
    this.log.addSecrets(source.secrets());
    return jwtCredential(source, vscode.l10n.t('Check Security Console > API Authentication: the trusted issuer "{0}" with the certificate alias "{1}", and that {2} is active; or sign in again ("Oracle Learning: Sign In").', k.issuer, k.alias, k.userName));
  }

  /** Why a command cannot send anything for an environment that signs in with a token. */
  async notSignedIn(environment: string, url: string, method: SignInMethod): Promise<NotSignedInError> {
    if (method === 'jwt') {
      const k = await adminKeyValue(this.store, environment, url).read();
      if (k && !k.provenAt) {
        return new NotSignedInError('registration-pending', environment, 'jwt', vscode.l10n.t('The key of "{0}" is not proven yet: register its certificate under Security Console > API Authentication (trusted issuer {1}, alias {2}), then run "Sign In" again.', environment, k.issuer, k.alias));
      }
      return new NotSignedInError('not-signed-in', environment, 'jwt', vscode.l10n.t('Not signed in to "{0}": the plan signs its administrator in with a JWT signed by their own key. Run "Oracle Learning: Sign In".', environment));
    }
    return new NotSignedInError('not-signed-in', environment, 'oauth', vscode.l10n.t('Not signed in to "{0}": the plan signs its administrator in with OAuth (the pod\'s identity domain). Run "Oracle Learning: Sign In".', environment));
  }

  private ended(environment: string, err: NotSignedInError): void {
    this.log.for('credentials').warn(err.message);
    this.sources.forEach((_s, k) => k.startsWith(`${environment}@`) && this.sources.delete(k));
    this.fire(environment);
    if (this.told.has(environment)) return;
    this.told.add(environment);
    const again = vscode.l10n.t('Sign In');
    void vscode.window.showWarningMessage(vscode.l10n.t('Your Oracle Fusion session for "{0}" ended: the identity domain refused to renew it.', environment), again).then((a) => {
      if (a === again) void vscode.commands.executeCommand('oli.signIn', { environment });
    });
  }

  // ------------------------------------------------------------------ OAuth: authorization code + PKCE

  /** The redirect URL this window can receive: this extension's URI, made reachable by the host (code-server gives an https callback). */
  async redirectUri(): Promise<string> {
    const own = vscode.Uri.parse(`${vscode.env.uriScheme}://${this.context.extension.id}${CALLBACK_PATH}`);
    return (await vscode.env.asExternalUri(own)).toString(true);
  }

  handleUri(uri: vscode.Uri): void {
    if (uri.path !== CALLBACK_PATH) return;
    const query = new URLSearchParams(uri.query);
    const p = this.pending.get(query.get('state') ?? '');
    if (!p) {
      this.log.for('credentials').warn('a sign-in answer arrived that no sign-in in progress expects (an old tab?); ignored');
      return;
    }
    this.pending.delete(p.state);
    p.settle(readCallback(query, p.state));
  }

  /** Signs in through the browser; resolves once the session is stored (after one proving call). */
  async signInOAuth(environment: string, o: { signal?: AbortSignal; progress?: (m: string) => void } = {}): Promise<StoredOAuthSession> {
    const { plan, root } = this.plan();
    const url = plan.environments[environment]!.url;
    const auth = environmentAuth(plan, environment);
    if (auth.method !== 'oauth') throw new NotSignedInError('not-signed-in', environment, auth.method, vscode.l10n.t('"{0}" does not sign in with OAuth in the plan.', environment));
    const pkce = createPkce();
    const redirectUri = await this.redirectUri();
    const answer = new Promise<CallbackResult>((settle) => this.pending.set(pkce.state, { state: pkce.state, settle }));
    let timer: NodeJS.Timeout | undefined;
    try {
      const authorize = authorizeUrl({ identityDomain: auth.identityDomain, clientId: auth.clientId, redirectUri, scope: auth.scope, pkce });
      this.log.for('credentials').info(`signing in to "${environment}" with the identity domain ${auth.identityDomain} (redirect ${redirectUri.split('?')[0]})`);
      o.progress?.(vscode.l10n.t('Complete the sign-in in your browser…'));
      if (!(await this.openBrowser(authorize))) {
        throw new NotSignedInError('not-signed-in', environment, 'oauth', vscode.l10n.t('The browser could not be opened to sign in to "{0}".', environment));
      }
      const stop = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new NotSignedInError('not-signed-in', environment, 'oauth', vscode.l10n.t('No answer from the browser within 5 minutes: the sign-in to "{0}" was abandoned. Run "Sign In" again.', environment))), SIGN_IN_TIMEOUT_MS);
        o.signal?.addEventListener('abort', () => reject(new OracleError({ reason: 'cancelled', method: 'GET', path: '/oauth2/v1/authorize' })), { once: true });
      });
      const r = await Promise.race([answer, stop]);
      if (!r.ok) {
        const why = r.error === 'access_denied' ? vscode.l10n.t('it was declined on the sign-in page') : `${r.error}${r.description ? `: ${r.description}` : ''}`;
        throw new NotSignedInError('not-signed-in', environment, 'oauth', vscode.l10n.t('The identity domain did not sign you in to "{0}" ({1}). Nothing was stored.', environment, why));
      }
      o.progress?.(vscode.l10n.t('Signed in at the identity domain; checking with the pod…'));
      const domain = new IdentityDomainClient(auth.identityDomain, auth.clientId, this.settings(environment));
      let session: StoredOAuthSession;
      try {
        session = newSession({ environment, url, auth, tokens: await domain.exchangeCode(r.code, redirectUri, pkce.verifier, o.signal), grant: 'authorization-code' });
      } finally {
        domain.close();
      }
      const stored = oauthSessionValue(this.store, environment, url);
      const source = new OAuthTokenSource(session, stored, () => new IdentityDomainClient(auth.identityDomain, auth.clientId, this.settings(environment)), { signInAgain: '' });
      this.log.addSecrets(source.secrets());
      await this.prove(plan, root, environment, oauthCredential(source, this.signInAgain(environment)), o.signal);
      await stored.write(session);
      this.signedIn(environment);
      return session;
    } finally {
      clearTimeout(timer);
      this.pending.delete(pkce.state);
    }
  }

  /** One call as the new sign-in: the pod must accept it (a 403 does: only a signed-in caller is told it lacks a role). */
  private async prove(plan: PlanFile, root: string, environment: string, admin: TokenAdminCredential, signal?: AbortSignal): Promise<void> {
    const proxy = networkSettings().defaultProxy;
    const r = await testConnection(plan, root, environment, { admin }, { ...(signal ? { signal } : {}), onLog: (e) => this.log.request(e), ...(proxy ? { defaultProxy: proxy } : {}), actor: 'VS Code sign-in' });
    if (r.ok) return;
    if (r.error instanceof OracleError && r.error.status === 403) return;
    throw r.error;
  }

  private signedIn(environment: string): void {
    this.told.delete(environment);
    this.sources.forEach((_s, k) => k.startsWith(`${environment}@`) && this.sources.delete(k));
    this.fire(environment);
  }

  // ------------------------------------------------------------------ JWT with the administrator's own key

  /** Makes (or resumes) the key, guides the registration, proves it with one call, then keeps it. */
  async signInJwt(environment: string, userName: string, o: { signal?: AbortSignal; progress?: (m: string) => void; newKey?: boolean } = {}): Promise<StoredAdminKey> {
    const { plan, root } = this.plan();
    const url = plan.environments[environment]!.url;
    const auth = environmentAuth(plan, environment);
    const issuer = (auth.method === 'jwt' ? auth.issuer : undefined) ?? defaultAdminIssuer(userName);
    const stored = adminKeyValue(this.store, environment, url);
    const existing = await stored.read();
    let key = existing && !o.newKey && existing.userName === userName && existing.issuer === issuer && Date.parse(existing.notAfter) > Date.now() + 86_400_000 ? existing : undefined;
    if (!key) {
      key = createAdminKey({ environment, url, userName, issuer });
      await stored.write(key);
    }
    this.log.addSecrets([key.privateKeyPem]);
    const dir = join(root, STATE_DIR);
    await mkdir(dir, { recursive: true });
    const certificatePath = join(dir, adminCertificateFileName(environment, userName));
    await writeFile(certificatePath, key.certificatePem, 'utf8');
    if (!key.provenAt) {
      const guide = registrationGuidance(key, `${STATE_DIR}/${adminCertificateFileName(environment, userName)}`);
      const registered = await this.confirmRegistration({ environment, key, certificatePath, checklist: guide.checklist, securityConsole: `${url}${guide.deepLink!.path}` });
      if (!registered) {
        this.fire(environment);
        throw new NotSignedInError('registration-pending', environment, 'jwt', vscode.l10n.t('The key of "{0}" is kept, not proven yet: once its certificate is registered under API Authentication, run "Sign In" again.', environment));
      }
    }
    o.progress?.(vscode.l10n.t('Proving your key with one call…'));
    await this.prove(plan, root, environment, jwtCredential(new JwtTokenSource(key), this.signInAgain(environment)), o.signal);
    const proven = { ...key, provenAt: new Date().toISOString() };
    await stored.write(proven);
    this.signedIn(environment);
    return proven;
  }

  // ------------------------------------------------------------------ sign out, accounts

  /** Forgets the OAuth session and the key of an environment's pod; true when there was one. */
  async signOut(environment: string, url: string): Promise<{ session?: StoredOAuthSession; key?: StoredAdminKey }> {
    const s = oauthSessionValue(this.store, environment, url);
    const k = adminKeyValue(this.store, environment, url);
    const session = await s.read();
    const key = await k.read();
    await s.remove();
    await k.remove();
    this.signedIn(environment);
    this.log.for('credentials').info(`signed out of "${environment}" (${podOrigin(url)})${session ? ': OAuth session forgotten' : ''}${key ? ': private key forgotten' : ''}`);
    return { ...(session ? { session } : {}), ...(key ? { key } : {}) };
  }

  /** The sessions of a provider for the Accounts menu (every environment signed in, in this window's SecretStorage). */
  async sessions(method: 'oauth' | 'jwt'): Promise<vscode.AuthenticationSession[]> {
    const out: vscode.AuthenticationSession[] = [];
    for (const k of await this.store.keys()) {
      if (k.slot !== (method === 'oauth' ? 'oauthSession' : 'jwtKey')) continue;
      const raw = await this.store.read(k.key);
      if (!raw) continue;
      try {
        if (method === 'oauth') {
          const s = oauthSessionValue(this.store, k.environment, k.origin);
          const v = await s.read();
          if (!v) continue;
          const until = untilText({ method: 'oauth', user: v.userName, how: '', until: v.expiresAt, renews: !!v.refreshToken });
          out.push({ id: k.key, accessToken: v.accessToken, account: { id: k.key, label: accountLabel(v.userName, k.environment, k.origin, until) }, scopes: [`environment:${k.environment}`, `pod:${k.origin}`, ...v.scope.split(/\s+/)] });
        } else {
          const v = await adminKeyValue(this.store, k.environment, k.origin).read();
          if (!v?.provenAt) continue;
          const until = untilText({ method: 'jwt', user: v.userName, how: '', until: v.notAfter, renews: true });
          out.push({ id: k.key, accessToken: await new JwtTokenSource(v).token(), account: { id: k.key, label: accountLabel(v.userName, k.environment, k.origin, until) }, scopes: [`environment:${k.environment}`, `pod:${k.origin}`] });
        }
      } catch (err) {
        this.log.for('credentials').warn(`a stored sign-in could not be read: ${(err as Error).message}`);
      }
    }
    return out;
  }

  /** The Accounts menu's "Sign Out". */
  async removeSessionByKey(id: string): Promise<void> {
    const m = KEY_PATTERN.exec(id);
    if (!m) return;
    const [, environment, origin, slot] = m as unknown as [string, string, string, SignInSlot];
    const removed = slot === 'oauthSession' ? await oauthSessionValue(this.store, environment, origin).read() : undefined;
    const key = slot === 'jwtKey' ? await adminKeyValue(this.store, environment, origin).read() : undefined;
    await this.store.remove(id);
    this.signedIn(environment);
    if (key) void vscode.window.showInformationMessage(vscode.l10n.t('The private key of {0} on "{1}" is forgotten. Remove the certificate alias {2} from Security Console > API Authentication too.', key.userName, environment, key.alias));
    else if (removed) this.log.for('credentials').info(`signed out of "${environment}" from the Accounts menu`);
  }

  /** The environment a new session is for: named by a scope (`environment:NAME`), else asked. */
  async environmentFor(scopes: readonly string[], method: 'oauth' | 'jwt'): Promise<string> {
    const named = scopes.find((s) => s.startsWith('environment:'))?.slice('environment:'.length);
    if (named) return named;
    const { plan } = this.plan();
    const candidates = Object.keys(plan.environments).filter((e) => environmentAuth(plan, e).method === method);
    if (candidates.length === 1) return candidates[0]!;
    const picked = await vscode.window.showQuickPick(candidates.length ? candidates : Object.keys(plan.environments), { placeHolder: vscode.l10n.t('Sign in to which environment?'), ignoreFocusOut: true });
    if (!picked) throw new vscode.CancellationError();
    return picked;
  }

  /** How an environment is signed in, in one line (the tree and the status bar say it too). */
  async describe(environment: string): Promise<string | undefined> {
    const { plan } = this.plan();
    const url = plan.environments[environment]?.url;
    if (!url) return undefined;
    const c = await this.credential(environment, url, environmentAuth(plan, environment));
    const s = summarizeSignIn(c);
    return s ? signInLine(s) : undefined;
  }
}

/** One of the two providers the Accounts menu lists; both delegate to SignInAccounts. */
export class OracleAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  /** The sessions VS Code was last told about (the Accounts menu adds and removes accounts from the differences). */
  private known = new Map<string, vscode.AuthenticationSession>();
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly accounts: SignInAccounts,
    private readonly method: 'oauth' | 'jwt',
  ) {}

  /** Tells VS Code what was added, removed or changed since the last time (one at a time, in order). */
  fire(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      const now = new Map((await this.accounts.sessions(this.method).catch(() => [])).map((x) => [x.id, x]));
      const added = [...now.values()].filter((x) => !this.known.has(x.id));
      const removed = [...this.known.values()].filter((x) => !now.has(x.id));
      const changed = [...now.values()].filter((x) => {
        const was = this.known.get(x.id);
        return was && (was.accessToken !== x.accessToken || was.account.label !== x.account.label);
      });
      this.known = now;
      if (added.length || removed.length || changed.length) this.emitter.fire({ added, removed, changed });
    });
    return this.refreshing;
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const all = await this.accounts.sessions(this.method);
    if (!scopes?.length) {
      this.known = new Map(all.map((x) => [x.id, x]));
      return all;
    }
    return all.filter((s) => scopes.every((want) => s.scopes.includes(want)));
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const environment = await this.accounts.environmentFor(scopes, this.method);
    await vscode.commands.executeCommand('oli.signIn', { environment, method: this.method });
    const session = (await this.accounts.sessions(this.method)).find((s) => s.scopes.includes(`environment:${environment}`));
    if (!session) throw new Error(vscode.l10n.t('Not signed in to "{0}".', environment));
    return session;
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.accounts.removeSessionByKey(sessionId);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
