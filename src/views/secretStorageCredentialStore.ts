import type * as vscode from 'vscode';
import * as z from 'zod';
import { credentialKey, legacyCredentialKey, parseCredentialKey, podOrigin, refusedMarkerKey, type CredentialSlot, type CredentialStore, type EnvironmentCredentials } from '../core/model/credentials';

const adminSchema = z.strictObject({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) });
const providerClientSchema = z.strictObject({ kind: z.literal('oauth-client'), clientId: z.string(), clientSecret: z.string().min(1) });
const SLOT_SCHEMAS = { admin: adminSchema, providerClient: providerClientSchema } as const;
const SLOTS = Object.keys(SLOT_SCHEMAS) as CredentialSlot[];
const refusalSchema = z.strictObject({ at: z.string(), method: z.string(), path: z.string(), status: z.number().int() });

export type CredentialStoreErrorReason = 'keyring-unavailable' | 'corrupt';

export class CredentialStoreError extends Error {
  override readonly name = 'CredentialStoreError';
  constructor(
    readonly reason: CredentialStoreErrorReason,
    message: string,
  ) {
    super(message);
  }
}

function keyringError(action: string, err: unknown): CredentialStoreError {
  const why = err instanceof Error ? err.message : String(err);
  return new CredentialStoreError(
    'keyring-unavailable',
    `Could not ${action} in the OS keyring (VS Code SecretStorage): ${why}. On Linux, install and unlock a keyring (gnome-keyring or KWallet) or start VS Code with --password-store=basic; credentials are never written to settings or to the plan.`,
  );
}

/** Credentials of an environment stored for another pod (or before credentials were bound to one). */
export interface CredentialsElsewhere {
  /** The origin they were stored for; undefined for credentials stored before the binding. */
  origin: string | undefined;
  slots: CredentialSlot[];
}

/**
 * The extension's CredentialStore: one JSON value per environment, pod origin and slot in VS Code's
 * SecretStorage (the OS keyring on desktop, the browser profile in code-server), under
 * `oracle-learning/<environment>@<origin>/<slot>`. A credential is only read back for the pod it
 * was stored for; moving it to another pod is an explicit step (`move`), asked of the user first.
 */
export class SecretStorageCredentialStore implements CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(environment: string, url: string): Promise<EnvironmentCredentials> {
    const out: EnvironmentCredentials = {};
    for (const slot of SLOTS) {
      const value = await this.read(credentialKey(environment, url, slot), environment, slot);
      if (value) Object.assign(out, { [slot]: value });
    }
    return out;
  }

  private async read(key: string, environment: string, slot: CredentialSlot): Promise<EnvironmentCredentials[CredentialSlot] | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.secrets.get(key);
    } catch (err) {
      throw keyringError('read the credentials', err);
    }
    if (raw === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new CredentialStoreError('corrupt', `The stored ${slot} credential of "${environment}" is unreadable; set it again with "Oracle Learning: Set Credentials".`);
    }
    const parsed = SLOT_SCHEMAS[slot].safeParse(json);
    if (!parsed.success) throw new CredentialStoreError('corrupt', `The stored ${slot} credential of "${environment}" has an unexpected shape; set it again with "Oracle Learning: Set Credentials".`);
    return parsed.data as EnvironmentCredentials[CredentialSlot];
  }

  /** Stores a credential for the environment's pod; a refusal recorded for the one it replaces is dropped. */
  async set<S extends CredentialSlot>(environment: string, url: string, slot: S, value: NonNullable<EnvironmentCredentials[S]>): Promise<void> {
    const checked = SLOT_SCHEMAS[slot].parse(value);
    try {
      await this.secrets.store(credentialKey(environment, url, slot), JSON.stringify(checked));
      await this.secrets.delete(refusedMarkerKey(environment, url, slot));
    } catch (err) {
      throw keyringError('store the credential', err);
    }
  }

  /**
   * Records, next to the credential, that the pod refused it (and where): it is not sent again,
   * whatever the window or the session, until it is set again.
   */
  async markRefused(environment: string, url: string, slot: CredentialSlot, refusal: { at: string; method: string; path: string; status: number }): Promise<void> {
    try {
      await this.secrets.store(refusedMarkerKey(environment, url, slot), JSON.stringify(refusal));
    } catch (err) {
      throw keyringError('record the refusal', err);
    }
  }

  /** The refusal recorded for the credential of a slot, if any. */
  async refusal(environment: string, url: string, slot: CredentialSlot): Promise<{ at: string; method: string; path: string; status: number } | undefined> {
    try {
      const raw = await this.secrets.get(refusedMarkerKey(environment, url, slot));
      if (raw === undefined) return undefined;
      const parsed = refusalSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : { at: new Date(0).toISOString(), method: 'GET', path: '/', status: 401 };
    } catch (err) {
      if (err instanceof SyntaxError) return { at: new Date(0).toISOString(), method: 'GET', path: '/', status: 401 };
      throw keyringError('read the credentials', err);
    }
  }

  /**
   * Credentials of `environment` stored for another pod than `url`'s, or before the binding (the
   * most recent first is not knowable: bound ones come before a legacy one). Read, never sent.
   */
  async elsewhere(environment: string, url: string): Promise<CredentialsElsewhere[]> {
    const here = podOrigin(url);
    const byOrigin = new Map<string | undefined, CredentialSlot[]>();
    for (const key of await this.keys()) {
      const k = parseCredentialKey(key);
      // A sign-in (OAuth session, own key) is bound to its pod for good: it is never offered to another one.
      if (!k || k.marker || k.environment !== environment || k.origin === here || (k.slot !== 'admin' && k.slot !== 'providerClient')) continue;
      byOrigin.set(k.origin, [...(byOrigin.get(k.origin) ?? []), k.slot]);
    }
    return [...byOrigin].map(([origin, slots]) => ({ origin, slots })).sort((a, b) => (a.origin === undefined ? 1 : b.origin === undefined ? -1 : 0));
  }

  /** Binds the credentials stored for `from` (an origin, or undefined: stored before the binding) to `url`'s pod, and removes them from `from`. */
  async move(environment: string, from: string | undefined, url: string): Promise<void> {
    for (const slot of SLOTS) {
      const oldKey = from === undefined ? legacyCredentialKey(environment, slot) : `oracle-learning/${environment}@${from}/${slot}`;
      const value = await this.read(oldKey, environment, slot);
      if (!value) continue;
      await this.set(environment, url, slot, value as NonNullable<EnvironmentCredentials[typeof slot]>);
      try {
        await this.secrets.delete(oldKey);
        await this.secrets.delete(`${oldKey}.refused`);
      } catch (err) {
        throw keyringError('remove the old credential', err);
      }
    }
  }

  /** Removes the credentials of `environment` stored for every pod but `url`'s (e.g. an earlier local sandbox port). */
  async deleteElsewhere(environment: string, url: string): Promise<void> {
    const here = podOrigin(url);
    try {
      for (const key of await this.keys()) {
        const k = parseCredentialKey(key);
        if (k && k.environment === environment && k.origin !== here) await this.secrets.delete(key);
      }
    } catch (err) {
      if (err instanceof CredentialStoreError) throw err;
      throw keyringError('remove the credentials', err);
    }
  }

  async delete(environment: string): Promise<void> {
    try {
      for (const key of await this.keys()) if (parseCredentialKey(key)?.environment === environment) await this.secrets.delete(key);
    } catch (err) {
      if (err instanceof CredentialStoreError) throw err;
      throw keyringError('remove the credentials', err);
    }
  }

  /** Every key this extension holds (for tests and for cleaning up). */
  async keys(): Promise<string[]> {
    try {
      return (await this.secrets.keys()).filter((k) => k.startsWith('oracle-learning/'));
    } catch (err) {
      throw keyringError('list the credentials', err);
    }
  }
}
