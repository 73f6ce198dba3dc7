// The Inspector webview (bundled by scripts/build.mjs to dist/webview/inspector.js). Talks to the
// extension only through the zod-validated protocol in src/views/inspectorProtocol.ts; renders with
// @vscode-elements/elements and textContent only (never innerHTML with data). It keeps its inputs,
// its tab and its last results with setState (issue 13), so hiding the tab or reloading the window
// loses nothing; a private key pasted with a certificate is never kept (PRIVATE KEY blocks are cut
// out before saving) and no password ever reaches the webview.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import { INSPECTOR_TABS, inspectorStateSchema, keepableInput, toHostSchema, toWebviewSchema, type InspectorMode, type InspectorState, type InspectorTab, type ToHost, type ToWebview } from '../../src/views/inspectorProtocol';
import { el, listen, vscode } from '../shared/page';

let strings: Record<string, string> = {};
let mode: InspectorMode = 'inspector';
let environment: string | null = null;
const s = (key: string, fallback: string) => strings[key] ?? fallback;
const t = (key: string, fallback: string, ...args: (string | number)[]) => args.reduce<string>((text, a, i) => text.split(`{${i}}`).join(String(a)), s(key, fallback));

/** What the webview keeps through hide/show and a reload (validated when read back). */
const restored = inspectorStateSchema.safeParse(vscode.getState());
let saved: InspectorState = restored.success ? restored.data : { inputs: {}, results: [] };

/** Saves the inputs (private keys cut out), the tab and the last result of each tab. */
function persist(): void {
  const inputsNow: Record<string, string> = {};
  // A certificate file that held a private key (a PKCS#12 pasted as base64, say) is not kept at all.
  const lastCertificate = saved.results.find((r) => r.type === 'certificate-result');
  const heldKey = lastCertificate?.type === 'certificate-result' && lastCertificate.report.privateKey;
  for (const [id, field] of Object.entries(inputs)) {
    if (!field || !field.value || (heldKey && id === 'certificate-input')) continue;
    const kept = keepableInput(field.value);
    if (kept.trim()) inputsNow[id] = kept;
  }
  const tab = tabs ? INSPECTOR_TABS[tabs.selectedIndex] ?? saved.tab : saved.tab;
  saved = { ...saved, inputs: inputsNow, ...(tab ? { tab } : {}) };
  vscode.setState(saved);
}

/** Keeps a result to render again after a reload (one per tab; an explanation beside its inspection). */
function keepResult(m: ToWebview): void {
  if (mode !== 'inspector' || !('tab' in m || m.type.endsWith('-result') || m.type === 'xapi-explanation')) return;
  const tabOf = (x: ToWebview): string => (x.type === 'certificate-result' ? 'certificate' : x.type === 'jwt-result' ? 'jwt' : x.type === 'xapi-result' || x.type === 'xapi-explanation' ? 'xapi' : 'tab' in x ? x.tab : '');
  const kind = (x: ToWebview) => `${tabOf(x)}:${x.type === 'xapi-explanation' ? 'explanation' : 'result'}`;
  const results = saved.results.filter((r) => kind(r) !== kind(m) && !(m.type === 'xapi-result' && kind(r) === 'xapi:explanation'));
  results.push(m);
  // A huge inspection (a 10 MB file) is not kept: the host sends it again while the session lasts.
  saved = { ...saved, results: JSON.stringify(results).length <= 2_000_000 ? results : results.filter((r) => r !== m) };
  vscode.setState(saved);
}

function send(message: ToHost): void {
  vscode.postMessage(toHostSchema.parse(message));
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
  const kept = saved.inputs[id];
  if (kept) f.value = kept;
  f.addEventListener('input', () => persist());
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
  for (const x of INSPECTOR_TABS) tabs.append(el('vscode-tab-header', { slot: 'header', id: `tab-${x}` }, s(x, x)));
  for (const x of INSPECTOR_TABS) tabs.append(panels[x]);
  tabs.addEventListener('vsc-tabs-select', () => persist());
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
  if (saved.tab !== tab) {
    saved = { ...saved, tab };
    vscode.setState(saved);
  }
}

function heading(ok: boolean, okText: string, badText: string): HTMLElement {
  return el('h2', { class: ok ? 'ok' : 'bad', 'data-ok': String(ok) }, ok ? '✔ ' : '✖ ', ok ? okText : badText);
}

/** A verdict with what could not be checked apart: ✔ valid, – not verified (a check could not run), ✖ failed. */
function verdictHeading(status: 'valid' | 'not-verified' | 'invalid', text: string): HTMLElement {
  const cls = status === 'valid' ? 'ok' : status === 'not-verified' ? 'warn' : 'bad';
  return el('h2', { class: cls, 'data-ok': String(status === 'valid'), 'data-verdict': status, id: 'verdict' }, el('span', { 'aria-hidden': 'true' }, status === 'valid' ? '✔ ' : status === 'not-verified' ? '– ' : '✖ '), text);
}

function dl(rows: [string, string | (Node | string)[]][]): HTMLElement {
  const d = el('dl');
  for (const [k, v] of rows) d.append(el('dt', {}, k), el('dd', {}, ...(typeof v === 'string' ? [v] : v)));
  return d;
}

function renderCertificate(m: Extract<ToWebview, { type: 'certificate-result' }>): void {
  select('certificate');
  const r = m.report;
  const notChecked = r.notChecked ?? [];
  const headline = r.ok
    ? notChecked.length
      ? t('usableNotChecked', 'Usable for Oracle API Authentication; not checked: the chain of {0} (the issuer\'s certificate is not in the file)', notChecked.map((n) => n.message.match(/^Certificate \d+/)?.[0] ?? n.code).join(', '))
      : `${s('verified', 'Verified')}: ${s('usableForOracle', 'usable')}`
    : s('notUsableForOracle', 'Not usable');
  const out: Node[] = [
    r.ok && notChecked.length ? verdictHeading('not-verified', headline) : heading(r.ok, headline, headline),
    el('p', { class: 'muted' }, `${m.source} · ${r.format.toUpperCase()} · ${r.certificates.length} ${r.certificates.length === 1 ? 'certificate' : 'certificates'}`),
  ];
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
  if (notChecked.length) out.push(el('h3', {}, s('notChecked', 'Not checked')), el('ul', { id: 'certificate-not-checked' }, ...notChecked.map((n) => el('li', { class: 'muted', 'data-not-checked': n.code }, '– ', n.message))));
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
  // Failures and checks that could not run are counted apart (issue 13): a token checked without
  // its certificate is "not verified", not "invalid" because of the checks that never ran.
  const failedIds = r.checks.filter((c) => !c.ok && !c.notChecked).map((c) => c.id);
  const needCertificate = r.checks.filter((c) => c.notChecked === 'certificate').map((c) => c.id);
  const blockedIds = r.checks.filter((c) => c.notChecked === 'blocked').map((c) => c.id);
  const failedText = failedIds.length ? t('failedList', '{0} failed: {1}', failedIds.length, failedIds.join(', ')) : '';
  const blockedText = blockedIds.length ? t('blockedList', '{0} not run because of it ({1})', blockedIds.length, blockedIds.join(', ')) : '';
  const status = !failedIds.length && !needCertificate.length && !blockedIds.length ? 'valid' : needCertificate.length ? 'not-verified' : 'invalid';
  const text =
    status === 'valid'
      ? t('allChecksPassed', 'valid: all {0} checks passed', r.checks.length)
      : status === 'not-verified'
        ? [t('notVerified', 'decoded, not verified ({0} checks need the inbound certificate)', needCertificate.length), failedText, blockedText].filter(Boolean).join('; ')
        : [t('checksFailed', 'invalid: {0} of {1} checks failed', failedIds.length, r.checks.length) + ` (${failedIds.join(', ')})`, blockedText].filter(Boolean).join('; ');
  const out: Node[] = [
    verdictHeading(status, text),
    dl([[s('signature', 'Signature'), [el('span', { class: r.signature.verified ? 'ok' : needCertificate.includes('signature') ? 'muted' : 'bad', 'data-verified': String(r.signature.verified) }, r.signature.reason)]]]),
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
      ...r.checks.map((c) => {
        const st = c.notChecked ? 'not-checked' : c.ok ? 'pass' : 'fail';
        // The mark carries the colour; the text keeps the theme's (readable in every theme). The word is there for screen readers.
        const word = st === 'pass' ? s('passMark', 'passed') : st === 'fail' ? s('failMark', 'failed') : s('notCheckedMark', 'not checked');
        return el(
          'li',
          { 'data-check': c.id, 'data-ok': String(c.ok), 'data-status': st },
          el('span', { class: st === 'pass' ? 'ok' : st === 'fail' ? 'bad' : 'muted', 'aria-hidden': 'true' }, `${st === 'pass' ? '✔' : st === 'fail' ? '✖' : '–'} `),
          el('span', { class: 'sr-only' }, `${word}: `),
          el('span', { class: 'check-id' }, c.id),
          ` ${c.message}`,
        );
      }),
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
  // What Oracle would record is read offline; whether it lands needs the pod, and is said so.
  if (x.summary.valid > 0) out.push(el('p', { class: 'muted', id: 'xapi-not-checked', 'data-environment': environment ?? '' }, '– ', environment ? t('landingAsk', 'Not checked yet: whether these completions land in {0}. Ask with the button above.', environment) : s('landingNoPod', 'Not checked: whether these completions land in Oracle (no environment with credentials is connected).')));
  results.xapi!.replaceChildren(...out);
}

function renderExplanation(m: Extract<ToWebview, { type: 'xapi-explanation' }>): void {
  select('xapi');
  const e = m.explanation;
  const out: Node[] = [el('h3', {}, s('explain', 'Would these completions land in {0}?').replace('{0}', e.environment))];
  const lands = e.results.filter((r) => r.lands).length;
  const unchecked = e.results.filter((r) => !r.lands && r.unchecked).length;
  out.push(el('p', { id: 'explain-summary' }, t('explainSummary', '{0} would land, {1} would not, {2} not checked', lands, e.results.length - lands - unchecked, unchecked)));
  for (const r of e.results) {
    const word = r.lands ? `✔ ${s('lands', 'would land')}` : r.unchecked ? `– ${s('notCheckedLanding', 'not checked: the pod could not be asked')}` : `✖ ${s('blocked', 'would not land')}`;
    out.push(
      el(
        'div',
        { class: 'cert', 'data-lands': String(r.lands), 'data-unchecked': String(!!r.unchecked) },
        el('p', { class: r.lands ? 'ok' : r.unchecked ? 'muted' : 'bad' }, `#${r.index + 1}: ${word}${r.learner ? ` · ${r.learner.userName}` : ''}${r.content ? ` · ${r.content.title}` : ''}`),
        el('ul', {}, ...r.reasons.map((x) => el('li', { class: r.unchecked ? 'muted' : 'bad', 'data-reason': x.code }, el('span', { class: 'check-id' }, x.code), ` ${x.message}`))),
        // Issue 14: the whole way into Oracle, checked link by link (the host asks, prefilled from this statement).
        button(`xapi-why-${r.index}`, s('why', "Why didn't this land?"), () => send({ type: 'why-xapi', text: inputs['xapi-input']!.value, index: r.index }), true),
      ),
    );
  }
  (explainArea ?? results.xapi!).replaceChildren(...out);
}

function render(m: ToWebview): void {
  switch (m.type) {
    case 'init': {
      strings = m.strings;
      mode = m.mode ?? 'inspector';
      environment = m.environment ?? null;
      // A restored page (hide/show, reload): its own tab, inputs and last results.
      const restoring = mode === 'inspector' && saved.results.length > 0;
      build(mode === 'inspector' ? (saved.tab ?? m.tab) : m.tab);
      if (mode === 'inspector') for (const r of saved.results) renderResult(r);
      if (restoring) select(saved.tab ?? m.tab);
      return;
    }
    case 'context':
      environment = m.environment;
      updateEnvironment();
      return;
    case 'show-input': {
      select(m.tab);
      const input = inputs[`${m.tab}-input`];
      if (input) input.value = m.text;
      persist();
      return;
    }
    case 'error': {
      select(m.tab);
      renderResult(m);
      keepResult(m);
      return;
    }
    case 'certificate-result':
    case 'jwt-result':
    case 'xapi-result':
    case 'xapi-explanation':
      renderResult(m);
      keepResult(m);
      return;
  }
}

function renderResult(m: ToWebview): void {
  switch (m.type) {
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
    case 'error': {
      const children: Node[] = [el('p', { class: 'bad', 'data-error': 'true' }, m.message)];
      if (m.action === 'unlock') children.push(button('unlock', s('enterPassword', 'Enter Password…'), () => send({ type: 'unlock' })));
      results[m.tab]?.replaceChildren(...children);
      return;
    }
    default:
      return;
  }
}

listen(toWebviewSchema, render, (issue) => {
  console.warn('inspector: ignored an invalid message', issue);
  send({ type: 'invalid-message', issue });
});

send({ type: 'ready' });
