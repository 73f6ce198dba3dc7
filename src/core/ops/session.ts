import type { RequestLogEntry } from '../../oracle/client';
import { OracleError } from '../../oracle/errors';
import type { EnvironmentCredentials } from '../model/credentials';
import { adminAuth, clientFor, StepContext, type ClientSettings } from '../plan/context';
import { resolveEnvironment, type PlanFile } from '../plan/planFile';
import { getProfile } from '../plan/profiles';
import type { EnvironmentState } from '../plan/stateStore';

/** What a read-only operation on one environment needs (health, why, diff, a rotation's verification). */
export interface SessionOptions {
  plan: PlanFile;
  planDir: string;
  environment: string;
  credentials: EnvironmentCredentials;
  state: EnvironmentState;
  signal?: AbortSignal;
  /** Every request attempt, already redacted. */
  onLog?: (entry: RequestLogEntry) => void;
  timeoutMs?: number;
  defaultProxy?: string;
}

/**
 * One environment, as the administrator: a step context whose reads are shared by every check
 * made through it (so a health or a why asks each thing once), and the count of request attempts
 * (all identities) and of those that got an HTTP answer.
 */
export class EnvironmentSession {
  readonly ctx: StepContext;
  readonly url: string;
  private attempts = 0;
  private answers = 0;

  constructor(readonly options: SessionOptions) {
    const o = options;
    this.url = resolveEnvironment(o.plan, o.environment).config.url;
    const settings: ClientSettings = {
      onLog: (e) => {
        this.attempts++;
        if (e.status !== undefined) this.answers++;
        o.onLog?.(e);
      },
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.defaultProxy ? { defaultProxy: o.defaultProxy } : {}),
    };
    const client = clientFor(o.plan, o.planDir, o.environment, adminAuth(o.environment, o.credentials), settings);
    this.ctx = new StepContext(o.plan, o.planDir, o.environment, getProfile(o.plan.provider, o.plan.auth), client, o.credentials, o.state, o.signal, settings);
  }

  get requests(): number {
    return this.attempts;
  }

  get answered(): number {
    return this.answers;
  }

  /**
   * Throws when the environment itself cannot be used (the sign-in refused, the pod unreachable,
   * TLS, a redirect): one cheap read shared with the checks (the integration user), as status does.
   * A pod that answers other requests is flaky, not unreachable.
   */
  async assertReachable(): Promise<void> {
    const err = await this.ctx.integrationUser().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof OracleError)) return;
    const redirected = err.status !== undefined && err.status >= 300 && err.status < 400;
    const unreachable = (err.reason === 'network' || err.reason === 'timeout') && this.answers === 0;
    if (redirected || unreachable || ['auth', 'tls', 'config'].includes(err.reason)) throw err;
  }
}
