import * as vscode from 'vscode';
import { OracleError } from '../oracle/errors';
import { MissingCredentialsError } from '../core/plan/context';
import { PlanFileError } from '../core/plan/planFile';
import { Disposable } from '../views/disposable';
import type { OliLog } from '../views/logger';
import { CredentialStoreError } from '../views/secretStorageCredentialStore';
import { ControllerError } from '../views/integrationController';
import { TRUST_WORKSPACE_COMMAND, UntrustedWorkspaceError } from '../views/workspaceTrust';
import { PracticeRefusedError } from '../views/practice';
import { NotSignedInError } from '../core/auth/errors';
import { SignInRefusedError } from '../core/plan/signIn';

/** Thrown when the user dismisses a quick pick or input box: ends the command silently. */
export class UserCancelledError extends Error {
  override readonly name = 'UserCancelledError';
  readonly reason = 'dismissed';
  constructor() {
    super('cancelled by the user');
  }
}

/** Thrown when a command cannot run in the current state (the message says what to do). */
export class CommandPreconditionError extends Error {
  override readonly name = 'CommandPreconditionError';
  constructor(
    readonly reason: 'untrusted' | 'invalid-input' | 'not-available' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

export interface CommandRun {
  /** Aborted when the user presses Cancel on the progress notification. */
  signal: AbortSignal;
  /** Updates the progress notification (no-op without one). */
  progress(message: string): void;
  /** Shows a cancellable progress notification for part of a command (after its prompts). */
  withProgress<T>(title: string, work: () => Promise<T>): Promise<T>;
}

export interface CommandOptions {
  /** Runs inside a cancellable progress notification with this title. */
  progressTitle?: string;
}

type Handler = (run: CommandRun, ...args: unknown[]) => unknown;

interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

function isCancellation(err: unknown, signal?: AbortSignal): boolean {
  if (err instanceof UserCancelledError) return true;
  if (err instanceof OracleError && err.reason === 'cancelled') return true;
  if (signal?.aborted) return true;
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'CanceledError');
}

/** The actions offered with an error notification (e.g. a 401 offers "Update Credentials"). */
export function actionsFor(err: unknown): ErrorAction[] {
  const showLog = { title: vscode.l10n.t('Show Log'), command: 'oli.showLog' };
  if (err instanceof MissingCredentialsError) return [{ title: vscode.l10n.t('Set Credentials'), command: 'oli.setCredentials', args: [{ environment: err.environment }] }];
  if (err instanceof UntrustedWorkspaceError || (err instanceof CommandPreconditionError && err.reason === 'untrusted')) return [{ title: vscode.l10n.t('Trust this folder'), command: TRUST_WORKSPACE_COMMAND }];
  // A token sign-in (OAuth, own key) not there, ended or refused: sign in again.
  if (err instanceof NotSignedInError) return [{ title: vscode.l10n.t('Sign In'), command: 'oli.signIn', args: [{ environment: err.environment }] }, showLog];
  if (err instanceof SignInRefusedError && !err.lockout) return [{ title: vscode.l10n.t('Sign In'), command: 'oli.signIn' }, showLog];
  if (err instanceof OracleError) {
    if (err.reason === 'auth') return [{ title: vscode.l10n.t('Update Credentials'), command: 'oli.setCredentials' }, showLog];
    if (['network', 'tls', 'timeout', 'config', 'invalid-response', 'not-found'].includes(err.reason)) return [{ title: vscode.l10n.t('Edit Environment'), command: 'oli.editEnvironment' }, showLog];
    return [showLog];
  }
  if (err instanceof PlanFileError) return err.reason === 'missing' ? [{ title: vscode.l10n.t('Create Plan'), command: 'oli.createPlan' }] : [{ title: vscode.l10n.t('Open Plan'), command: 'oli.openPlan' }];
  if (err instanceof ControllerError) {
    if (err.reason === 'no-plan') return [{ title: vscode.l10n.t('Create Plan'), command: 'oli.createPlan' }];
    if (err.reason === 'no-environment') return [{ title: vscode.l10n.t('Add Environment'), command: 'oli.addEnvironment' }, { title: vscode.l10n.t('Start Local Sandbox'), command: 'oli.startSandbox' }];
    if (err.reason === 'sandbox-stopped') return [{ title: vscode.l10n.t('Start Local Sandbox'), command: 'oli.startSandbox' }];
    return [];
  }
  if (err instanceof PracticeRefusedError) return err.reason === 'unreachable' || err.reason === 'other-process' ? [{ title: vscode.l10n.t('Start Local Sandbox'), command: 'oli.startSandbox' }] : [];
  if (err instanceof CredentialStoreError) return [showLog];
  return [showLog];
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|private|key$/i;

/** A short, secret-free description of command arguments for the trace log. */
export function describeArgs(args: unknown[]): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(args, (key, value: unknown) => {
    if (key && SECRET_KEY.test(key)) return '[redacted]';
    if (value && typeof value === 'object') {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
      const ctor = (value as object).constructor?.name;
      if (ctor && ctor !== 'Object' && ctor !== 'Array') return `[${ctor}${'id' in value ? ` ${String((value as { id: unknown }).id)}` : ''}]`;
    }
    if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 40)}… (${value.length} chars)`;
    return value;
  });
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

export class UnknownCommandError extends Error {
  override readonly name = 'UnknownCommandError';
  readonly reason = 'unknown-command';
  constructor(readonly command: string) {
    super(`The command ${command} is declared by the extension but has no handler; reinstall the extension and report this.`);
  }
}

/**
 * The one place command handlers live: each runs with logging, optional cancellable progress,
 * and conversion of errors into actionable notifications (never a stack, never a secret).
 * VS Code's registration is done by the activation shell (src/extension.ts), which forwards every
 * declared command to `run` once this runtime is loaded.
 */
export class CommandRegistry extends Disposable {
  private readonly handlers = new Map<string, { handler: Handler; options: CommandOptions }>();
  /** The last error a command showed (tests read it; the user sees the notification). */
  lastError: { command: string; message: string; actions: string[] } | undefined;

  constructor(private readonly log: OliLog) {
    super();
  }

  get registered(): readonly string[] {
    return [...this.handlers.keys()];
  }

  add(id: string, handler: Handler, options: CommandOptions = {}): void {
    this.handlers.set(id, { handler, options });
  }

  /** Runs a command (called by the shell's registration of `id`). */
  run(id: string, args: unknown[]): Promise<unknown> {
    const entry = this.handlers.get(id);
    if (!entry) {
      const err = new UnknownCommandError(id);
      this.log.for('command').error(err.message);
      void vscode.window.showErrorMessage(err.message);
      return Promise.resolve(undefined);
    }
    return this.execute(id, entry.handler, entry.options, args);
  }

  private async execute(id: string, handler: Handler, options: CommandOptions, args: unknown[]): Promise<unknown> {
    const log = this.log.for('command');
    const started = Date.now();
    log.info(`${id} started`);
    if (args.length) log.trace(`${id} arguments: ${describeArgs(args)}`);
    const controller = new AbortController();
    let report: (message: string) => void = () => undefined;
    const withProgress = <T>(title: string, work: () => Promise<T>): Promise<T> =>
      Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
          const sub = token.onCancellationRequested(() => controller.abort(new Error('cancelled by the user')));
          const previous = report;
          report = (message) => progress.report({ message });
          try {
            return await work();
          } finally {
            report = previous;
            sub.dispose();
          }
        }),
      );
    const run: CommandRun = { signal: controller.signal, progress: (m) => report(m), withProgress };
    try {
      const result = options.progressTitle ? await withProgress(options.progressTitle, async () => handler(run, ...args)) : await handler(run, ...args);
      log.info(`${id} finished in ${Date.now() - started} ms`);
      return result;
    } catch (err) {
      if (isCancellation(err, controller.signal)) {
        log.info(`${id} cancelled after ${Date.now() - started} ms`);
        if (!(err instanceof UserCancelledError)) void vscode.window.showInformationMessage(vscode.l10n.t('Cancelled.'));
        return undefined;
      }
      const message = this.log.redact(err instanceof Error ? err.message : String(err));
      log.error(`${id} failed: ${err instanceof Error ? `${err.name}: ` : ''}${message}`);
      const actions = actionsFor(err);
      this.lastError = { command: id, message, actions: actions.map((a) => a.command) };
      void this.showError(message, actions);
      return undefined;
    }
  }

  private async showError(message: string, actions: ErrorAction[]): Promise<void> {
    const chosen = await vscode.window.showErrorMessage(message, ...actions.map((a) => a.title));
    const action = actions.find((a) => a.title === chosen);
    if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
  }
}
