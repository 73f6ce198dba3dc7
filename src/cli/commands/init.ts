import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ExitCode, UsageError } from '../errors';
import { formatIssues, PLAN_FILE_NAME, planFileSchema, PROVIDER_IDS, savePlan, type PlanFile } from '../../core/plan/planFile';
import { findProfile, getProfile } from '../../core/plan/profiles';
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
    getProfile(v.provider, auth);
    const short = v.provider.split('-')[0]!;
    const userName = v['integration-user'] ?? `user.${short}`;
    const environments: PlanFile['environments'] = {};
    for (const e of v.env) {
      const i = e.indexOf('=');
      environments[e.slice(0, i)] = { url: e.slice(i + 1).replace(/\/+$/, '') };
    }
    const plan = {
      version: 1 as const,
      provider: v.provider,
      auth,
      environments,
      defaultEnvironment: Object.keys(environments)[0],
      integrationUser: { userName, email: v.email ?? `${userName}@example.com` },
      jobRole: { name: v['job-role'] ?? `XX_${short.toUpperCase()}_CONTENT_PROVIDER_JOB`, displayName: `${profile.displayName} Content Provider` },
      learnerIdentifier: v.identifier,
      ...(auth === 'jwt' && profile.family === 'xapi' ? { jwt: { issuer: v.issuer ?? '', certificate: v.cert ?? `${short}.cer` } } : {}),
      ...(auth === 'oauth' && profile.family === 'xapi' ? { oauth: { clientId: v['client-id'] ?? '', tokenUrl: v['token-url'] ?? '', scope: v.scope ?? '' } } : {}),
      catalogProfile: v['catalog-profile'],
      visibility: v.visibility,
      scheduledProcesses: {},
      ess: { application: 'EarHcmEss', startTime: '02:00' },
    };
    const checked = planFileSchema.safeParse(plan);
    if (!checked.success) {
      const hint = auth === 'jwt' ? ' (the jwt variant needs --issuer exactly as the provider gave it)' : ' (the oauth variant needs --client-id, --token-url and --scope)';
      throw new UsageError(`The plan would not be valid: ${formatIssues(checked.error)}${hint}.`);
    }
    const path = resolve(io.cwd, v.plan ?? PLAN_FILE_NAME);
    if (!v.force) {
      const exists = await access(path).then(
        () => true,
        () => false,
      );
      if (exists) throw new UsageError(`${path} exists; use --force to overwrite it.`);
    }
    await savePlan(path, checked.data);
    io.stdout(`Wrote ${path} (${profile.displayName}, ${auth}, environments: ${Object.keys(environments).join(', ')}).\n`);
    if (!v.email) io.stderr(`Note: integrationUser.email is a placeholder (${plan.integrationUser.email}); set the real work email.\n`);
    return ExitCode.ok;
  },
};
