import * as z from 'zod';
import { ExitCode, UsageError } from '../errors';
import type { CliIO } from '../io';
import type { CliCommand } from './registry';
import { DEFAULT_ADMIN_USER, DEFAULT_PORT } from '../../sandbox/context';
import { SandboxStartError } from '../../sandbox/errors';
import type { SandboxOptions } from '../../sandbox/server';
import { VARIANTS, parseVariants } from '../../sandbox/variants';

const int = (name: string, min: number, max: number) =>
  z.string()
    .regex(/^\d+$/, `--${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `--${name} must be from ${min} to ${max}`).max(max, `--${name} must be from ${min} to ${max}`));

const SandboxArgs = z.object({
  port: int('port', 0, 65535).optional(),
  'admin-user': z.string().min(1, '--admin-user must not be empty').optional(),
  'admin-password': z.string().min(1, '--admin-password must not be empty').optional(),
  users: int('users', 0, 200000).optional(),
  latency: int('latency', 0, 60000).optional(),
  'fault-rate': z.string()
    .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, '--fault-rate must be a number from 0 to 1')
    .transform(Number)
    .optional(),
  'fault-seed': z.string().regex(/^-?\d+$/, '--fault-seed must be a whole number').transform(Number).optional(),
  state: z.string().min(1, '--state must name a file').optional(),
  variant: z.union([z.string(), z.array(z.string())]).optional(),
  'no-basic': z.boolean().optional(),
  'oauth-app': z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, '--oauth-app takes a client id (letters, digits, "_", ".", "-")').optional(),
});

/** Redirect URLs of `--oauth-app`: the CLI's loopback (any port) and VS Code's URI handler. */
export const SANDBOX_DEFAULT_REDIRECTS = ['http://127.0.0.1/callback', 'vscode://oracle-learning-integrations.oracle-learning-integrations/did-authenticate'] as const;

const oauthAppArg = (values: Record<string, unknown>): string | undefined => values['oauth-app'] as string | undefined;

/** Parses `oli sandbox` options into sandbox options; throws a one-line UsageError. */
export function sandboxOptionsFromArgs(values: Record<string, unknown>): SandboxOptions {
  const parsed = SandboxArgs.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.message}. Run 'oli sandbox --help'.`);
  }
  const a = parsed.data;
  let variants: string[] = [];
  try {
    variants = parseVariants(a.variant === undefined ? [] : Array.isArray(a.variant) ? a.variant : [a.variant]);
  } catch (err) {
    if (err instanceof SandboxStartError) throw new UsageError(`${err.message} Run 'oli sandbox --help'.`);
    throw err;
  }
  return {
    port: a.port ?? DEFAULT_PORT,
    adminUser: a['admin-user'] ?? DEFAULT_ADMIN_USER,
    ...(a['admin-password'] !== undefined ? { adminPassword: a['admin-password'] } : {}),
    ...(a.users !== undefined ? { users: a.users } : {}),
    ...(a.latency !== undefined ? { latencyMs: a.latency } : {}),
    ...(a['fault-rate'] !== undefined ? { faultRate: a['fault-rate'] } : {}),
    ...(a['fault-seed'] !== undefined ? { faultSeed: a['fault-seed'] } : {}),
    ...(a.state !== undefined ? { statePath: a.state } : {}),
    ...(variants.length ? { variants } : {}),
    ...(a['no-basic'] ? { basicAuth: false } : {}),
    ...(a['oauth-app'] !== undefined ? { oauthApps: [{ clientId: a['oauth-app'], redirectUris: [...SANDBOX_DEFAULT_REDIRECTS] }] } : {}),
  };
}

function waitForStop(io: CliIO): Promise<string> {
  return new Promise((resolve) => {
    const onTerm = (): void => done('SIGTERM');
    const done = (why: string): void => {
      process.off('SIGTERM', onTerm);
      io.signal.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = (): void => done('SIGINT');
    if (io.signal.aborted) return done('SIGINT');
    io.signal.addEventListener('abort', onAbort, { once: true });
    process.once('SIGTERM', onTerm);
  });
}

export const sandboxCommand: CliCommand = {
  name: 'sandbox',
  summary: 'Run the offline Oracle pod emulator (for tests and demos)',
  help: [
    'Usage: oli sandbox [options]',
    '',
    'Starts an offline emulator of an Oracle Fusion pod on 127.0.0.1 (docs/SANDBOX.md): SCIM Users and',
    'Roles, userAccounts, ESS scheduler, Learning resources, plus labelled stand-ins where Oracle publishes',
    'nothing (xAPI statements path, OAuth token endpoint, Learning job ids) and test hooks under /__sandbox/.',
    'It is not Oracle. Serves until Ctrl+C (or SIGTERM), then saves the state file if one was given.',
    '',
    'Options:',
    `  --port N             port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)`,
    `  --admin-user NAME    admin user name (default ${DEFAULT_ADMIN_USER})`,
    '  --admin-password PW  admin password (default: generated and printed)',
    '  --users N            seeded users, 0-200000 (default 200)',
    '  --latency MS         added latency per request, 0-60000 ms, ±25% jitter (default 0)',
    '  --fault-rate R       share of requests that fail, 0-1 (default 0)',
    '  --fault-seed S       seed of the fault and jitter sequence (default 1)',
    '  --state FILE         load state from FILE if present; save changes to it',
    '  --no-basic           refuse Basic authentication (a pod whose people sign in through SSO): use OAuth or a JWT',
    '  --oauth-app ID       register a public integrated application ID in the identity domain stand-in',
    `                       (authorization code + PKCE, refresh token, device code; redirect URLs ${SANDBOX_DEFAULT_REDIRECTS.join(', ')})`,
    '  --variant NAME[,NAME...]  play a pod that differs where Oracle publishes nothing (repeatable):',
    ...Object.entries(VARIANTS).map(([name, what]) => `      ${name.padEnd(22)} ${what}`),
  ].join('\n'),
  options: {
    port: { type: 'string' },
    'admin-user': { type: 'string' },
    'admin-password': { type: 'string' },
    users: { type: 'string' },
    latency: { type: 'string' },
    'fault-rate': { type: 'string' },
    'fault-seed': { type: 'string' },
    state: { type: 'string' },
    variant: { type: 'string', multiple: true },
    'no-basic': { type: 'boolean' },
    'oauth-app': { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length) throw new UsageError(`oli sandbox takes no arguments (got '${positionals[0]}'). Run 'oli sandbox --help'.`);
    const options = sandboxOptionsFromArgs(values);
    const { startSandbox } = await import('../../sandbox/server');
    let sandbox;
    try {
      sandbox = await startSandbox(options);
    } catch (err) {
      if (err instanceof SandboxStartError) throw new UsageError(err.message);
      throw err;
    }
    const password = sandbox.passwordGenerated ? `, password: ${sandbox.admin.password}` : '';
    io.stdout(`Oracle pod sandbox listening on ${sandbox.url} (admin user: ${sandbox.admin.userName}${password})\n`);
    io.stdout(`This is an offline emulator, not Oracle: stand-ins (xAPI path ${sandbox.info.xapiPath}, OAuth token ${sandbox.info.tokenPath}, Learning job ids) are labelled [STAND-IN]; test hooks live under /__sandbox/.\n`);
    io.stdout(sandbox.info.variants.length
      ? `Variants: ${sandbox.info.variants.join(', ')} (docs/SANDBOX.md, "Variants"); the administrator holds ${sandbox.info.adminRoles.join(', ')}.\n`
      : `Variants: none (the default pod); the administrator holds ${sandbox.info.adminRoles.join(', ')}.\n`);
    if (!sandbox.info.basicAuth) io.stdout('Basic authentication is refused (--no-basic): sign in with OAuth (oli login) or a JWT (oli login --jwt).\n');
    if (oauthAppArg(values)) io.stdout(`Identity domain stand-in: public application "${oauthAppArg(values)}", scope "${sandbox.info.scope} offline_access", identity domain ${sandbox.url}.\n`);
    if (sandbox.info.statePath) io.stdout(`State file: ${sandbox.info.statePath}\n`);
    io.stdout('Press Ctrl+C to stop.\n');
    const why = await waitForStop(io);
    await sandbox.close();
    io.stdout(`Sandbox stopped (${why})${sandbox.info.statePath ? `; state saved to ${sandbox.info.statePath}` : ''}.\n`);
    return ExitCode.ok;
  },
};
