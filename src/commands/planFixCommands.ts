import * as vscode from 'vscode';
import * as z from 'zod';
import { modify, applyEdits } from 'jsonc-parser';
import { diagnosePlan, environmentsIn, valueAt } from '../core/plan/planDiagnostics';
import { environmentSchema } from '../core/plan/planFile';
import { MOVE_SECRET_COMMAND } from '../views/planDiagnostics';
import { ask, pick, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

const moveArgs = z.object({ uri: z.string(), path: z.array(z.union([z.string(), z.number()])).min(1), removeOnly: z.boolean().optional() });

/** The text with the property at `path` removed (jsonc-parser keeps the rest of the formatting). */
function without(text: string, path: (string | number)[]): string {
  return applyEdits(text, modify(text, path, undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

/**
 * The quick fixes of the plan's diagnostics that need more than a text edit. "Move the secret to
 * the credential store": the value written in the plan goes to SecretStorage, bound to the
 * environment and its pod as "Set Credentials" stores it, then leaves the plan (the file is saved).
 * Nothing is sent to Oracle.
 */
export function registerPlanFixCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, controller, credentials, log } = deps;

  registry.add(MOVE_SECRET_COMMAND, async (_run, arg?: unknown) => {
    const a = moveArgs.safeParse(arg);
    if (!a.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Run this from the quick fix of a secret in the plan (the light bulb in oracle-learning.json).'));
    const uri = vscode.Uri.parse(a.data.uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    const path = a.data.path;
    const problem = diagnosePlan(text).find((p) => p.code === 'secret-in-plan' && JSON.stringify(p.path) === JSON.stringify(path));
    const value = valueAt(text, path);
    if (!problem?.secret || typeof value !== 'string' || !value) throw new CommandPreconditionError('not-available', vscode.l10n.t('That secret is no longer in the plan.'));
    const key = String(path.at(-1));
    let siblings: string[] = [];
    let message: string;
    if (a.data.removeOnly || (problem.secret.kind !== 'admin-password' && problem.secret.kind !== 'client-secret')) {
      message = vscode.l10n.t('"{0}" was removed from the plan. Keep it with its owner (a private key stays with the provider), never in a shared file.', key);
    } else {
      // The environment: where the secret was written, else the one the user picks (from the file: the plan is not valid while it holds a secret).
      const envs = environmentsIn(text).filter((e) => e.url && environmentSchema.shape.url.safeParse(e.url).success);
      if (!envs.length) throw new CommandPreconditionError('not-available', vscode.l10n.t('The plan names no environment with a valid URL: add one first, then move the secret.'));
      let env = problem.secret.environment ? envs.find((e) => e.name === problem.secret!.environment) : envs.length === 1 ? envs[0] : undefined;
      if (!env) {
        const chosen = await pick(envs.map((e) => ({ label: e.name, description: e.url })), { placeHolder: vscode.l10n.t('Which environment does this secret belong to? It is stored for that pod only.') });
        env = envs.find((e) => e.name === chosen.label)!;
      }
      const url = env.url!;
      const parent = path.slice(0, -1);
      log.addSecrets([value]);
      if (problem.secret.kind === 'admin-password') {
        const userKey = ['username', 'userName', 'user'].find((k) => typeof valueAt(text, [...parent, k]) === 'string');
        const current = (await credentials.get(env.name, url)).admin?.username;
        const username = userKey
          ? (valueAt(text, [...parent, userKey]) as string)
          : await ask({ title: vscode.l10n.t('Move the password of "{0}" to the credential store', env.name), prompt: vscode.l10n.t('The administrator user name this password belongs to'), value: current ?? '', validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Required')) });
        if (userKey) siblings = [userKey];
        await credentials.set(env.name, url, 'admin', { kind: 'basic', username: username.trim(), password: value });
        message = vscode.l10n.t('The password of "{0}" is now in SecretStorage, bound to {1}, and no longer in the plan.', env.name, new URL(url).origin);
      } else {
        const clientId = (valueAt(text, ['oauth', 'clientId']) as string | undefined) ?? (await ask({ prompt: vscode.l10n.t('Client ID of this secret') }));
        await credentials.set(env.name, url, 'providerClient', { kind: 'oauth-client', clientId, clientSecret: value });
        message = vscode.l10n.t('The client secret of "{0}" is now in SecretStorage, bound to {1}, and no longer in the plan.', env.name, new URL(url).origin);
      }
      log.for('credentials').info(`a ${problem.secret.kind} written in the plan was moved to SecretStorage for "${env.name}" (${new URL(url).origin})`);
      controller.credentialsChanged();
    }
    // Out of the plan: the value, and the user name written beside a password (not a field of the plan either).
    let next = without(text, path);
    for (const k of siblings) next = without(next, [...path.slice(0, -1), k]);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), next);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await model.reload();
    void vscode.window.showInformationMessage(message);
    return { moved: !a.data.removeOnly, message };
  });
}
