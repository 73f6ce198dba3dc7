import type { RequestLogEntry, RetryNotice } from '../../oracle/client';
import { OracleError } from '../../oracle/errors';
import { isRefusal, SignInLedger } from '../../oracle/signIn';
import type { EnvironmentCredentials } from '../model/credentials';
import { adminAuth, clientFor, StepContext, type ClientSettings } from '../plan/context';
import { resolveEnvironment, type PlanFile } from '../plan/planFile';
import { getProfile } from '../plan/profiles';
import { adminRefusalFacts, recordRefusedSignIn, refusedInARow, SignInRefusedError } from '../plan/signIn';
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
  firstByteTimeoutMs?: number;
  onRetry?: (notice: RetryNotice) => void;
  defaultProxy?: string;
  /** Sign-in gates that outlive the operation (VS Code keeps one per window): a refused credential is not sent again. */
  signIns?: SignInLedger;
  /** What to do after a refused sign-in (default: the CLI's environment variables). */
  refusedNextStep?: string;
  /** A certificate expiring within this many days is flagged, unless the plan's health.certificateWarningDays says otherwise (default 30). */
  certificateWarningDays?: number;
  /** Who runs it, recorded with a refused sign-in (default oli). */
  actor?: string;
}

const CLI_REFUSED_NEXT_STEP = 'Check the user name and password (OLI_USERNAME and OLI_PASSWORD, or OLI_USERNAME_<ENV>) and that the account is active before running it again.';

/** No answer at all, TLS, settings, a redirect: the environment itself cannot be used (exit 2). */
const FATAL_REASONS: OracleError['reason'][] = ['tls', 'config', 'network', 'timeout'];

/**
 * One environment, as the administrator: a step context whose reads are shared by every check
 * made through it (so a health or a why asks each thing once), the sign-in proven with one read
 * before the others fan out (as a status does), and the count of request attempts (all identities).
 */
export class EnvironmentSession {
  readonly ctx: StepContext;
  readonly url: string;
  private attempts = 0;

  constructor(readonly options: SessionOptions) {
    const o = options;
    this.url = resolveEnvironment(o.plan, o.environment).config.url;
    const settings: ClientSettings = {
      onLog: (e) => {
        this.attempts++;
        o.onLog?.(e);
      },
      signIns: new SignInLedger(o.signIns),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: o.firstByteTimeoutMs } : {}),
      ...(o.onRetry ? { onRetry: o.onRetry } : {}),
      ...(o.defaultProxy ? { defaultProxy: o.defaultProxy } : {}),
    };
    const client = clientFor(o.plan, o.planDir, o.environment, adminAuth(o.environment, o.credentials), settings);
    this.ctx = new StepContext(o.plan, o.planDir, o.environment, getProfile(o.plan.provider, o.plan.auth), client, o.credentials, o.state, o.signal, settings);
  }

  get requests(): number {
    return this.attempts;
  }

  /**
   * Sign-in first: `read` (one request the operation needs anyway) proves the administrator's
   * credentials before anything fans out. A refusal stops the operation at once, saying how close
   * a lockout may be (and is counted in the state); no answer, TLS, a redirect or a page instead of
   * Oracle's API stop it too. Anything else (a 403, a 5xx) is left to the checks to report.
   */
  async signIn<T>(read: () => Promise<T>): Promise<T | undefined> {
    const o = this.options;
    const { key, facts } = adminRefusalFacts(o.credentials.admin!, o.environment, this.url, o.refusedNextStep ?? CLI_REFUSED_NEXT_STEP);
    const earlier = this.ctx.client.signIn.refused;
    if (earlier) throw new SignInRefusedError(earlier.error, { ...facts, refusedInARow: Math.max(1, await refusedInARow(o.planDir, o.environment, key)), refusedEarlierAt: earlier.at });
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof OracleError)) throw err;
      if (isRefusal(err)) {
        const count = await recordRefusedSignIn(o.planDir, o.environment, key, `${o.actor ?? 'oli'} (process ${process.pid})`).catch(() => 1);
        throw new SignInRefusedError(err, { ...facts, refusedInARow: count });
      }
      const redirected = err.status !== undefined && err.status >= 300 && err.status < 400;
      const notThePod = err.reason === 'invalid-response' && err.status !== undefined && err.status < 300 && /HTML page|expected JSON/.test(err.detail ?? '');
      if (FATAL_REASONS.includes(err.reason) || redirected || notThePod) throw err;
      return undefined;
    }
  }
}
