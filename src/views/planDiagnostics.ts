import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { diagnosePlan, type PlanProblem } from '../core/plan/planDiagnostics';
import { PLAN_FILE_NAME } from '../core/plan/planFile';
import { Disposable } from './disposable';
import type { IntegrationModel } from './integrationModel';
import type { ComponentLog } from './logger';

export const PLAN_DIAGNOSTIC_SOURCE = 'Oracle Learning';
/** The command the "move the secret" quick fix runs (src/commands/planFixCommands.ts). */
export const MOVE_SECRET_COMMAND = 'oli.moveSecretToStore';

const isPlan = (uri: vscode.Uri) => uri.scheme === 'file' && basename(uri.fsPath) === PLAN_FILE_NAME;

/**
 * Problems of `oracle-learning.json` in the Problems panel, with exact ranges: the schema's errors
 * and the plan's own rules (a default environment that does not exist, a secret written into the
 * plan). Live while the file is edited (the document's text), and from the disk otherwise. JSON
 * syntax errors are left to VS Code's JSON support, which reports them at the same place.
 */
export class PlanDiagnostics extends Disposable implements vscode.CodeActionProvider {
  readonly collection = this.register(vscode.languages.createDiagnosticCollection('oracle-learning'));
  private readonly problems = new Map<string, PlanProblem[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires after the problems of a plan file were published (tests wait on it). */
  readonly onDidUpdate = this.changed.event;

  constructor(
    private readonly model: IntegrationModel,
    private readonly log: ComponentLog,
  ) {
    super();
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    this.register(vscode.workspace.onDidOpenTextDocument((d) => isPlan(d.uri) && this.fromText(d.uri, d.getText())));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => isPlan(e.document.uri) && this.later(e.document)));
    // A closed editor: the file on disk counts again.
    this.register(vscode.workspace.onDidCloseTextDocument((d) => isPlan(d.uri) && void this.fromDisk(d.uri)));
    this.register(model.onDidChangePlan(() => void this.refreshModelPlan()));
    this.register(vscode.languages.registerCodeActionsProvider({ language: 'json', pattern: `**/${PLAN_FILE_NAME}` }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    for (const d of vscode.workspace.textDocuments) if (isPlan(d.uri)) this.fromText(d.uri, d.getText());
    void this.refreshModelPlan();
  }

  /** The problems published for a plan file. */
  problemsOf(uri: vscode.Uri): PlanProblem[] {
    return this.problems.get(uri.toString()) ?? [];
  }

  private async refreshModelPlan(): Promise<void> {
    const path = this.model.planPath;
    if (!path) return;
    const uri = vscode.Uri.file(path);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) this.fromText(uri, open.getText());
    else await this.fromDisk(uri);
  }

  private later(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.fromText(doc.uri, doc.getText());
      }, 250),
    );
  }

  private async fromDisk(uri: vscode.Uri): Promise<void> {
    let text: string;
    try {
      text = await readFile(uri.fsPath, 'utf8');
    } catch {
      this.publish(uri, []);
      return;
    }
    this.fromText(uri, text);
  }

  private fromText(uri: vscode.Uri, text: string): void {
    let problems: PlanProblem[];
    try {
      problems = diagnosePlan(text).filter((p) => p.code !== 'json-syntax');
    } catch (err) {
      this.log.warn(`could not check ${uri.fsPath}: ${(err as Error).message}`);
      problems = [];
    }
    this.publish(uri, problems, text);
  }

  private publish(uri: vscode.Uri, problems: PlanProblem[], text = ''): void {
    this.problems.set(uri.toString(), problems);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const position = (offset: number): vscode.Position => {
      if (doc && doc.getText() === text) return doc.positionAt(offset);
      // From the disk: count lines in the text read.
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      return new vscode.Position(line, offset - (before.lastIndexOf('\n') + 1));
    };
    this.collection.set(
      uri,
      problems.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(position(p.offset), position(p.offset + p.length)), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = PLAN_DIAGNOSTIC_SOURCE;
        d.code = p.code;
        return d;
      }),
    );
    this.changed.fire(uri);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const problems = this.problemsOf(document.uri);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics.filter((d) => d.source === PLAN_DIAGNOSTIC_SOURCE)) {
      const start = document.offsetAt(diagnostic.range.start);
      const p = problems.find((x) => x.offset === start && x.code === diagnostic.code);
      if (!p) continue;
      if (p.code === 'unknown-default-environment') {
        for (const env of p.environments ?? []) {
          const a = new vscode.CodeAction(vscode.l10n.t('Use environment "{0}"', env), vscode.CodeActionKind.QuickFix);
          a.edit = new vscode.WorkspaceEdit();
          a.edit.replace(document.uri, diagnostic.range, JSON.stringify(env));
          a.diagnostics = [diagnostic];
          a.isPreferred = (p.environments?.length ?? 0) === 1;
          actions.push(a);
        }
      }
      if (p.code === 'secret-in-plan' && p.path.length) {
        const storable = p.secret?.kind === 'admin-password' || p.secret?.kind === 'client-secret';
        if (storable) {
          const a = new vscode.CodeAction(
            p.secret?.kind === 'admin-password' ? vscode.l10n.t('Move the password to the credential store (SecretStorage, bound to the pod)') : vscode.l10n.t('Move the client secret to the credential store (SecretStorage, bound to the pod)'),
            vscode.CodeActionKind.QuickFix,
          );
          a.command = { command: MOVE_SECRET_COMMAND, title: a.title, arguments: [{ uri: document.uri.toString(), path: p.path }] };
          a.diagnostics = [diagnostic];
          a.isPreferred = true;
          actions.push(a);
        } else {
          const a = new vscode.CodeAction(vscode.l10n.t('Remove "{0}" from the plan (keep it with its owner, never in a shared file)', p.secret?.key ?? ''), vscode.CodeActionKind.QuickFix);
          a.command = { command: MOVE_SECRET_COMMAND, title: a.title, arguments: [{ uri: document.uri.toString(), path: p.path, removeOnly: true }] };
          a.diagnostics = [diagnostic];
          actions.push(a);
        }
      }
    }
    return actions;
  }
}
