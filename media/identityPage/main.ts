// The identity check page (bundled to dist/webview/identityPage.js): the counts, the problems with
// their lines, a filter by kind, "Export as CSV". Checked messages both ways (src/views/
// identityPageProtocol.ts); textContent only. The report is not kept in webview state (it holds
// learners' identifiers): the host sends it again when the page is shown.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { identityPageToHostSchema, toIdentityPageSchema, type IdentityPageReport, type IdentityPageToHost, type ToIdentityPage } from '../../src/views/identityPageProtocol';
import { el, listen, vscode } from '../shared/page';

let strings: Record<string, string> = {};
const s = (key: string, fallback: string) => strings[key] ?? fallback;
let report: IdentityPageReport | undefined;
let filter = 'all';
let exported: string | undefined;
const KINDS = ['missing', 'duplicate', 'inactive', 'invalid'] as const;

function send(message: IdentityPageToHost): void {
  vscode.postMessage(identityPageToHostSchema.parse(message));
}

function button(id: string, label: string, onClick: () => void, o: { secondary?: boolean; pressed?: boolean } = {}): HTMLElement {
  const b = el('vscode-button', { id, ...(o.secondary ? { secondary: '' } : {}), ...(o.pressed !== undefined ? { 'aria-pressed': String(o.pressed) } : {}) }, label);
  b.addEventListener('click', onClick);
  return b;
}

function render(): void {
  const app = document.getElementById('app')!;
  if (!report) return;
  const r = report;
  const sum = r.summary;
  const keys = ['total', 'matched', ...KINDS] as const;
  const counts = el(
    'table',
    { class: 'counts', id: 'counts' },
    el('thead', {}, el('tr', {}, ...keys.map((k) => el('th', { scope: 'col' }, s(k, k))))),
    el('tbody', {}, el('tr', {}, ...keys.map((k) => el('td', { 'data-count': k }, String(sum[k]))))),
  );
  const shown = r.problems.filter((p) => filter === 'all' || p.problem === filter);
  const problems = r.problems.length
    ? [
        el(
          'div',
          { class: 'filter', role: 'group', 'aria-label': s('show', 'Show') },
          `${s('show', 'Show')}:`,
          ...['all', ...KINDS].filter((k) => k === 'all' || sum[k as (typeof KINDS)[number]] > 0).map((k) =>
            button(`filter-${k}`, `${s(k, k)}${k === 'all' ? '' : ` (${sum[k as (typeof KINDS)[number]]})`}`, () => {
              filter = k;
              render();
            }, { secondary: filter !== k, pressed: filter === k }),
          ),
        ),
        el(
          'table',
          { class: 'problems', id: 'problems' },
          el('thead', {}, el('tr', {}, ...[s('line', 'Line'), s('value', 'Value'), s('problem', 'Problem'), s('details', 'Details')].map((h) => el('th', { scope: 'col' }, h)))),
          el(
            'tbody',
            {},
            ...shown.map((p) => {
              const line = p.line !== undefined ? el('a', { href: '#', 'data-line': String(p.line), title: s('openLine', 'Open line {0}').replace('{0}', String(p.line)) }, String(p.line)) : el('span', {}, '—');
              line.addEventListener('click', (e) => {
                e.preventDefault();
                if (p.line !== undefined) send({ type: 'open-line', line: p.line });
              });
              return el('tr', { 'data-problem': p.problem }, el('td', { class: 'line' }, line), el('td', {}, el('code', {}, p.value)), el('td', {}, p.problem === 'invalid' || p.problem === 'missing' ? el('span', {}, el('span', { class: 'mark fail', 'aria-hidden': 'true' }, '✖'), ' ', s(p.problem, p.problem)) : el('span', {}, el('span', { class: 'mark warn', 'aria-hidden': 'true' }, '!'), ' ', s(p.problem, p.problem))), el('td', {}, p.message, p.users?.length ? el('div', { class: 'muted' }, p.users.join(', ')) : null));
            }),
          ),
        ),
      ]
    : [el('p', { id: 'all-good' }, el('span', { class: 'mark pass', 'aria-hidden': 'true' }, '✔'), ' ', s('allGood', 'Every identifier resolves to exactly one active Oracle user.'))];
  app.replaceChildren(
    el('h1', {}, s('title', 'Learner identities on {0}').replace('{0}', r.environment)),
    el('p', { class: 'muted' }, `${s('file', 'File')}: ${r.file} · ${s('by', 'Identified by')}: ${r.by} · ${s('checkedAt', 'Checked')}: ${r.at}`),
    counts,
    el('h2', {}, s('problems', 'Problems')),
    ...problems,
    el('div', { class: 'actions' }, button('export-csv', s('exportCsv', 'Export as CSV'), () => send({ type: 'export-csv' }), { secondary: !r.problems.length })),
    el('p', { id: 'exported', role: 'status', 'aria-live': 'polite', class: 'muted' }, exported ? s('exported', 'Exported to {0}').replace('{0}', exported) : ''),
  );
  app.dataset.state = 'ready';
}

function onMessage(m: ToIdentityPage): void {
  if (m.type === 'init') strings = m.strings;
  else if (m.type === 'report') {
    report = m.report;
    filter = 'all';
    exported = undefined;
    render();
  } else if (m.type === 'exported') {
    exported = m.path;
    render();
  }
}

listen(toIdentityPageSchema, onMessage, (issue) => send({ type: 'invalid-message', issue }));

send({ type: 'ready' });
