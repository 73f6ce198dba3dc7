import type * as vscode from 'vscode';
import { z } from 'zod';
import { credentialKey, type CredentialSlot, type CredentialStore, type EnvironmentCredentials } from '../core/model/credentials';

const adminSchema = z.strictObject({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) });
const providerClientSchema = z.strictObject({ kind: z.literal('oauth-client'), clientId: z.string(), clientSecret: z.string().min(1) });
const SLOT_SCHEMAS = { admin: adminSchema, providerClient: providerClientSchema } as const;
const SLOTS = Object.keys(SLOT_SCHEMAS) as CredentialSlot[];

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

/**
 * The extension's CredentialStore: one JSON value per environment and slot in VS Code's
 * SecretStorage (the OS keyring on desktop, the browser profile in code-server).
 */
export class SecretStorageCredentialStore implements CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(environment: string): Promise<EnvironmentCredentials> {
    const out: EnvironmentCredentials = {};
    for (const slot of SLOTS) {
      let raw: string | undefined;
      try {
        raw = await this.secrets.get(credentialKey(environment, slot));
      } catch (err) {
        throw keyringError('read the credentials', err);
      }
      if (raw === undefined) continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new CredentialStoreError('corrupt', `The stored ${slot} credential of "${environment}" is unreadable; set it again with "Oracle Learning: Set Credentials".`);
      }
      const parsed = SLOT_SCHEMAS[slot].safeParse(json);
      if (!parsed.success) throw new CredentialStoreError('corrupt', `The stored ${slot} credential of "${environment}" has an unexpected shape; set it again with "Oracle Learning: Set Credentials".`);
      if (slot === 'admin') out.admin = parsed.data as EnvironmentCredentials['admin'];
      else out.providerClient = parsed.data as EnvironmentCredentials['providerClient'];
    }
    return out;
  }

  async set<S extends CredentialSlot>(environment: string, slot: S, value: NonNullable<EnvironmentCredentials[S]>): Promise<void> {
    const checked = SLOT_SCHEMAS[slot].parse(value);
    try {
      await this.secrets.store(credentialKey(environment, slot), JSON.stringify(checked));
    } catch (err) {
      throw keyringError('store the credential', err);
    }
  }

  async delete(environment: string): Promise<void> {
    const prefix = credentialKey(environment, 'admin').slice(0, -'admin'.length);
    try {
      const keys = new Set([...SLOTS.map((s) => credentialKey(environment, s)), ...(await this.secrets.keys()).filter((k) => k.startsWith(prefix))]);
      for (const k of keys) await this.secrets.delete(k);
    } catch (err) {
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
