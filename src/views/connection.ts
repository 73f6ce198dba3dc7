import * as vscode from 'vscode';
import { OracleError } from '../oracle/errors';
import { ICON, type IconId } from './icons';

/** Why the last connection to an environment failed, as the status bar and the environment row say it. */
export type ConnectionCause = 'unreachable' | 'timeout' | 'credentials' | 'forbidden' | 'tls' | 'not-a-pod' | 'settings' | 'sandbox-stopped';

/** The cause of a failure that makes an environment unusable; undefined for a step-level problem. */
export function connectionCause(err: unknown): ConnectionCause | undefined {
  if (!(err instanceof OracleError)) return undefined;
  if (err.status !== undefined && err.status >= 300 && err.status < 400) return 'not-a-pod';
  switch (err.reason) {
    case 'network':
      return 'unreachable';
    case 'timeout':
      return 'timeout';
    case 'auth':
      return 'credentials';
    case 'forbidden':
      return 'forbidden';
    case 'tls':
      return 'tls';
    case 'invalid-response':
      return 'not-a-pod';
    case 'config':
      return 'settings';
    default:
      return undefined;
  }
}

/** Short words for the status bar and the environment row. */
export function causeLabel(cause: ConnectionCause): string {
  switch (cause) {
    case 'unreachable':
      return vscode.l10n.t('unreachable');
    case 'timeout':
      return vscode.l10n.t('not answering');
    case 'credentials':
      return vscode.l10n.t('credentials refused');
    case 'forbidden':
      return vscode.l10n.t('access denied');
    case 'tls':
      return vscode.l10n.t('TLS certificate not trusted');
    case 'not-a-pod':
      return vscode.l10n.t('not an Oracle pod');
    case 'settings':
      return vscode.l10n.t('connection settings invalid');
    case 'sandbox-stopped':
      return vscode.l10n.t('local sandbox not running');
  }
}

export function causeIcon(cause: ConnectionCause): IconId {
  switch (cause) {
    case 'unreachable':
    case 'timeout':
      return ICON.unreachable;
    case 'credentials':
    case 'forbidden':
      return ICON.credentialsRefused;
    case 'tls':
      return ICON.tls;
    case 'sandbox-stopped':
      return ICON.sandboxStopped;
    default:
      return ICON.connectionProblem;
  }
}
