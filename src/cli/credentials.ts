/**
 * The credentials a CLI command sends, the way the plan says the administrator signs in to the
 * environment: the OAuth session or the own key `oli login` stored (keyring or 0600 file), or
 * Basic from OLI_USERNAME / OLI_PASSWORD (the least preferred). The provider's OAuth client secret
 * comes from OLI_CLIENT_SECRET whatever the method.
 */
import { resolve } from 'node:path';
import { NotSignedInError } from '../core/auth/errors';
import { EnvCredentialStore, type EnvironmentCredentials } from '../core/model/credentials';
import { environmentAuth, type PlanFile } from '../core/plan/planFile';
import type { IdentityDomainClient, IdentityDomainSettings } from '../oracle/oauthPkce';
import type { CliIO } from './io';
import { STATE_DIR } from '../core/plan/stateStore';

export interface CliCredentialInput {
  plan: PlanFile;
  planDir: string;
  environment: string;
  url: string;
}

/** Network settings of the identity domain's token endpoint: the environment's CA file and proxy, the command's timeouts. */
export function identityDomainSettings(l: CliCredentialInput, extra: IdentityDomainSettings = {}): IdentityDomainSettings {
  const env = l.plan.environments[l.environment]!;
  return {
    ...(env.caFile ? { caFile: resolve(l.planDir, env.caFile) } : {}),
    ...(env.proxy ? { proxy: env.proxy } : {}),
    ...extra,
  };
}

export function signInAgainCli(environment: string, method: 'oauth' | 'jwt'): string {
  return method === 'oauth' ? `Sign in again: oli login --env ${environment}` : `Sign in again: oli login --env ${environment} --jwt`;
}

/** The credentials of `l.environment` for a command that talks to the pod. */
export async function cliCredentials(l: CliCredentialInput, io: CliIO, settings: IdentityDomainSettings = {}): Promise<EnvironmentCredentials> {
  // Per environment: OLI_USERNAME_<ENV> / OLI_PASSWORD_<ENV> win over the plain pair (oli status --all-envs, oli diff).
  const fromEnv = await new EnvCredentialStore(io.env).get(l.environment);
  const auth = environmentAuth(l.plan, l.environment);
  if (auth.method === 'basic') return fromEnv;
  const out: EnvironmentCredentials = fromEnv.providerClient ? { providerClient: fromEnv.providerClient } : {};
  // Loaded only for these sign-ins (the keyring, the OAuth session, the own key): a Basic sign-in never pays for them.
  const { cliSignInStore } = await import('./signInStore');
  const store = await cliSignInStore(io.env);
  if (auth.method === 'oauth') {
    const [{ oauthCredential, oauthSessionValue, OAuthTokenSource, sessionMatches }, { IdentityDomainClient: DomainClient }] = await Promise.all([import('../core/auth/oauthSession'), import('../oracle/oauthPkce')]);
    const stored = oauthSessionValue(store, l.environment, l.url);
    const session = await stored.read();
    if (!session) {
      throw new NotSignedInError('not-signed-in', l.environment, 'oauth', `Not signed in to "${l.environment}": the plan signs its administrator in with OAuth (identity domain ${auth.identityDomain}). Run: oli login --env ${l.environment}`);
    }
    if (!sessionMatches(session, auth)) {
      throw new NotSignedInError('not-signed-in', l.environment, 'oauth', `The OAuth session of "${l.environment}" was made with another identity domain, client or scope than the plan names now. Run: oli login --env ${l.environment}`);
    }
    let domain: IdentityDomainClient | undefined;
    const source = new OAuthTokenSource(session, stored, () => (domain ??= new DomainClient(auth.identityDomain, auth.clientId, identityDomainSettings(l, settings))), {
      signInAgain: `${signInAgainCli(l.environment, 'oauth')}.`,
    });
    out.admin = oauthCredential(source, `${signInAgainCli(l.environment, 'oauth')}; if the pod keeps refusing fresh tokens, check that it trusts the identity domain's tokens for the scope in the plan.`);
    return out;
  }
  const { adminCertificateFileName, adminKeyValue, jwtCredential, JwtTokenSource } = await import('../core/auth/adminKey');
  const key = await adminKeyValue(store, l.environment, l.url).read();
  if (!key) throw new NotSignedInError('not-signed-in', l.environment, 'jwt', `Not signed in to "${l.environment}": the plan signs its administrator in with a JWT signed by their own key. Run: oli login --env ${l.environment} --jwt --user YOUR_USER_NAME`);
  const certificate = resolve(l.planDir, STATE_DIR, adminCertificateFileName(l.environment, key.userName));
  if (!key.provenAt) {
    throw new NotSignedInError(
      'registration-pending',
      l.environment,
      'jwt',
      `The key of "${l.environment}" is not proven yet: register ${certificate} under Security Console > API Authentication (trusted issuer ${key.issuer}, alias ${key.alias}), then run: oli login --env ${l.environment} --jwt`,
    );
  }
  out.admin = jwtCredential(
    new JwtTokenSource(key),
    `Check Security Console > API Authentication: the trusted issuer "${key.issuer}" with the certificate alias "${key.alias}" (${certificate}), and that ${key.userName} is active; then run it again, or ${signInAgainCli(l.environment, 'jwt').toLowerCase()}.`,
  );
  return out;
}
