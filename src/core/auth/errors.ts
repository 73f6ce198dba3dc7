import type { SignInMethod } from '../plan/planFile';

export type NotSignedInReason = 'not-signed-in' | 'session-ended' | 'registration-pending';

/**
 * The administrator is not signed in to the environment the way the plan says (OAuth with the
 * identity domain, or their own key): nothing is sent to the pod. The message says how to sign in.
 */
export class NotSignedInError extends Error {
  override readonly name = 'NotSignedInError';
  readonly exitCode = 2;
  constructor(
    readonly reason: NotSignedInReason,
    readonly environment: string,
    readonly method: SignInMethod,
    message: string,
  ) {
    super(message);
  }
}
