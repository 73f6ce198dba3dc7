import type { CredentialSlot, CredentialStore, EnvironmentCredentials } from '../core/model/credentials';
import type { EnvironmentAuth } from '../core/plan/planFile';
import type { SignInAccounts } from './authProvider';
import type { CredentialsElsewhere, SecretStorageCredentialStore } from './secretStorageCredentialStore';

/**
 * The credentials of an environment the way its plan entry signs the administrator in: the
 * password in SecretStorage for Basic, or the OAuth session / own key of the sign-in providers
 * (authProvider.ts). What the model shows and the controller sends; the provider client's secret
 * (OAuth variant) stays in SecretStorage whatever the method. Rebinding a password to another pod
 * and remembering a refused one concern Basic only: a sign-in is bound to its pod for good.
 */
export class SignInCredentialStore implements CredentialStore {
  constructor(
    private readonly inner: SecretStorageCredentialStore,
    /** Late-bound: the accounts need the model, which reads through this store. */
    private readonly accounts: () => SignInAccounts,
    private readonly authOf: (environment: string) => EnvironmentAuth,
  ) {}

  async get(environment: string, url: string): Promise<EnvironmentCredentials> {
    const stored = await this.inner.get(environment, url);
    const auth = this.authOf(environment);
    if (auth.method === 'basic') return stored;
    const admin = await this.accounts().credential(environment, url, auth);
    return { ...(stored.providerClient ? { providerClient: stored.providerClient } : {}), ...(admin ? { admin } : {}) };
  }

  set<S extends CredentialSlot>(environment: string, url: string, slot: S, value: NonNullable<EnvironmentCredentials[S]>): Promise<void> {
    return this.inner.set(environment, url, slot, value);
  }

  delete(environment: string): Promise<void> {
    return this.inner.delete(environment);
  }

  async elsewhere(environment: string, url: string): Promise<CredentialsElsewhere[]> {
    return this.authOf(environment).method === 'basic' ? this.inner.elsewhere(environment, url) : [];
  }

  move(environment: string, from: string | undefined, url: string): Promise<void> {
    return this.inner.move(environment, from, url);
  }

  markRefused(environment: string, url: string, slot: CredentialSlot, refusal: { at: string; method: string; path: string; status: number }): Promise<void> {
    return this.inner.markRefused(environment, url, slot, refusal);
  }

  async refusal(environment: string, url: string, slot: CredentialSlot): Promise<{ at: string; method: string; path: string; status: number } | undefined> {
    return this.authOf(environment).method === 'basic' ? this.inner.refusal(environment, url, slot) : undefined;
  }
}
