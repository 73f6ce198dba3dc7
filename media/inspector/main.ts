// The Inspector webview (bundled by scripts/build.mjs to dist/webview/inspector.js). Talks to the
// extension only through the zod-validated protocol in src/views/inspectorProtocol.ts; renders with
// @vscode-elements/elements and textContent only (never innerHTML with data). It keeps no state of
// its own (no setState): the host sends the results again when the webview reloads.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import { INSPECTOR_TABS, toHostSchema, toWebviewSchema, type InspectorMode, type InspectorTab, type ToHost, type ToWebview } from '../../src/views/inspectorProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let strings: Record<string, string> = {};
let mode: InspectorMode = 'inspector';
let environment: string | null = null;
const s = (key: string, fallback: string) => strings[key] ?? fallback;

function send(message: ToHost): void {
  vscode.postMessage(toHostSchema.parse(message));
}

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

type ValueElement = HTMLElement & { value: string };
const inputs: Partial<Record<string, ValueElement>> = {};
const results: Partial<Record<InspectorTab, HTMLElement>> = {};
let tabs: (HTMLElement & { selectedIndex: number }) | undefined;
let explainButton: HTMLElement | undefined;
let explainArea: HTMLElement | undefined;

/**
 * A labelled input: a visible label above it (it stays when text is pasted, unlike a placeholder),
 * tied to the field (vscode-label sets the inner input's accessible name), and the same name as
 * the field's own `label` (its aria-label) for assistive technology that does not follow the tie.
 */
function field(id: string, tag: 'vscode-textarea' | 'vscode-textfield', label: string, placeholder: string, rows?: number): HTMLElement {
  const f = el(tag, { id, label, placeholder, ...(rows ? { rows: String(rows), resize: 'vertical' } : {}) }) as ValueElement;
  inputs[id] = f;
  return el('div', { class: 'field' }, el('vscode-label', { for: id, id: `${id}-label` }, label), f);
}

function button(id: string, label: string, onClick: () => void, secondary = false): HTMLElement {
  const b = el('vscode-button', { id, ...(secondary ? { secondary: '' } : {}) }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A value with a Copy button (the host writes the clipboard). */
function copyable(value: string, label: string): Node[] {
  const b = el('vscode-button', { class: 'copy', secondary: '', 'data-copy': label, title: `${s('copy', 'Copy')} ${label}` }, s('copy', 'Copy'));
  b.addEventListener('click', () => send({ type: 'copy', text: value, label }));
  return [el('code', {}, value), b];
}

/** "2026-05-01T10:00:00.000Z (in 3 months)": ISO and relative to now, in the UI language. */
function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = (t - Date.now()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, size] = units.find(([, n]) => Math.abs(diff) >= n) ?? ['second', 1];
  const rtf = new Intl.RelativeTimeFormat(document.documentElement.lang || 'en', { numeric: 'auto' });
  return `${iso} (${rtf.format(Math.round(diff / size), unit)})`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = Math.round((seconds % 60) * 1000) / 1000;
  return `${seconds} s (${h ? `${h} h ` : ''}${m ? `${m} min ` : ''}${sec || (!h && !m) ? `${sec} s` : ''})`.replace(' )', ')');
}

function build(tab: InspectorTab): void {
  const app = document.getElementById('app')!;
  app.replaceChildren();
  tabs = undefined;
  if (mode === 'certificate-file') {
    results.certificate = el('div', { id: 'certificate-result', class: 'result' }, el('p', { class: 'muted' }, '…'));
    app.append(results.certificate);
    app.dataset.state = 'ready';
    return;
  }
  tabs = el('vscode-tabs', { id: 'tabs' }) as HTMLElement & { selectedIndex: number };
  explainButton = button('xapi-explain', '', () => send({ type: 'explain-xapi', text: inputs['xapi-input']!.value }), true);
  explainArea = el('div', { id: 'xapi-explanation', class: 'result' });
  const panels: Record<InspectorTab, HTMLElement> = {
    certificate: el(
      'vscode-tab-panel',
      {},
      field('certificate-input', 'vscode-textarea', s('certificateLabel', 'Certificate'), s('certificatePlaceholder', 'Paste a certificate'), 8),
      el('div', {}, button('certificate-inspect', s('inspect', 'Inspect'), () => send({ type: 'inspect-certificate', text: inputs['certificate-input']!.value })), ' ', button('certificate-open', s('openFile', 'Open File…'), () => send({ type: 'pick-certificate-file' }), true)),
      (results.certificate = el('div', { id: 'certificate-result', class: 'result' })),
    ),
    jwt: el(
      'vscode-tab-panel',
      {},
      field('jwt-input', 'vscode-textarea', s('jwtLabel', 'JWT'), s('jwtPlaceholder', 'Paste a JWT'), 4),
      field('jwt-certificate', 'vscode-textarea', s('jwtCertificateLabel', 'Inbound certificate'), s('jwtCertificatePlaceholder', 'Certificate'), 3),
      field('jwt-issuer', 'vscode-textfield', s('issuerLabel', 'Trusted issuer'), s('issuerPlaceholder', 'Issuer')),
      field('jwt-user', 'vscode-textfield', s('userLabel', 'Integration user'), s('userPlaceholder', 'User')),
      el(
        'div',
        {},
        button('jwt-inspect', s('inspect', 'Inspect'), () =>
          send({ type: 'inspect-jwt', token: inputs['jwt-input']!.value, certificate: inputs['jwt-certificate']!.value, issuer: inputs['jwt-issuer']!.value, user: inputs['jwt-user']!.value }),
        ),
        ' ',
        button('jwt-open', s('openFile', 'Open File…'), () => send({ type: 'pick-file', tab: 'jwt' }), true),
      ),
      (results.jwt = el('div', { id: 'jwt-result', class: 'result' })),
    ),
    xapi: el(
      'vscode-tab-panel',
      {},
      field('xapi-input', 'vscode-textarea', s('xapiLabel', 'xAPI statements'), s('xapiPlaceholder', 'Paste xAPI'), 10),
      el('div', {}, button('xapi-inspect', s('inspect', 'Inspect'), () => send({ type: 'inspect-xapi', text: inputs['xapi-input']!.value })), ' ', button('xapi-open', s('openFile', 'Open File…'), () => send({ type: 'pick-file', tab: 'xapi' }), true), ' ', explainButton),
      (results.xapi = el('div', { id: 'xapi-result', class: 'result' })),
      explainArea,
    ),
  };
  for (const t of INSPECTOR_TABS) tabs.append(el('vscode-tab-header', { slot: 'header', id: `tab-${t}` }, s(t, t)));
  for (const t of INSPECTOR_TABS) tabs.append(panels[t]);
  app.append(tabs);
  updateEnvironment();
  select(tab);
  app.dataset.state = 'ready';
}

function updateEnvironment(): void {
  if (!explainButton) return;
  explainButton.textContent = environment ? s('explain', 'Would these completions land in {0}?').replace('{0}', environment) : '';
  explainButton.title = s('explainNote', 'asks the pod');
  explainButton.style.display = environment ? '' : 'none';
}

function select(tab: InspectorTab): void {
  if (!tabs) return;
  tabs.selectedIndex = INSPECTOR_TABS.indexOf(tab);
  tabs.setAttribute('selected-index', String(INSPECTOR_TABS.indexOf(tab)));
}

function heading(ok: boolean, okText: string, badText: string): HTMLElement {
  return el('h2', { class: ok ? 'ok' : 'bad', 'data-ok': String(ok) }, ok ? '✔ ' : '✖ ', ok ? okText : badText);
}

function dl(rows: [string, string | Node[]][]): HTMLElement {
  const d = el('dl');
  for (const [k, v] of rows) d.append(el('dt', {}, k), el('dd', {}, ...(typeof v === 'string' ? [v] : v)));
  return d;
}

function renderCertificate(m: Extract<ToWebview, { type: 'certificate-result' }>): void {
  select('certificate');
  const r = m.report;
  const out: Node[] = [heading(r.ok, `${s('verified', 'Verified')}: ${s('usableForOracle', 'usable')}`, s('notUsableForOracle', 'Not usable')), el('p', { class: 'muted' }, `${m.source} · ${r.format.toUpperCase()} · ${r.certificates.length} ${r.certificates.length === 1 ? 'certificate' : 'certificates'}`)];
  for (const c of r.certificates) {
    const extra = c as typeof c & { curve?: string | null; x5tS256?: string; subjectAltNames?: string[]; isCA?: boolean };
    const status = el('vscode-badge', { variant: c.status === 'valid' ? 'default' : 'counter', class: c.status === 'valid' ? 'ok' : c.status === 'expiring' ? 'warn' : 'bad', 'data-status': c.status }, c.status);
    out.push(
      el(
        'div',
        { class: 'cert' },
        dl([
          [s('subject', 'Subject'), c.subject],
          [s('issuer', 'Issuer'), `${c.issuer}${c.selfSigned ? ` (${s('selfSigned', 'self-signed')})` : ''}`],
          [s('serialNumber', 'Serial number'), copyable(c.serialNumber, s('serialNumber', 'serial number'))],
          [s('notBefore', 'Not before'), when(c.notBefore)],
          [s('notAfter', 'Not after'), when(c.notAfter)],
          [s('status', 'Status'), [status, `${c.daysRemaining} ${s('daysLeft', 'days left')}`]],
          [s('key', 'Key'), `${c.keyType}${c.keySize ? ` ${c.keySize}` : ''}${extra.curve ? ` (${extra.curve})` : ''}`],
          [s('signatureAlgorithm', 'Signature algorithm'), c.signatureAlgorithm],
          ...(extra.subjectAltNames?.length ? [[s('subjectAltNames', 'SANs'), extra.subjectAltNames.join(', ')] as [string, string]] : []),
          ...(extra.isCA !== undefined ? [[s('basicConstraints', 'CA'), String(extra.isCA)] as [string, string]] : []),
          [s('thumbprint', 'x5t'), copyable(c.x5t, 'x5t')],
          ...(extra.x5tS256 ? [[s('thumbprintS256', 'x5t#S256'), copyable(extra.x5tS256, 'x5t#S256')] as [string, Node[]]] : []),
          [s('sha1', 'SHA-1'), copyable(c.sha1, 'SHA-1')],
          [s('sha256', 'SHA-256'), copyable(c.sha256, 'SHA-256')],
        ]),
      ),
    );
  }
  out.push(dl([[s('privateKey', 'Private key'), r.privateKey ? s('privateKeyPresent', 'present') : s('privateKeyAbsent', 'none')]]));
  if (r.problems.length) out.push(el('h3', {}, s('problems', 'Problems')), el('ul', {}, ...r.problems.map((p) => el('li', { class: p.severity === 'error' ? 'bad' : 'warn', 'data-problem': p.code }, `${p.code}: ${p.message}`))));
  results.certificate!.replaceChildren(...out);
}

function claimRows(obj: Record<string, unknown> | string, times: Record<string, string | null>): [string, Node[]][] {
  if (typeof obj === 'string') return [['payload', copyable(obj, 'payload')]];
  return Object.entries(obj).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    const nodes = copyable(text, k);
    if (times[k]) nodes.push(el('span', { class: 'muted' }, when(times[k])));
    return [k, nodes];
  });
}

function renderJwt(m: Extract<ToWebview, { type: 'jwt-result' }>): void {
  select('jwt');
  const r = m.report;
  const times = ((r as { times?: Record<string, string | null> }).times ?? {}) as Record<string, string | null>;
  const failed = r.checks.filter((c) => !c.ok).length;
  const out: Node[] = [
    heading(r.valid, s('allChecksPassed', 'valid: all {0} checks passed').replace('{0}', String(r.checks.length)), s('checksFailed', 'invalid: {0} of {1} checks failed').replace('{0}', String(failed)).replace('{1}', String(r.checks.length))),
    dl([[s('signature', 'Signature'), [el('span', { class: r.signature.verified ? 'ok' : 'bad', 'data-verified': String(r.signature.verified) }, r.signature.reason)]]]),
  ];
  if (m.against) {
    const a = m.against;
    out.push(el('p', { class: 'muted', id: 'jwt-against' }, `${s('checkedAgainst', 'Checked against the plan')}: ${[a.issuer && `iss = ${a.issuer}`, a.user && `prn/sub = ${a.user}`, a.certificate && a.certificate].filter(Boolean).join(' · ')}`));
  }
  out.push(
    el('h3', {}, s('checks', 'Checks')),
    el(
      'ul',
      { id: 'jwt-checks' },
      ...r.checks.map((c) => el('li', { class: c.ok ? 'ok' : 'bad', 'data-check': c.id, 'data-ok': String(c.ok) }, `${c.ok ? '✔' : '✖'} `, el('span', { class: 'check-id' }, c.id), ` ${c.message}`)),
    ),
    el('h3', {}, s('header', 'Header')),
    dl(claimRows(r.header, {})),
    el('h3', {}, s('claims', 'Claims')),
    dl(claimRows(r.payload, times)),
  );
  results.jwt!.replaceChildren(...out);
}

function renderXapi(m: Extract<ToWebview, { type: 'xapi-result' }>): void {
  select('xapi');
  explainArea?.replaceChildren();
  const x = m.inspection;
  const out: Node[] = [heading(x.summary.invalid === 0, `${x.summary.valid}/${x.summary.total} ${s('valid', 'valid')}`, `${x.summary.invalid}/${x.summary.total} ${s('invalid', 'invalid')}`)];
  for (const r of x.results) {
    const o = r.oracle as typeof r.oracle & { action?: string; verb?: string | null };
    const action = o.completion ? s('completion', 'completion') : o.action === 'progress' ? s('progress', 'progress only') : s('notAccepted', 'not processed');
    out.push(
      el('h3', { class: r.valid ? 'ok' : 'bad' }, `#${r.index + 1}${r.line ? ` (line ${r.line})` : ''}: ${r.valid ? s('valid', 'valid') : s('invalid', 'invalid')}`),
      dl([
        [s('learner', 'Learner'), o.learner.value ? [...copyable(o.learner.value, s('learner', 'learner')), el('span', { class: o.learner.mappable ? 'muted' : 'bad' }, `${o.learner.by}${o.learner.mappable ? '' : ` · ${s('notMappable', 'not mappable')}`}`)] : `— (${o.learner.by})`],
        [s('content', 'Content id'), o.contentId ? copyable(o.contentId, s('content', 'content id')) : '—'],
        [s('verb', 'Verb'), [el('span', { 'data-action': o.action ?? '' }, `${o.verbName ?? o.verb ?? '—'} → ${action}`)]],
        [s('timestamp', 'Completion date'), when(o.timestamp)],
        [s('duration', 'Actual effort'), duration(o.durationSeconds)],
        [s('score', 'Score'), o.score === null ? '—' : String(o.score)],
      ]),
    );
    if (r.errors.length) out.push(el('ul', {}, ...r.errors.map((e) => el('li', { class: 'bad' }, `${e.path || '(statement)'}: ${e.message}`))));
    if (o.notes.length) out.push(el('ul', { class: 'notes' }, ...o.notes.map((n) => el('li', { class: 'muted' }, n))));
  }
  results.xapi!.replaceChildren(...out);
}

function renderExplanation(m: Extract<ToWebview, { type: 'xapi-explanation' }>): void {
  select('xapi');
  const e = m.explanation;
  const out: Node[] = [el('h3', {}, s('explain', 'Would these completions land in {0}?').replace('{0}', e.environment))];
  for (const r of e.results) {
    out.push(
      el(
        'div',
        { class: 'cert', 'data-lands': String(r.lands) },
        el('p', { class: r.lands ? 'ok' : 'bad' }, `#${r.index + 1}: ${r.lands ? `✔ ${s('lands', 'would land')}` : `✖ ${s('blocked', 'would not land')}`}${r.learner ? ` · ${r.learner.userName}` : ''}${r.content ? ` · ${r.content.title}` : ''}`),
        el('ul', {}, ...r.reasons.map((x) => el('li', { class: 'bad', 'data-reason': x.code }, el('span', { class: 'check-id' }, x.code), ` ${x.message}`))),
        // Issue 14: the whole way into Oracle, checked link by link (the host asks, prefilled from this statement).
        button(`xapi-why-${r.index}`, s('why', "Why didn't this land?"), () => send({ type: 'why-xapi', text: inputs['xapi-input']!.value, index: r.index }), true),
      ),
    );
  }
  (explainArea ?? results.xapi!).replaceChildren(...out);
}

function render(m: ToWebview): void {
  switch (m.type) {
    case 'init':
      strings = m.strings;
      mode = m.mode ?? 'inspector';
      environment = m.environment ?? null;
      build(m.tab);
      return;
    case 'context':
      environment = m.environment;
      updateEnvironment();
      return;
    case 'show-input': {
      select(m.tab);
      const input = inputs[`${m.tab}-input`];
      if (input) input.value = m.text;
      return;
    }
    case 'error': {
      select(m.tab);
      const children: Node[] = [el('p', { class: 'bad', 'data-error': 'true' }, m.message)];
      if (m.action === 'unlock') children.push(button('unlock', s('enterPassword', 'Enter Password…'), () => send({ type: 'unlock' })));
      results[m.tab]?.replaceChildren(...children);
      return;
    }
    case 'certificate-result':
      renderCertificate(m);
      return;
    case 'jwt-result':
      renderJwt(m);
      return;
    case 'xapi-result':
      renderXapi(m);
      return;
    case 'xapi-explanation':
      renderExplanation(m);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = toWebviewSchema.safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.warn('inspector: ignored an invalid message', issue?.message);
    send({ type: 'invalid-message', issue: `${issue?.path.join('.') || '(message)'}: ${issue?.message ?? 'invalid'}`.slice(0, 500) });
    return;
  }
  render(parsed.data);
});

send({ type: 'ready' });
