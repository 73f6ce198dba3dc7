/**
 * The three ways an administrator signs in to a pod, most preferred first, and how a signed-in
 * environment is described to people (the CLI, the Accounts menu, the status bar, the tree).
 */
import type { AdminCredential } from '../model/credentials';
import type { SignInMethod } from '../plan/planFile';

export interface SignInMethodInfo {
  method: SignInMethod;
  label: string;
  detail: string;
}

/** Offered in this order, everywhere: OAuth, then the administrator's own JWT key, then Basic (least preferred). */
export const SIGN_IN_METHODS: readonly SignInMethodInfo[] = [
  {
    method: 'oauth',
    label: 'OAuth with the identity domain (recommended)',
    detail: 'Sign in in the browser with your usual account (SSO included). No password is kept; the tokens renew by themselves.',
  },
  {
    method: 'jwt',
    label: 'JWT with your own key',
    detail: 'A key pair made on this machine; its certificate is registered under Security Console > API Authentication. Tokens of a few minutes, signed on demand.',
  },
  {
    method: 'basic',
    label: 'User name and password (Basic): least preferred',
    detail: 'A local password of the pod, kept here and sent with every request. Many pods that sign their people in through SSO refuse it.',
  },
];

export function methodInfo(method: SignInMethod): SignInMethodInfo {
  return SIGN_IN_METHODS.find((m) => m.method === method)!;
}

/** How an environment is signed in, for people. */
export interface SignInSummary {
  method: SignInMethod;
  user: string;
  /** "OAuth with the identity domain https://…", "JWT signed with your own key (…)", "user name and password (Basic)". */
  how: string;
  /** ISO: until when the current token (or the key's certificate) holds. */
  until?: string;
  /** Whether it renews by itself. */
  renews: boolean;
}

export function summarizeSignIn(admin: AdminCredential | undefined): SignInSummary | undefined {
  if (!admin) return undefined;
  if (admin.kind === 'basic') return { method: 'basic', user: admin.username, how: 'user name and password (Basic, least preferred)', renews: false };
  return { method: admin.kind, user: admin.username, how: admin.how, ...(admin.until ? { until: admin.until } : {}), renews: admin.renews };
}

/** "until 14:05, renewed by itself" / "key valid until 2027-05-01" / "" for Basic. */
export function untilText(s: SignInSummary, now = Date.now()): string {
  if (!s.until) return '';
  const end = new Date(s.until);
  const sameDay = end.toDateString() === new Date(now).toDateString();
  const when = sameDay ? end.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : end.toISOString().slice(0, 10);
  if (s.method === 'jwt') return `key valid until ${when}`;
  return s.renews ? `token until ${when}, renewed by itself` : `until ${when}`;
}

/** One line: `admin.user, OAuth with the identity domain https://… (token until 14:05, renewed by itself)`. */
export function signInLine(s: SignInSummary, now = Date.now()): string {
  const until = untilText(s, now);
  return `${s.user}, ${s.how}${until ? ` (${until})` : ''}`;
}
