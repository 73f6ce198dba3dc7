import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ExitCode, UsageError } from '../errors';
import { formatIssues, PLAN_FILE_NAME, PROVIDER_IDS, savePlan } from '../../core/plan/planFile';
import { findProfile } from '../../core/plan/profiles';
import { newPlan, NewPlanError } from '../../core/plan/newPlan';
import type { CliCommand } from './registry';

const initInput = z.object({
  provider: z.enum(PROVIDER_IDS).default('coursera'),
  auth: z.enum(['jwt', 'oauth']).optional(),
  env: z.array(z.string().regex(/^[^=]+=.+$/, 'use --env NAME=URL')).min(1, 'give at least one --env NAME=URL'),
  'integration-user': z.string().optional(),
  email: z.string().email().optional(),
  'job-role': z.string().optional(),
  issuer: z.string().optional(),
  cert: z.string().optional(),
  'client-id': z.string().optional(),
  'token-url': z.string().url().optional(),
  scope: z.string().optional(),
  identifier: z.enum(['email', 'username']).default('email'),
  visibility: z.enum(['public', 'private']).default('public'),
  'catalog-profile': z.string().default('Default'),
  plan: z.string().optional(),
  force: z.boolean().optional(),
});

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'Write the plan file oracle-learning.json',
  help: `Usage: oli init [--provider ${PROVIDER_IDS.join('|')}] [--auth jwt|oauth] --env NAME=URL [--env NAME=URL ...]
       [--integration-user user.coursera] [--email ADDR] [--job-role CODE] [--issuer ISS] [--cert FILE]
       [--client-id ID --token-url URL --scope SCOPE] [--identifier email|username]
       [--visibility public|private] [--catalog-profile NAME] [--plan FILE] [--force]

Writes ${PLAN_FILE_NAME} (no secrets, ever). The first --env is the default environment.`,
  options: {
    provider: { type: 'string' },
    auth: { type: 'string' },
    env: { type: 'string', multiple: true },
    'integration-user': { type: 'string' },
    email: { type: 'string' },
    'job-role': { type: 'string' },
    issuer: { type: 'string' },
    cert: { type: 'string' },
    'client-id': { type: 'string' },
    'token-url': { type: 'string' },
    scope: { type: 'string' },
    identifier: { type: 'string' },
    visibility: { type: 'string' },
    'catalog-profile': { type: 'string' },
    plan: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const parsed = initInput.safeParse(values);
    if (!parsed.success) throw new UsageError(`${formatIssues(parsed.error)}. Run 'oli init --help'.`);
    const v = parsed.data;
    const profile = findProfile(v.provider);
    const auth = v.auth ?? profile.auths[0]!;
    const environments = v.env.map((e) => ({ name: e.slice(0, e.indexOf('=')), url: e.slice(e.indexOf('=') + 1) }));
    // A name given twice would silently keep only its last URL: refuse it, naming both.
    const seen = new Map<string, string>();
    for (const e of environments) {
      const before = seen.get(e.name);
      if (before !== undefined) throw new UsageError(`--env ${e.name} is given twice (${before} and ${e.url}); each environment needs its own name, e.g. --env test=… --env prod=….`);
      seen.set(e.name, e.url);
    }
    let created: ReturnType<typeof newPlan>;
    try {
      created = newPlan({
        provider: v.provider,
        auth,
        environments,
        ...(v['integration-user'] !== undefined ? { integrationUser: v['integration-user'] } : {}),
        ...(v.email !== undefined ? { email: v.email } : {}),
        ...(v['job-role'] !== undefined ? { jobRole: v['job-role'] } : {}),
        ...(v.issuer !== undefined ? { issuer: v.issuer } : {}),
        ...(v.cert !== undefined ? { certificate: v.cert } : {}),
        ...(v['client-id'] !== undefined ? { clientId: v['client-id'] } : {}),
        ...(v['token-url'] !== undefined ? { tokenUrl: v['token-url'] } : {}),
        ...(v.scope !== undefined ? { scope: v.scope } : {}),
        learnerIdentifier: v.identifier,
        visibility: v.visibility,
        catalogProfile: v['catalog-profile'],
      });
    } catch (err) {
      if (!(err instanceof NewPlanError)) throw err;
      const hint = auth === 'jwt' ? ' (the jwt variant needs --issuer exactly as the provider gave it)' : ' (the oauth variant needs --client-id, --token-url and --scope)';
      throw new UsageError(`The plan would not be valid: ${err.issues}${hint}.`);
    }
    const plan = created.plan;
    const path = resolve(io.cwd, v.plan ?? PLAN_FILE_NAME);
    if (!v.force) {
      const exists = await access(path).then(
        () => true,
        () => false,
      );
      if (exists) throw new UsageError(`${path} exists; use --force to overwrite it.`);
    }
    await savePlan(path, plan);
    io.stdout(`Wrote ${path} (${profile.displayName}, ${auth}, environments: ${Object.keys(plan.environments).join(', ')}).\n`);
    if (!v.email) io.stderr(`Note: integrationUser.email is a placeholder (${plan.integrationUser.email}); set the real work email.\n`);
    return ExitCode.ok;
  },
};
