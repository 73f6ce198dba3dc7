/** An error the user can fix: printed as one line (no stack) and mapped to an exit code. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** Exit codes shared by every `oli` command. */
export const ExitCode = {
  ok: 0,
  /** A check failed, a step needs action, an input is invalid. */
  problem: 1,
  /** Usage, unreadable input or connection error. */
  usage: 2,
} as const;
