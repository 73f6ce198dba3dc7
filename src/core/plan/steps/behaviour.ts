import type { StepStatus } from '../stepIds';
import type { SubCheck } from '../result';
import type { StepContext } from '../context';

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
  /** Performs what Oracle's APIs allow (idempotent: re-checks and changes only what is missing). */
  apply?(ctx: StepContext): Promise<void>;
}

export const pass = (id: string, title: string, message: string): SubCheck => ({ id, title, outcome: 'pass', message });
export const fail = (id: string, title: string, message: string): SubCheck => ({ id, title, outcome: 'fail', message });
export const warn = (id: string, title: string, message: string): SubCheck => ({ id, title, outcome: 'warn', message });
export const info = (id: string, title: string, message: string): SubCheck => ({ id, title, outcome: 'info', message });
export const unknown = (id: string, title: string, message: string): SubCheck => ({ id, title, outcome: 'unknown', message });

/** A guided step with nothing to read: only an attestation completes it. */
export function attestationOnly(what: string): StepBehaviour {
  return {
    async check() {
      return {
        status: 'needs-action',
        detail: `Oracle offers no API to read or perform this; ${what} Then attest it with a note of the evidence.`,
        checks: [info('no-api', 'No Oracle API', 'Guided step: follow the checklist and attest.')],
      };
    },
  };
}
