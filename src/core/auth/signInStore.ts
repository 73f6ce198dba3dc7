/**
 * Where a signed-in administrator's secrets live: the OAuth session (access and refresh tokens)
 * and the administrator's own private key. VS Code keeps them in SecretStorage, the CLI in the OS
 * keyring when it has one, else in a 0600 file under the user's configuration folder: never in
 * the workspace, the plan, the state or a log. One JSON value per key; keys name the environment
 * and the pod they were made for (`oracle-learning/<environment>@<origin>/<slot>`).
 */
import { podOrigin } from '../model/credentials';

export type SignInSlot = 'oauthSession' | 'jwtKey';

export interface SignInStore {
  read(key: string): Promise<string | undefined>;
  write(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** The key of a sign-in secret: bound to the environment and the pod's origin, as stored credentials are. */
export function signInKey(environment: string, url: string, slot: SignInSlot): string {
  return `oracle-learning/${environment}@${podOrigin(url)}/${slot}`;
}

/** One JSON value of a store, validated on the way in and out. */
export class StoredValue<T> {
  constructor(
    private readonly store: SignInStore,
    readonly key: string,
    private readonly parse: (json: unknown) => T | undefined,
  ) {}

  async read(): Promise<T | undefined> {
    const raw = await this.store.read(this.key);
    if (raw === undefined) return undefined;
    try {
      return this.parse(JSON.parse(raw));
    } catch {
      return undefined;
    }
  }

  write(value: T): Promise<void> {
    return this.store.write(this.key, JSON.stringify(value));
  }

  remove(): Promise<void> {
    return this.store.remove(this.key);
  }
}
