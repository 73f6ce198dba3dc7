/**
 * Credentials for one environment. They live only in a CredentialStore (VS Code SecretStorage in
 * the extension, environment variables in the CLI) and never in the plan, the state or the logs.
 */
export type BasicAdminCredential = { kind: 'basic'; username: string; password: string };

/**
 * Where access tokens come from for a signed-in administrator: an OAuth session with the pod's
 * identity domain (refreshed with its refresh token), or the administrator's own key registered
 * under API Authentication (short-lived JWTs signed on demand). Never serialised.
 */
export interface AccessTokenSource {
  /** Who, how and where, for the sign-in gate and messages (never a secret). */
  readonly identity: string;
  /** A valid access token, renewed (refreshed or signed anew) when close to its end. */
  token(signal?: AbortSignal): Promise<string>;
  /** The pod refused the last token: true when the next `token()` gets another one worth trying. */
  invalidate(): boolean;
  /** Every secret value held now (access and refresh tokens, private key), for redaction. */
  secrets(): string[];
}

/** An administrator signed in with a token (OAuth with the identity domain, or a JWT signed with their own key). */
export interface TokenAdminCredential {
  kind: 'oauth' | 'jwt';
  username: string;
  source: AccessTokenSource;
  /** How it is signed in, for people: "OAuth with the identity domain https://idcs-…", "JWT signed with your key (issuer …, alias …)". */
  how: string;
  /** Until when, ISO (the access token; renewed by itself when a refresh token is held), if known. */
  until?: string;
  /** Whether it renews by itself (a refresh token, or a key that signs new tokens). */
  renews: boolean;
  /** What to do when the pod refuses it (differs between the CLI and VS Code). */
  nextStep: string;
}

export type AdminCredential = BasicAdminCredential | TokenAdminCredential;
/** The OAuth confidential application's secret (oauth variant); its client id is in the plan. */
export type ProviderClientCredential = { kind: 'oauth-client'; clientId: string; clientSecret: string };

export interface EnvironmentCredentials {
  admin?: AdminCredential;
  providerClient?: ProviderClientCredential;
}

export type CredentialSlot = keyof EnvironmentCredentials;

/**
 * A credential is bound to an environment *and* the pod it was given for: an environment of the
 * same name in another plan (another workspace, another URL) never receives it.
 */
export interface CredentialStore {
  /** The credentials stored for `environment` at the pod of `url` (its origin: scheme, host, port). */
  get(environment: string, url: string): Promise<EnvironmentCredentials>;
  set<S extends CredentialSlot>(environment: string, url: string, slot: S, value: NonNullable<EnvironmentCredentials[S]>): Promise<void>;
  /** Removes every credential of the environment, whatever its pod (used when the environment is removed). */
  delete(environment: string): Promise<void>;
}

/** The origin (scheme, host, port) of a pod URL: what a credential is bound to. */
export function podOrigin(url: string): string {
  return new URL(url).origin;
}

/** Storage key of a slot: `oracle-learning/<environment>@<origin>/<slot>`; one JSON value per key. */
export function credentialKey(environment: string, url: string, slot: CredentialSlot): string {
  return `oracle-learning/${environment}@${podOrigin(url)}/${slot}`;
}

/** The key of a slot as stored before credentials were bound to a pod (`oracle-learning/<environment>/<slot>`). */
export function legacyCredentialKey(environment: string, slot: CredentialSlot): string {
  return `oracle-learning/${environment}/${slot}`;
}

/** The key of the marker saying the pod refused the credential of a slot (`<credential key>.refused`). */
export function refusedMarkerKey(environment: string, url: string, slot: CredentialSlot): string {
  return `${credentialKey(environment, url, slot)}.refused`;
}

/**
 * Reads a storage key: its environment, slot and origin (undefined for a key stored before the
 * binding), and whether it is a refusal marker rather than the credential itself.
 */
export function parseCredentialKey(key: string): { environment: string; origin: string | undefined; slot: CredentialSlot | 'oauthSession' | 'jwtKey'; marker: boolean } | undefined {
  // oauthSession / jwtKey: a signed-in administrator's session or own key (core/auth/signInStore.ts), removed with the environment.
  const bound = /^oracle-learning\/([A-Za-z0-9][A-Za-z0-9_.-]*)@(https?:\/\/[^/]+)\/(admin|providerClient|oauthSession|jwtKey)(\.refused)?$/.exec(key);
  if (bound) return { environment: bound[1]!, origin: bound[2]!, slot: bound[3] as CredentialSlot | 'oauthSession' | 'jwtKey', marker: bound[4] !== undefined };
  const legacy = /^oracle-learning\/([A-Za-z0-9][A-Za-z0-9_.-]*)\/(admin|providerClient)$/.exec(key);
  if (legacy) return { environment: legacy[1]!, origin: undefined, slot: legacy[2] as CredentialSlot, marker: false };
  return undefined;
}

/**
 * CLI store: OLI_USERNAME / OLI_PASSWORD for the admin, OLI_CLIENT_ID / OLI_CLIENT_SECRET for the
 * confidential app. Per environment (`oli status --all-envs`, `oli diff`): OLI_USERNAME_<ENV> and
 * OLI_PASSWORD_<ENV> (ENV upper-cased, other characters as `_`, e.g. OLI_PASSWORD_PROD) win over
 * the plain pair when both are set; the same for the client pair.
 */
export class EnvCredentialStore implements CredentialStore {
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  async get(environment?: string, _url?: string): Promise<EnvironmentCredentials> {
    const suffix = environment ? `_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}` : '';
    const pair = (a: string, b: string): [string | undefined, string | undefined] => {
      const own: [string | undefined, string | undefined] = [this.env[`${a}${suffix}`], this.env[`${b}${suffix}`]];
      return suffix && own[1] ? own : [this.env[a], this.env[b]];
    };
    const out: EnvironmentCredentials = {};
    const [username, password] = pair('OLI_USERNAME', 'OLI_PASSWORD');
    const [clientId, clientSecret] = pair('OLI_CLIENT_ID', 'OLI_CLIENT_SECRET');
    if (username && password) out.admin = { kind: 'basic', username, password };
    if (clientSecret) out.providerClient = { kind: 'oauth-client', clientId: clientId ?? '', clientSecret };
    return out;
  }
  async set(): Promise<void> {
    throw new Error('The CLI reads credentials from OLI_USERNAME/OLI_PASSWORD and OLI_CLIENT_ID/OLI_CLIENT_SECRET; it does not store them.');
  }
  async delete(): Promise<void> {}
}

/** Every secret value held, for redaction of anything that leaves the process. */
export function secretValues(c: EnvironmentCredentials): string[] {
  const admin = c.admin?.kind === 'basic' ? [c.admin.password] : (c.admin?.source.secrets() ?? []);
  return [...admin, c.providerClient?.clientSecret].filter((s): s is string => !!s && s.length >= 4);
}
