import * as vscode from 'vscode';
import * as z from 'zod';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssues, PLAN_FILE_NAME, PROVIDER_IDS, type PlanFile } from '../core/plan/planFile';
import { newPlan, NewPlanError } from '../core/plan/newPlan';
import { findProfile, PROVIDER_PROFILES, type AuthVariant } from '../core/plan/profiles';
import { ask, pick, type CommandDeps } from './deps';
import { CommandPreconditionError, UserCancelledError, type CommandRegistry } from './registry';
import { ENVIRONMENT_NAME, validateEnvironmentName, validatePodUrl } from './environmentCommands';

/** Programmatic input of "Create Plan" (tests and other extensions); the palette asks for each value. */
const createPlanArgs = z.object({
  provider: z.enum(PROVIDER_IDS),
  auth: z.enum(['jwt', 'oauth']),
  environments: z.array(z.object({ name: z.string().regex(ENVIRONMENT_NAME), url: z.string() })).min(1),
  issuer: z.string().optional(),
  certificate: z.string().optional(),
  clientId: z.string().optional(),
  tokenUrl: z.string().optional(),
  scope: z.string().optional(),
  integrationUser: z.string().optional(),
  email: z.string().optional(),
  overwrite: z.boolean().optional(),
});
export type CreatePlanArgs = z.infer<typeof createPlanArgs>;

/** The plan "Create Plan" writes: the shared defaults of src/core/plan/newPlan.ts (the same as `oli init`). */
export function planFromArgs(a: CreatePlanArgs): PlanFile {
  try {
    return newPlan({
      provider: a.provider,
      auth: a.auth,
      environments: a.environments,
      ...(a.integrationUser !== undefined ? { integrationUser: a.integrationUser } : {}),
      ...(a.email !== undefined ? { email: a.email } : {}),
      ...(a.issuer !== undefined ? { issuer: a.issuer } : {}),
      ...(a.certificate !== undefined ? { certificate: a.certificate } : {}),
      ...(a.clientId !== undefined ? { clientId: a.clientId } : {}),
      ...(a.tokenUrl !== undefined ? { tokenUrl: a.tokenUrl } : {}),
      ...(a.scope !== undefined ? { scope: a.scope } : {}),
    }).plan;
  } catch (err) {
    if (err instanceof NewPlanError) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('The plan would not be valid: {0}.', err.issues));
    throw err;
  }
}

async function askPlan(): Promise<CreatePlanArgs> {
  const provider = await pick(
    PROVIDER_PROFILES.map((p) => ({ label: p.displayName, description: p.family === 'aicc' ? vscode.l10n.t('AICC') : vscode.l10n.t('xAPI'), id: p.id })),
    { title: vscode.l10n.t('Create Plan (1/3): content provider'), placeHolder: vscode.l10n.t('Which provider do you integrate with Oracle Learning?') },
  );
  const profile = findProfile(provider.id);
  const auths = profile.auths as AuthVariant[];
  const variant =
    auths.length === 1
      ? auths[0]!
      : (
          await pick(
            auths.map((a) => ({
              label: a === 'jwt' ? vscode.l10n.t('JWT (trusted issuer and certificate)') : vscode.l10n.t('OAuth (OCI IAM confidential application)'),
              detail: a === 'jwt' ? vscode.l10n.t('Security Console > API Authentication, token type JWT') : vscode.l10n.t('Client credentials grant; the client secret stays in SecretStorage'),
              id: a,
            })),
            { title: vscode.l10n.t('Create Plan (2/3): authentication variant'), placeHolder: vscode.l10n.t('How does {0} authenticate to Oracle?', profile.displayName) },
          )
        ).id;
  const environments: { name: string; url: string }[] = [];
  for (;;) {
    const name = await ask({
      title: vscode.l10n.t('Create Plan (3/3): environment {0}', environments.length + 1),
      prompt: environments.length ? vscode.l10n.t('Another environment name, or leave empty to finish') : vscode.l10n.t('Environment name, e.g. dev, test or prod'),
      value: environments.length ? '' : 'dev',
      validateInput: (v) => (environments.length && v === '' ? undefined : validateEnvironmentName(v, environments.map((e) => e.name))),
    });
    if (!name) break;
    const url = await ask({ title: vscode.l10n.t('Pod URL of "{0}"', name), prompt: vscode.l10n.t('e.g. https://abcd-dev1.fa.us2.oraclecloud.com'), validateInput: validatePodUrl });
    environments.push({ name, url });
  }
  const args: CreatePlanArgs = { provider: provider.id, auth: variant, environments };
  if (profile.family === 'xapi' && variant === 'jwt') {
    args.issuer = await ask({ prompt: vscode.l10n.t('Trusted issuer, exactly as {0} gave it', profile.displayName), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) });
  }
  if (profile.family === 'xapi' && variant === 'oauth') {
    args.clientId = await ask({ prompt: vscode.l10n.t('Client ID of the OCI IAM confidential application'), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) });
    args.tokenUrl = await ask({ prompt: vscode.l10n.t('Token URL, e.g. https://idcs-….identity.oraclecloud.com/oauth2/v1/token'), validateInput: (v) => (/^https?:\/\//.test(v) ? undefined : vscode.l10n.t('A URL')) });
    args.scope = await ask({ prompt: vscode.l10n.t('Scope, e.g. urn:opc:resource:fa:instanceid=<n>urn:opc:resource:consumer::all'), validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) });
  }
  return args;
}

export function registerPlanCommands(registry: CommandRegistry, deps: CommandDeps): void {
  registry.add('oli.createPlan', async (_run, arg?: unknown) => {
    if (!deps.model.root) throw new CommandPreconditionError('not-available', vscode.l10n.t('Open a folder first: the plan file {0} is saved in the workspace folder.', PLAN_FILE_NAME));
    let input: CreatePlanArgs;
    if (arg !== undefined) {
      const parsed = createPlanArgs.safeParse(arg);
      if (!parsed.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid Create Plan arguments: {0}.', formatIssues(parsed.error)));
      input = parsed.data;
    } else {
      input = await askPlan();
    }
    const path = join(deps.model.root, PLAN_FILE_NAME);
    if (existsSync(path) && !input.overwrite) {
      const replace = vscode.l10n.t('Replace');
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists. Replace it?', PLAN_FILE_NAME), { modal: true }, replace);
      if (answer !== replace) throw new UserCancelledError();
    }
    const plan = planFromArgs(input);
    await deps.model.writePlan(plan);
    deps.log.for('command').info(`plan written: ${plan.provider} (${plan.auth}), environments ${Object.keys(plan.environments).join(', ')}`);
    if (arg === undefined) await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
    return path;
  });

  registry.add('oli.openPlan', async () => {
    const path = deps.model.planPath;
    if (!path || !existsSync(path)) throw new CommandPreconditionError('not-available', vscode.l10n.t('No {0} in this workspace. Run "Oracle Learning: Create Plan".', PLAN_FILE_NAME));
    await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
  });
}
