import type { StepStatus } from '../stepIds';
import type { Basis, SubCheck } from '../result';
import type { StepContext } from '../context';
import { RESOURCE_ACCESS, type Refusal } from '../../../oracle/privileges';
import * as l10n from '@vscode/l10n';

/** What a step's check found, before attestations and dependencies are folded in. */
export interface CheckOutcome {
  status: StepStatus;
  detail: string;
  checks: SubCheck[];
  evidence?: Record<string, unknown>;
  /** Live state shows the step is not done: an attestation cannot stand against it. */
  refutesAttestation?: boolean;
}

export interface StepBehaviour {
  check(ctx: StepContext): Promise<CheckOutcome>;
  /**
   * The check's local work, which sends no request (reading a file named in the plan, signing a
   * token): the engine starts it while its sign-in request is in flight, so that the check sends its
   * own requests as soon as the sign-in is answered. What it finds is memoised in the context (the
   * check uses it); it never throws (the check reports what failed).
   */
  prepare?(ctx: StepContext): Promise<void>;
  /** Performs what Oracle's APIs allow (idempotent: re-checks and changes only what is missing). */
  apply?(ctx: StepContext): Promise<void>;
}

export const pass = (id: string, title: string, message: string, basis: Basis): SubCheck => ({ id, title, outcome: 'pass', message, basis });
export const fail = (id: string, title: string, message: string, basis: Basis): SubCheck => ({ id, title, outcome: 'fail', message, basis });
export const warn = (id: string, title: string, message: string, basis: Basis): SubCheck => ({ id, title, outcome: 'warn', message, basis });
export const info = (id: string, title: string, message: string, basis: Basis): SubCheck => ({ id, title, outcome: 'info', message, basis });
export const unknown = (id: string, title: string, message: string, basis: Basis): SubCheck => ({ id, title, outcome: 'unknown', message, basis });

/** A sub-check that could not be read: unknown, with the refusal in plain words (never a finding about the step). */
export const refused = (id: string, title: string, r: Refusal, consequence = ''): SubCheck => ({
  id,
  title,
  outcome: 'unknown',
  message: l10n.t('Could not read: {0}{1}', r.message, consequence ? ` ${consequence}` : ''),
  basis: r.kind === 'shape' ? 'inferred' : RESOURCE_ACCESS[r.resource].basis,
});

/** The refusals of an outcome, as evidence a report can show (resource, answer, what grants it). */
export function refusalEvidence(refusals: Refusal[]): Record<string, unknown> | undefined {
  if (!refusals.length) return undefined;
  return { refused: refusals.map((r) => ({ resource: r.resource, ...(r.status !== undefined ? { status: r.status } : { answer: 'unexpected shape' }), grantedBy: r.grantedBy })) };
}

/** A guided step with nothing to read: only an attestation completes it. */
export function attestationOnly(what: string): StepBehaviour {
  return {
    async check() {
      return {
        status: 'needs-action',
        detail: l10n.t('Oracle offers no API to read or perform this; {0} Then attest it with a note of the evidence.', what),
        checks: [info('no-api', l10n.t('No Oracle API'), l10n.t('Guided step: follow the checklist and attest.'), 'documented')],
      };
    },
  };
}
