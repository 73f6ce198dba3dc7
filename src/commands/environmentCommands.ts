import * as vscode from 'vscode';
import * as z from 'zod';
import { environmentSchema, formatIssues } from '../core/plan/planFile';
import { ask, environmentArg, pick, pickEnvironment, type CommandDeps } from './deps';
import { CommandPreconditionError, UserCancelledError, type CommandRegistry } from './registry';

export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

export function validateEnvironmentName(v: string, existing: string[]): string | undefined {
  if (!ENVIRONMENT_NAME.test(v)) return vscode.l10n.t('Letters, digits, ".", "_" or "-", at most 40 characters, starting with a letter or digit.');
  if (existing.includes(v)) return vscode.l10n.t('There is already an environment "{0}".', v);
  return undefined;
}

export function validatePodUrl(v: string): string | undefined {
  const parsed = environmentSchema.shape.url.safeParse(v.trim().replace(/\/+$/, ''));
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

const addArgs = z.object({ name: z.string().regex(ENVIRONMENT_NAME), url: z.string(), production: z.boolean().optional(), select: z.boolean().optional() });
const editArgs = z.object({ environment: z.string(), url: z.string().optional(), production: z.boolean().optional(), caFile: z.string().optional(), proxy: z.string().optional() });
const removeArgs = z.object({ environment: z.string(), confirm: z.literal(false).optional() });

function parseArgs<T>(schema: z.ZodType<T>, arg: unknown, what: string): T {
  const parsed = schema.safeParse(arg);
  if (!parsed.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Invalid {0} arguments: {1}.', what, formatIssues(parsed.error)));
  return parsed.data;
}

export function registerEnvironmentCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model } = deps;

  registry.add('oli.addEnvironment', async (_run, arg?: unknown) => {
    if (!model.plan) throw new CommandPreconditionError('not-available', vscode.l10n.t('Create the plan first ("Oracle Learning: Create Plan").'));
    const input =
      arg !== undefined
        ? parseArgs(addArgs, arg, 'Add Environment')
        : {
            name: await ask({ prompt: vscode.l10n.t('Environment name, e.g. test or prod'), validateInput: (v) => validateEnvironmentName(v, model.environments) }),
            url: await ask({ prompt: vscode.l10n.t('Pod URL, e.g. https://abcd-test.fa.us2.oraclecloud.com'), validateInput: validatePodUrl }),
            production:
              (await pick([{ label: vscode.l10n.t('No'), id: false }, { label: vscode.l10n.t('Yes: production pod (applying asks for confirmation)'), id: true }], { placeHolder: vscode.l10n.t('Is it a production pod?') })).id,
            select: true,
          };
    const problem = validateEnvironmentName(input.name, model.environments) ?? validatePodUrl(input.url);
    if (problem) throw new CommandPreconditionError('invalid-input', problem);
    await model.updatePlan((p) => {
      p.environments[input.name] = { url: input.url.trim().replace(/\/+$/, ''), ...(input.production ? { production: true } : {}) };
    });
    if (input.select !== false) await model.setActiveEnvironment(input.name);
    return input.name;
  });

  registry.add('oli.editEnvironment', async (_run, arg?: unknown) => {
    if (!model.plan) throw new CommandPreconditionError('not-available', vscode.l10n.t('Create the plan first ("Oracle Learning: Create Plan").'));
    const fromArg = arg !== undefined && !(typeof arg === 'object' && arg !== null && 'toTreeItem' in arg) ? parseArgs(editArgs, arg, 'Edit Environment') : undefined;
    const env = fromArg?.environment ?? environmentArg(arg) ?? model.activeEnvironment ?? (await pickEnvironment(deps, vscode.l10n.t('Environment to edit')));
    const current = model.plan.environments[env];
    if (!current) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('No environment "{0}" in the plan.', env));
    let change = fromArg;
    if (!change) {
      const field = await pick(
        [
          { label: vscode.l10n.t('Pod URL'), description: current.url, id: 'url' as const },
          { label: vscode.l10n.t('Production flag'), description: current.production ? vscode.l10n.t('production') : vscode.l10n.t('not production'), id: 'production' as const },
          { label: vscode.l10n.t('Extra CA file (PEM)'), description: current.caFile ?? '', id: 'caFile' as const },
          { label: vscode.l10n.t('HTTPS proxy'), description: current.proxy ?? '', id: 'proxy' as const },
        ],
        { placeHolder: vscode.l10n.t('What do you change in "{0}"?', env) },
      );
      if (field.id === 'url') change = { environment: env, url: await ask({ value: current.url, validateInput: validatePodUrl }) };
      else if (field.id === 'production') change = { environment: env, production: !current.production };
      else if (field.id === 'caFile') change = { environment: env, caFile: await ask({ value: current.caFile ?? '', prompt: vscode.l10n.t('Path relative to the plan file; empty to remove') }) };
      else change = { environment: env, proxy: await ask({ value: current.proxy ?? '', prompt: vscode.l10n.t('https://proxy.example.com:8080; empty to remove') }) };
    }
    if (change.url !== undefined) {
      const problem = validatePodUrl(change.url);
      if (problem) throw new CommandPreconditionError('invalid-input', problem);
    }
    await model.updatePlan((p) => {
      const e = { ...p.environments[env]! };
      if (change.url !== undefined) e.url = change.url.trim().replace(/\/+$/, '');
      if (change.production !== undefined) {
        if (change.production) e.production = true;
        else delete e.production;
      }
      if (change.caFile !== undefined) {
        if (change.caFile) e.caFile = change.caFile;
        else delete e.caFile;
      }
      if (change.proxy !== undefined) {
        if (change.proxy) e.proxy = change.proxy;
        else delete e.proxy;
      }
      p.environments[env] = e;
    });
    model.setConnection(env, undefined);
    return env;
  });

  registry.add('oli.removeEnvironment', async (_run, arg?: unknown) => {
    if (!model.plan) throw new CommandPreconditionError('not-available', vscode.l10n.t('Create the plan first ("Oracle Learning: Create Plan").'));
    const programmatic = arg !== undefined && !(arg instanceof Object && 'toTreeItem' in arg) ? parseArgs(removeArgs, arg, 'Remove Environment') : undefined;
    const env = programmatic?.environment ?? environmentArg(arg) ?? (await pickEnvironment(deps, vscode.l10n.t('Environment to remove')));
    if (!model.plan.environments[env]) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('No environment "{0}" in the plan.', env));
    if (model.environments.length === 1) throw new CommandPreconditionError('refused', vscode.l10n.t('"{0}" is the only environment; a plan needs at least one. Add another first.', env));
    if (!programmatic) {
      const remove = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove environment "{0}" from the plan and delete its stored credentials?', env),
        { modal: true, detail: vscode.l10n.t('Its state file (attestations, history) stays in .oracle-learning/.') },
        remove,
      );
      if (answer !== remove) throw new UserCancelledError();
    }
    await deps.credentials.delete(env);
    await model.updatePlan((p) => {
      delete p.environments[env];
      if (p.defaultEnvironment === env) p.defaultEnvironment = Object.keys(p.environments)[0];
    });
    model.forgetEnvironment(env);
    if (model.activeEnvironment === env || !model.activeEnvironment) await model.setActiveEnvironment(model.environments[0]!);
    return env;
  });

  registry.add('oli.selectEnvironment', async (_run, arg?: unknown) => {
    const env = environmentArg(arg) ?? (await pickEnvironment(deps, vscode.l10n.t('Environment to work on (every command runs against it)')));
    await model.setActiveEnvironment(env);
    return env;
  });
}
