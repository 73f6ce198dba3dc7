/**
 * Refused sign-ins, as a person needs to hear about them: how many failures in a row this
 * credential has had (recorded in the environment's state file, shared by the CLI and VS Code,
 * never the secret), and how many more a lockout policy may allow.
 */
import { OracleError, initOf } from '../../oracle/errors';
import { isRefusal } from '../../oracle/signIn';
import { loadState, statePath, updateState } from './stateStore';
import type { AdminCredential } from '../model/credentials';

/**
 * Failed sign-ins in a row after which many pods lock an account. Oracle does not publish the
 * default of a pod's password policy (an inference, said as such in every message).
 */
export const LOCKOUT_AFTER = 5;

/** The state key of an administrator credential: who, on which pod (never the secret). */
export function adminSignInKey(username: string, url: string): string {
  let origin = url;
  try {
    origin = new URL(url).origin;
  } catch {
    /* the URL was validated with the plan; keep it as it is */
  }
  return `admin ${username} @ ${origin}`;
}

/** The state key of any administrator credential: Basic keeps `adminSignInKey`; a token sign-in says how. */
export function signInKeyOf(admin: AdminCredential, url: string): string {
  if (admin.kind === 'basic') return adminSignInKey(admin.username, url);
  return `${admin.kind} ${adminSignInKey(admin.username, url).slice('admin '.length)}`;
}

/**
 * Who was refused and what to do, by kind of credential. A password refused counts towards a
 * lockout; a token refused (OAuth, the administrator's own JWT) does not use the password.
 */
export function adminRefusalFacts(admin: AdminCredential, environment: string, url: string, basicNextStep: string): { key: string; facts: Omit<RefusalFacts, 'refusedInARow'> } {
  if (admin.kind === 'basic') return { key: signInKeyOf(admin, url), facts: { who: `administrator "${admin.username}"`, environment, nextStep: basicNextStep } };
  const how = admin.kind === 'oauth' ? 'OAuth session' : 'own JWT key';
  return { key: signInKeyOf(admin, url), facts: { who: `administrator "${admin.username}" (${how})`, environment, nextStep: admin.nextStep, lockout: false } };
}

export interface RefusalFacts {
  /** Who was refused, for a person: `administrator "admin.user"`. */
  who: string;
  environment: string;
  /** Failed sign-ins in a row recorded for this credential, this one included. */
  refusedInARow: number;
  /** What to do next (differs between the CLI and VS Code). */
  nextStep: string;
  /** Set when this command sent nothing: the credential was refused earlier and is not sent again. */
  refusedEarlierAt?: Date;
  /** False for a token (OAuth, own JWT key): no password was tried, so no lockout to warn of. Default true. */
  lockout?: boolean;
}

/** A credential the pod refused: the command stops at once (exit 2) and says how close a lockout may be. */
export class SignInRefusedError extends OracleError {
  readonly exitCode = 2;
  readonly refusedInARow: number;
  /** Failed sign-ins left before LOCKOUT_AFTER. */
  readonly remaining: number;
  /** This command sent nothing: the credential was refused earlier. */
  readonly refusedEarlier: boolean;
  /** A password (counts towards a lockout); false for a token (OAuth session, own JWT key). */
  readonly lockout: boolean;
  private readonly text: string | undefined;

  constructor(cause: OracleError, facts: RefusalFacts) {
    super(initOf(cause));
    this.refusedInARow = facts.refusedInARow;
    this.remaining = Math.max(0, LOCKOUT_AFTER - facts.refusedInARow);
    this.refusedEarlier = facts.refusedEarlierAt !== undefined;
    this.lockout = facts.lockout !== false;
    this.text = refusalMessage(cause, facts);
    this.message = this.text;
  }

  override userMessage(): string {
    return this.text ?? super.userMessage();
  }
}

function refusalMessage(cause: OracleError, f: RefusalFacts): string {
  const remaining = Math.max(0, LOCKOUT_AFTER - f.refusedInARow);
  const status = cause.status ?? 401;
  const answer = `HTTP ${status}${status === 401 ? ' Unauthorized' : status === 400 ? ' Bad Request' : ''} on ${cause.method} ${cause.path}`;
  if (f.lockout === false) {
    const when = f.refusedEarlierAt ? ` at ${f.refusedEarlierAt.toLocaleTimeString()}; it is not sent again until you sign in again` : '; this command stopped at this one failed sign-in';
    return `The pod refused the sign-in of ${f.who} (${answer})${when}. ${f.nextStep}`;
  }
  const head = f.refusedEarlierAt
    ? `The pod refused these credentials (${f.who}: ${answer}) at ${f.refusedEarlierAt.toLocaleTimeString()}; they are not sent again until you change them`
    : `The pod refused these credentials (${f.who}: ${answer}); this command stopped at this one failed sign-in`;
  const record = `${f.refusedInARow} in a row recorded for this user on "${f.environment}"`;
  const policy = `many pods lock an account after ${LOCKOUT_AFTER}; the pod's password policy decides`;
  const lockout =
    remaining > 0
      ? `${remaining} more failure${remaining === 1 ? '' : 's'} may lock the account (${record}; ${policy})`
      : `the account may already be locked (${record}; ${policy}): ask your security administrator to check it before trying again`;
  return `${head}; ${lockout}. ${f.nextStep}`;
}

/**
 * Records a refused sign-in of `key` in the environment's state (under its lock) and returns the
 * failures in a row recorded for it, this one included.
 */
export async function recordRefusedSignIn(planDir: string, environment: string, key: string, owner: string): Promise<number> {
  let count = 1;
  await updateState(
    statePath(planDir, environment),
    environment,
    (s) => {
      const previous = s.signIns?.[key]?.refusedInARow ?? 0;
      count = previous + 1;
      s.signIns = { ...s.signIns, [key]: { refusedInARow: count, lastRefusedAt: new Date().toISOString() } };
    },
    { owner },
  );
  return count;
}

/** The failures in a row recorded for `key` (0 when none, or when the state cannot be read). */
export async function refusedInARow(planDir: string, environment: string, key: string): Promise<number> {
  try {
    return (await loadState(statePath(planDir, environment), environment)).signIns?.[key]?.refusedInARow ?? 0;
  } catch {
    return 0;
  }
}

/** Clears the failures in a row of `key` after a successful sign-in (writes only when there were some). */
export async function recordSignInSuccess(planDir: string, environment: string, key: string, owner: string): Promise<void> {
  if ((await refusedInARow(planDir, environment, key)) === 0) return;
  await updateState(
    statePath(planDir, environment),
    environment,
    (s) => {
      if (!s.signIns?.[key]) return;
      const rest = { ...s.signIns };
      delete rest[key];
      s.signIns = Object.keys(rest).length ? rest : undefined;
      if (!s.signIns) delete s.signIns;
    },
    { owner },
  );
}

export interface AdminSignIn {
  planDir: string;
  environment: string;
  username: string;
  /** The credential sent (a token sign-in is described as such, without a lockout warning); default: Basic of `username`. */
  admin?: AdminCredential;
  url: string;
  /** Who runs this (for the state lock). */
  owner: string;
  nextStep: string;
}

/**
 * Runs work that sends the administrator's credentials through one client (whose gate proves
 * them with its first request): a refusal is recorded and becomes a SignInRefusedError, a success
 * clears the failures in a row.
 */
export async function withAdminSignIn<T>(s: AdminSignIn, work: () => Promise<T>): Promise<T> {
  const { key, facts } = adminRefusalFacts(s.admin ?? { kind: 'basic', username: s.username, password: '' }, s.environment, s.url, s.nextStep);
  let value: T;
  try {
    value = await work();
  } catch (err) {
    if (err instanceof OracleError && isRefusal(err)) {
      const count = await recordRefusedSignIn(s.planDir, s.environment, key, s.owner).catch(() => 1);
      throw new SignInRefusedError(err, { ...facts, refusedInARow: count });
    }
    throw err;
  }
  await recordSignInSuccess(s.planDir, s.environment, key, s.owner).catch(() => undefined);
  return value;
}
