/**
 * Credentials for one environment. They live only in a CredentialStore (VS Code SecretStorage in
 * the extension, environment variables in the CLI) and never in the plan, the state or the logs.
 */
export type AdminCredential = { kind: 'basic'; username: string; password: string };
/** The OAuth confidential application's secret (oauth variant); its client id is in the plan. */
export type ProviderClientCredential = { kind: 'oauth-client'; clientId: string; clientSecret: string };

export interface EnvironmentCredentials {
  admin?: AdminCredential;
  providerClient?: ProviderClientCredential;
}

export type CredentialSlot = keyof EnvironmentCredentials;

export interface CredentialStore {
  get(environment: string): Promise<EnvironmentCredentials>;
  set<S extends CredentialSlot>(environment: string, slot: S, value: NonNullable<EnvironmentCredentials[S]>): Promise<void>;
  /** Removes every credential of the environment (used when the environment is removed). */
  delete(environment: string): Promise<void>;
}

/** Storage key of a slot; one JSON value per key. */
export function credentialKey(environment: string, slot: CredentialSlot): string {
  return `oracle-learning/${environment}/${slot}`;
}

/**
 * CLI store: OLI_USERNAME / OLI_PASSWORD for the admin, OLI_CLIENT_ID / OLI_CLIENT_SECRET for the
 * confidential app. Per environment (`oli status --all-envs`, `oli diff`): OLI_USERNAME_<ENV> and
 * OLI_PASSWORD_<ENV> (ENV upper-cased, other characters as `_`, e.g. OLI_PASSWORD_PROD) win over
 * the plain pair when both are set; the same for the client pair.
 */
export class EnvCredentialStore implements CredentialStore {
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  async get(environment?: string): Promise<EnvironmentCredentials> {
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
  return [c.admin?.password, c.providerClient?.clientSecret].filter((s): s is string => !!s && s.length >= 4);
}
