import * as vscode from 'vscode';
import * as z from 'zod';
import type { StepPageHost } from '../views/stepPage';
import { HISTORY_VIEW, historyUri, type HistoryTreeProvider } from '../views/historyView';
import { SETTINGS_SECTION } from '../views/settings';
import { environmentArg, pickStep, stepArg, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';

const requestsArgs = z.object({ environment: z.string(), at: z.string(), action: z.string() });

/** The commands of the step page, the History view and the settings (issue 13). */
export function registerStepPageCommands(registry: CommandRegistry, deps: CommandDeps, pages: { stepPage: StepPageHost; history: HistoryTreeProvider }): void {
  const { controller } = deps;

  registry.add('oli.openStepPage', async (_run, arg?: unknown) => {
    const a = stepArg(arg);
    const env = controller.environment(a?.environment ?? environmentArg(arg));
    const step = a?.step ?? (await pickStep(deps, () => true, vscode.l10n.t('Open the page of which step?')));
    pages.stepPage.open(env, step);
    return { environment: env, step };
  });

  registry.add('oli.showHistory', async () => {
    await vscode.commands.executeCommand(`${HISTORY_VIEW}.focus`);
  });

  registry.add('oli.showHistoryRequests', async (_run, arg?: unknown) => {
    const a = requestsArgs.safeParse(arg);
    if (!a.success) throw new CommandPreconditionError('invalid-input', vscode.l10n.t('Choose an entry of the History view to see its requests.'));
    const entry = pages.history.find(a.data.environment, a.data.at, a.data.action);
    if (!entry) throw new CommandPreconditionError('not-available', vscode.l10n.t('This entry is no longer in the history of "{0}" (it keeps the last 500).', a.data.environment));
    const doc = await vscode.workspace.openTextDocument(historyUri(a.data.environment, entry));
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc.uri.toString();
  });

  registry.add('oli.exportIdentityCsv', async () => {
    if (!deps.identityPage.isOpen) throw new CommandPreconditionError('not-available', vscode.l10n.t('Run "Check Learner Identities from File" first: its result page exports the CSV.'));
    return deps.identityPage.exportCsv();
  });

  registry.add('oli.openSettings', async () => {
    await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${deps.context.extension.id}`);
    return SETTINGS_SECTION;
  });
}
