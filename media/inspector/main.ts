// The Inspector webview (bundled by scripts/build.mjs to dist/webview/inspector.js). Talks to the
// extension only through the zod-validated protocol in src/views/inspectorProtocol.ts; renders with
// @vscode-elements/elements and textContent only (never innerHTML with data).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import { INSPECTOR_TABS, toHostSchema, toWebviewSchema, type InspectorTab, type ToHost, type ToWebview } from '../../src/views/inspectorProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let strings: Record<string, string> = {};
const s = (key: string, fallback: string) => strings[key] ?? fallback;

function send(message: ToHost): void {
  vscode.postMessage(toHostSchema.parse(message));
}

function el<K extends string>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

type ValueElement = HTMLElement & { value: string };
const inputs: Partial<Record<string, ValueElement>> = {};
const results: Partial<Record<InspectorTab, HTMLElement>> = {};
let tabs: HTMLElement & { selectedIndex: number };

function field(id: string, tag: 'vscode-textarea' | 'vscode-textfield', placeholder: string, rows?: number): ValueElement {
  const f = el(tag, { id, placeholder, ...(rows ? { rows: String(rows), resize: 'vertical' } : {}) }) as ValueElement;
  inputs[id] = f;
  return f;
}

function button(id: string, label: string, onClick: () => void, secondary = false): HTMLElement {
  const b = el('vscode-button', { id, ...(secondary ? { secondary: '' } : {}) }, label);
  b.addEventListener('click', onClick);
  return b;
}

function build(tab: InspectorTab): void {
  const app = document.getElementById('app')!;
  app.replaceChildren();
  tabs = el('vscode-tabs', { id: 'tabs' }) as typeof tabs;
  const panels: Record<InspectorTab, HTMLElement> = {
    certificate: el(
      'vscode-tab-panel',
      {},
      field('certificate-input', 'vscode-textarea', s('certificatePlaceholder', 'Paste a certificate'), 8),
      el('div', {}, button('certificate-inspect', s('inspect', 'Inspect'), () => send({ type: 'inspect-certificate', text: inputs['certificate-input']!.value })), ' ', button('certificate-open', s('openFile', 'Open File…'), () => send({ type: 'pick-certificate-file' }), true)),
      (results.certificate = el('div', { id: 'certificate-result', class: 'result' })),
    ),
    jwt: el(
      'vscode-tab-panel',
      {},
      field('jwt-input', 'vscode-textarea', s('jwtPlaceholder', 'Paste a JWT'), 4),
      field('jwt-certificate', 'vscode-textarea', s('jwtCertificatePlaceholder', 'Certificate'), 3),
      field('jwt-issuer', 'vscode-textfield', s('issuerPlaceholder', 'Issuer')),
      field('jwt-user', 'vscode-textfield', s('userPlaceholder', 'User')),
      button('jwt-inspect', s('inspect', 'Inspect'), () =>
        send({ type: 'inspect-jwt', token: inputs['jwt-input']!.value, certificate: inputs['jwt-certificate']!.value, issuer: inputs['jwt-issuer']!.value, user: inputs['jwt-user']!.value }),
      ),
      (results.jwt = el('div', { id: 'jwt-result', class: 'result' })),
    ),
    xapi: el(
      'vscode-tab-panel',
      {},
      field('xapi-input', 'vscode-textarea', s('xapiPlaceholder', 'Paste xAPI'), 10),
      button('xapi-inspect', s('inspect', 'Inspect'), () => send({ type: 'inspect-xapi', text: inputs['xapi-input']!.value })),
      (results.xapi = el('div', { id: 'xapi-result', class: 'result' })),
    ),
  };
  for (const t of INSPECTOR_TABS) tabs.append(el('vscode-tab-header', { slot: 'header', id: `tab-${t}` }, s(t, t)));
  for (const t of INSPECTOR_TABS) tabs.append(panels[t]);
  app.append(tabs);
  select(tab);
  app.dataset.state = 'ready';
}

function select(tab: InspectorTab): void {
  tabs.selectedIndex = INSPECTOR_TABS.indexOf(tab);
  tabs.setAttribute('selected-index', String(INSPECTOR_TABS.indexOf(tab)));
}

function heading(ok: boolean, okText: string, badText: string): HTMLElement {
  return el('h2', { class: ok ? 'ok' : 'bad', 'data-ok': String(ok) }, ok ? '✔ ' : '✖ ', ok ? okText : badText);
}

function dl(rows: [string, string][]): HTMLElement {
  const d = el('dl');
  for (const [k, v] of rows) d.append(el('dt', {}, k), el('dd', {}, v));
  return d;
}

function render(m: ToWebview): void {
  if (m.type === 'init') {
    strings = m.strings;
    build(m.tab);
    return;
  }
  if (m.type === 'show-input') {
    select(m.tab);
    const id = m.tab === 'certificate' ? 'certificate-input' : m.tab === 'jwt' ? 'jwt-input' : 'xapi-input';
    inputs[id]!.value = m.text;
    return;
  }
  if (m.type === 'error') {
    select(m.tab);
    results[m.tab]!.replaceChildren(el('p', { class: 'bad', 'data-error': 'true' }, m.message));
    return;
  }
  if (m.type === 'certificate-result') {
    select('certificate');
    const r = m.report;
    const out: Node[] = [heading(r.ok, `${s('verified', 'Verified')}: ${s('usableForOracle', 'usable')}`, s('notUsableForOracle', 'Not usable'))];
    for (const c of r.certificates) {
      out.push(
        dl([
          [s('subject', 'Subject'), c.subject],
          [s('issuer', 'Issuer'), `${c.issuer}${c.selfSigned ? ' (self-signed)' : ''}`],
          [s('validity', 'Validity'), `${c.notBefore} → ${c.notAfter} · ${c.status} · ${c.daysRemaining} ${s('daysLeft', 'days left')}`],
          [s('key', 'Key'), `${c.keyType}${c.keySize ? ` ${c.keySize}` : ''} · ${c.signatureAlgorithm}`],
          [s('thumbprint', 'x5t'), c.x5t],
          [s('sha256', 'SHA-256'), c.sha256],
        ]),
      );
    }
    if (r.problems.length) out.push(el('h3', {}, s('problems', 'Problems')), el('ul', {}, ...r.problems.map((p) => el('li', { class: p.severity === 'error' ? 'bad' : 'warn' }, p.message))));
    results.certificate!.replaceChildren(...out);
    return;
  }
  if (m.type === 'jwt-result') {
    select('jwt');
    const r = m.report;
    results.jwt!.replaceChildren(
      heading(r.valid, s('valid', 'valid'), s('invalid', 'invalid')),
      dl([[s('signature', 'Signature'), r.signature.reason]]),
      el('h3', {}, s('checks', 'Checks')),
      el('ul', {}, ...r.checks.map((c) => el('li', { class: c.ok ? 'ok' : 'bad' }, `${c.ok ? '✔' : '✖'} ${c.message}`))),
      el('pre', {}, JSON.stringify({ header: r.header, payload: r.payload }, null, 2)),
    );
    return;
  }
  select('xapi');
  const x = m.inspection;
  const out: Node[] = [heading(x.summary.invalid === 0, `${x.summary.valid}/${x.summary.total} ${s('valid', 'valid')}`, `${x.summary.invalid}/${x.summary.total} ${s('invalid', 'invalid')}`)];
  for (const r of x.results) {
    const o = r.oracle;
    out.push(
      el('h3', { class: r.valid ? 'ok' : 'bad' }, `#${r.index + 1}${r.line ? ` (line ${r.line})` : ''}: ${r.valid ? s('valid', 'valid') : s('invalid', 'invalid')}`),
      dl([
        [s('learner', 'Learner'), `${o.learner.value ?? '—'} (${o.learner.by}${o.learner.mappable ? '' : ', not mappable'})`],
        [s('content', 'Content'), o.contentId ?? '—'],
        [s('oracleReads', 'What Oracle records'), `${o.verbName ?? '—'}${o.completion ? ' → completion' : ''}${o.timestamp ? ` @ ${o.timestamp}` : ''}${o.durationSeconds !== null ? ` · ${o.durationSeconds}s` : ''}${o.score !== null ? ` · score ${o.score}` : ''}`],
      ]),
      el('ul', {}, ...r.errors.map((e) => el('li', { class: 'bad' }, `${e.path || '(statement)'}: ${e.message}`)), ...o.notes.map((n) => el('li', { class: 'warn' }, n))),
    );
  }
  results.xapi!.replaceChildren(...out);
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = toWebviewSchema.safeParse(event.data);
  if (!parsed.success) {
    console.warn('inspector: ignored an invalid message', parsed.error.issues[0]?.message);
    return;
  }
  render(parsed.data);
});

send({ type: 'ready' });
