/**
 * Sign-in first: a credential is proven by one request before any other request carrying it is
 * sent, and a credential the server refused is never sent again.
 *
 * Pods lock an account after a few failed sign-ins. Without this gate, a command that starts a
 * dozen reads at once with a mistyped password makes a dozen failed sign-ins. With it, the first
 * request that carries a credential goes alone; the others wait until it proves the credential
 * (an answer that only an authenticated caller gets), then go in parallel. A 401 (or a token
 * endpoint refusing the client) marks the credential refused: every later request with it fails at
 * once with the same error, without being sent. One gate per identity; a `SignInLedger` shares
 * them between the clients a command (or a VS Code window) creates for the same identity.
 */
import { createHash } from 'node:crypto';
import { OracleError } from './errors';
import type { OracleAuth } from './auth';

export type SignInState = 'unproven' | 'proven' | 'refused';

/** What one proving attempt showed. */
type Proof = 'proven' | 'refused' | 'unreachable' | 'inconclusive';

/** Whether an error means the server refused the credential itself (a failed sign-in). */
export function isRefusal(err: unknown): boolean {
  if (!(err instanceof OracleError)) return false;
  if (err.status === 401) return true;
  // A token endpoint refuses a client with 400 invalid_client (RFC 6749 section 5.2) as well as 401.
  return err.status === 400 && (err.code === 'invalid_client' || err.code === 'unauthorized_client');
}

function classify(err: unknown): Proof {
  if (isRefusal(err)) return 'refused';
  if (err instanceof OracleError) {
    // Only an authenticated caller is told it lacks a privilege.
    if (err.status === 403) return 'proven';
    if (err.status === undefined && (err.reason === 'network' || err.reason === 'timeout')) return 'unreachable';
  }
  return 'inconclusive';
}

export class SignInGate {
  private current: SignInState = 'unproven';
  private refusal?: OracleError;
  private refusedAt?: Date;
  /** The proof in flight; waiters learn its outcome. */
  private proving?: Promise<{ proof: Proof; error?: unknown }>;

  constructor(readonly identity: string) {}

  get state(): SignInState {
    return this.current;
  }

  /** The error the server answered when it refused this credential, and when. */
  get refused(): { error: OracleError; at: Date } | undefined {
    return this.refusal && this.refusedAt ? { error: this.refusal, at: this.refusedAt } : undefined;
  }

  /**
   * Runs `work` (one request with its retries) under the gate: at once when the credential is
   * proven, as the proving request when none is in flight, else after the proof in flight.
   */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      if (this.current === 'refused') throw this.refusal!;
      if (this.current === 'proven') return this.observe(work);
      if (!this.proving) return this.prove(work);
      const outcome = await waitFor(this.proving, signal);
      // Requests queued behind a proof that got no answer at all fail with it: a pod that does not
      // answer is not asked again by every one of them in turn.
      if (outcome.proof === 'unreachable') throw outcome.error;
    }
  }

  /** Marks the credential refused (for a refusal seen outside `run`). */
  refuse(error: OracleError): void {
    if (this.current === 'refused') return;
    this.current = 'refused';
    this.refusal = error;
    this.refusedAt = new Date();
  }

  private async prove<T>(work: () => Promise<T>): Promise<T> {
    let settle!: (o: { proof: Proof; error?: unknown }) => void;
    this.proving = new Promise((resolve) => (settle = resolve));
    try {
      const value = await work();
      if (this.current === 'unproven') this.current = 'proven';
      settle({ proof: 'proven' });
      return value;
    } catch (err) {
      const proof = classify(err);
      if (proof === 'refused') this.refuse(err as OracleError);
      else if (proof === 'proven' && this.current === 'unproven') this.current = 'proven';
      settle({ proof, error: err });
      throw err;
    } finally {
      this.proving = undefined;
    }
  }

  private async observe<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      // A credential accepted earlier and refused now (changed or locked meanwhile) is not sent again either.
      if (isRefusal(err)) this.refuse(err as OracleError);
      throw err;
    }
  }
}

function waitFor<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A short, one-way fingerprint of a secret: tells credentials apart in memory, never stored. */
function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 16);
}

/** What identifies a credential: the kind, who it is, where it is sent, and (hashed) the secret itself. */
export function identityOf(auth: OracleAuth, origin: string): string {
  switch (auth.kind) {
    case 'basic':
      return `basic ${auth.username} @ ${origin} #${fingerprint(`${auth.username}\u0000${auth.password}`)}`;
    case 'oauth':
      return `oauth ${auth.clientId} @ ${auth.tokenUrl} #${fingerprint(`${auth.clientId}\u0000${auth.clientSecret}`)}`;
    case 'none':
      return `anonymous @ ${origin}`;
    case 'bearer': {
      if (auth.identity) return `${auth.identity} @ ${origin}`;
      if (typeof auth.token !== 'string') return `bearer (token source) @ ${origin}`;
      const who = jwtSubject(auth.token);
      // A fresh JWT for the same issuer and user is the same identity: one refusal covers them all.
      return who ? `bearer ${who} @ ${origin}` : `bearer #${fingerprint(auth.token)} @ ${origin}`;
    }
  }
}

function jwtSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; prn?: unknown; sub?: unknown };
    const user = typeof claims.prn === 'string' ? claims.prn : typeof claims.sub === 'string' ? claims.sub : undefined;
    return typeof claims.iss === 'string' && user ? `${claims.iss} as ${user}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The gates of one command (CLI) or one window (VS Code), by identity: every client made for the
 * same credential shares one gate, so a refused credential is sent once, whatever the number of
 * clients, steps and re-checks.
 */
export class SignInLedger {
  private readonly gates = new Map<string, SignInGate>();

  /**
   * @param shared gates that outlive this ledger (VS Code keeps one per window) for the kinds of
   *   credential a person stores (`basic` passwords, `oauth` client secrets): those are refused once
   *   and not sent again until changed. Other kinds (a freshly signed JWT) get this ledger's gates.
   */
  constructor(
    private readonly shared?: SignInLedger,
    private readonly sharedKinds: readonly OracleAuth['kind'][] = ['basic', 'oauth'],
  ) {}

  gate(identity: string): SignInGate {
    let g = this.gates.get(identity);
    if (!g) {
      g = new SignInGate(identity);
      this.gates.set(identity, g);
    }
    return g;
  }

  /** The gate of `auth` sent to `origin`. */
  gateFor(auth: OracleAuth, origin: string): SignInGate {
    if (this.shared && this.sharedKinds.includes(auth.kind)) return this.shared.gateFor(auth, origin);
    return this.gate(identityOf(auth, origin));
  }

  /** Forgets every gate (e.g. after the credentials were set again). */
  clear(): void {
    this.gates.clear();
  }

  /** Gates whose credential was refused. */
  refused(): SignInGate[] {
    return [...this.gates.values()].filter((g) => g.state === 'refused');
  }
}
