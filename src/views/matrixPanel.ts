import * as vscode from 'vscode';
import type { StepStatus } from '../core/plan/stepIds';
import type { IntegrationModel } from './integrationModel';
import { OperationsPanel } from './operationsWebview';
import { esc, type OperationsToHost } from './operationsProtocol';
import { statusLabel } from './statusPresentation';
import type { ComponentLog } from './logger';

/** The same badges as the tree's decorations (statusPresentation), as text. */
const BADGE: Record<StepStatus, { badge: string; cls: string }> = {
  done: { badge: '✓', cls: 'ok' },
  attested: { badge: 'A', cls: 'attested' },
  'needs-action': { badge: '!', cls: 'warning' },
  failed: { badge: '✗', cls: 'error' },
  blocked: { badge: 'B', cls: 'unknown' },
  'not-applicable': { badge: '–', cls: 'unknown' },
  unknown: { badge: '?', cls: 'unknown' },
};

/** Steps × environments, each cell the status with its decoration, from each environment's last results. */
export function matrixBody(model: IntegrationModel, running: ReadonlySet<string>): string {
  const plan = model.plan;
  const steps = model.profile?.steps ?? [];
  if (!plan) return `<p>${esc(vscode.l10n.t('No plan in this workspace.'))}</p>`;
  const envs = model.environments;
  const head = envs
    .map((env) => {
      const cfg = plan.environments[env]!;
      const conn = model.connection(env);
      const creds = model.credentialPresence(env).admin;
      const checked = steps.map((s) => model.result(env, s.id)?.checkedAt).filter((x): x is string => !!x).sort().at(-1);
      const note = running.has(env)
        ? vscode.l10n.t('checking…')
        : !creds
          ? vscode.l10n.t('no credentials')
          : conn && !conn.ok
            ? vscode.l10n.t('could not be read: {0}', conn.message)
            : checked
              ? vscode.l10n.t('checked {0}', new Date(checked).toLocaleString())
              : vscode.l10n.t('not checked');
      return `<th class="env" data-env="${esc(env)}">${esc(env)}${cfg.production ? ` <span class="warning">${esc(vscode.l10n.t('production'))}</span>` : ''}<div class="muted">${esc(cfg.url)}</div><div class="${conn && !conn.ok ? 'error' : 'muted'}" data-env-note>${esc(note)}</div></th>`;
    })
    .join('');
  const rows = steps
    .map((s, i) => {
      const statuses = envs.map((env) => model.result(env, s.id)?.status);
      const differs = new Set(statuses.filter((x) => x !== undefined)).size > 1;
      const cells = envs
        .map((env) => {
          const r = model.result(env, s.id);
          if (!r) return `<td class="cell" data-env="${esc(env)}" data-status="none"><span class="muted">—</span></td>`;
          const b = BADGE[r.status];
          return `<td class="cell ${b.cls}" data-env="${esc(env)}" data-status="${esc(r.status)}" title="${esc(r.detail)}"><span class="badge">${b.badge}</span>${esc(statusLabel(r.status))}</td>`;
        })
        .join('');
      return `<tr class="${differs ? 'differs' : ''}" data-step="${esc(s.id)}"><td class="step">${i + 1}. ${esc(s.title)}${differs ? `<span class="differs-mark" title="${esc(vscode.l10n.t('differs between environments'))}">≠</span>` : ''}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<h1>${esc(vscode.l10n.t('{0} on every environment', model.profile?.provider.displayName ?? ''))}</h1>
<div class="muted">${esc(vscode.l10n.t('Each cell is the step\'s last status on that environment, with the tree\'s decoration (✓ done, A attested, ! needs action, ✗ failed, B blocked, ? not checked). ≠ marks a step that differs.'))}</div>
<div class="bar"><button data-action="refresh">${esc(vscode.l10n.t('Refresh all environments'))}</button><button class="secondary" data-action="compare">${esc(vscode.l10n.t('Compare two environments…'))}</button></div>
<table id="matrix" class="matrix"><thead><tr><th>${esc(vscode.l10n.t('Step'))}</th>${head}</tr></thead><tbody>
${rows}
</tbody></table>`;
}

export class MatrixPanel extends OperationsPanel {
  constructor(
    private readonly model: IntegrationModel,
    log: ComponentLog,
    handler: (m: OperationsToHost) => Promise<void>,
  ) {
    super('oli.environmentsMatrix', log, handler);
  }

  render(running: ReadonlySet<string> = new Set()): void {
    this.show(vscode.l10n.t('Environments side by side'), matrixBody(this.model, running));
  }
}
