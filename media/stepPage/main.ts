// The step page webview (bundled by scripts/build.mjs to dist/webview/stepPage.js). Talks to the
// extension only through the checked protocol of src/views/stepPageProtocol.ts; renders with
// @vscode-elements/elements and textContent only (never innerHTML with data). Keeps which step it
// shows and the draft evidence note with setState, so hiding the tab or reloading the window
// loses neither.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import { stepPageStateSchema, stepPageToHostSchema, toStepPageSchema, type StepPageState, type StepPageToHost, type StepPageView, type ToStepPage } from '../../src/views/stepPageProtocol';
import { el, listen, vscode } from '../shared/page';

let strings: Record<string, string> = {};
const s = (key: string, fallback: string) => strings[key] ?? fallback;
const restored = stepPageStateSchema.safeParse(vscode.getState());
let state: StepPageState | undefined = restored.success ? restored.data : undefined;
let view: StepPageView | undefined;
let lastResult: { ok: boolean; message: string } | undefined;

function send(message: StepPageToHost): void {
  vscode.postMessage(stepPageToHostSchema.parse(message));
}

function save(next: StepPageState): void {
  state = next;
  vscode.setState(next);
}

function button(id: string, label: string, onClick: () => void, o: { secondary?: boolean; disabled?: boolean; title?: string } = {}): HTMLElement {
  const b = el('vscode-button', { id, ...(o.secondary ? { secondary: '' } : {}), ...(o.disabled ? { disabled: '' } : {}), ...(o.title ? { title: o.title } : {}) }, label);
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

const MARK: Record<string, string> = { pass: '✔', fail: '✖', warn: '!', unknown: '?', info: 'i', done: '✔', attested: '✔', 'needs-action': '!', failed: '✖', blocked: '…', 'not-applicable': '–' };

/** A status or outcome: a mark (coloured) and its word (theme text colour): never colour alone. */
function mark(kind: string, label: string): HTMLElement {
  return el('span', { class: 'marked' }, el('span', { class: `mark ${kind}`, 'aria-hidden': 'true' }, MARK[kind] ?? '?'), label);
}

function basisTag(basis: string | null, text: string | null): HTMLElement | null {
  if (!basis) return null;
  const letter = basis === 'documented' ? 'D' : basis === 'inferred' ? 'I' : 'S';
  return el('span', { class: 'basis', title: text ?? basis, 'aria-label': text ?? basis, 'data-basis': basis }, letter);
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return el('section', { id, 'aria-labelledby': `${id}-h` }, el('h2', { id: `${id}-h` }, title), ...children);
}

function render(): void {
  const app = document.getElementById('app')!;
  if (!view) return;
  const v = view;
  const busy = !!v.actions.running;
  const blocked = !!v.actions.restricted;
  const st = v.step;
  const header = el(
    'header',
    {},
    el('h1', { id: 'title' }, `${st.index}. ${st.title}`, ' ', el('span', { class: 'pill', id: 'status', 'data-status': st.status }, mark(st.status, st.statusLabel))),
    el(
      'p',
      { class: 'subtitle muted' },
      `${s('environment', 'Environment')}: ${v.environment} (${v.url})`,
      v.environmentKind === 'sandbox' || v.environmentKind === 'sandbox-stopped' ? ` · ${s('sandboxPod', 'local sandbox, not Oracle')}` : v.environmentKind === 'production' ? ` · ${s('production', 'production')}` : '',
      ` · ${st.automationLabel}`,
      ` · ${s('lastChecked', 'Last checked')}: ${st.checkedAt ?? s('never', 'never')}`,
      ' ',
      basisTag(st.basis, st.basisText),
    ),
    el('p', { id: 'detail', 'aria-live': 'polite' }, st.detail),
    busy ? el('p', { class: 'callout', id: 'running' }, `${s('running', 'Running')}: ${v.actions.running}`) : null,
    blocked ? el('p', { class: 'callout', id: 'restricted' }, `${s('restricted', 'Restricted Mode')}: ${v.actions.restricted}`) : null,
    el('div', { class: 'actions' }, button('refresh', s('refresh', 'Refresh Status'), () => send({ type: 'refresh' }), { secondary: true, disabled: busy || blocked })),
  );

  const oracle = section(
    'oracle',
    s('oracleSays', "What Oracle's procedure asks"),
    el('p', {}, st.oracleAsks),
    st.dependsOn.length
      ? el(
          'p',
          { class: 'muted' },
          `${s('dependsOn', 'Depends on')}: `,
          ...st.dependsOn.flatMap((d, i) => {
            const link = el('a', { href: '#', 'data-step': d.id }, `${d.title}`);
            link.addEventListener('click', (e) => {
              e.preventDefault();
              send({ type: 'open-step', step: d.id });
            });
            return [i ? ', ' : '', link, ' (', mark(d.status, d.statusLabel), ')'];
          }),
        )
      : null,
    el('div', { class: 'actions' }, button('open-docs', s('openDocs', "Open Oracle's documentation"), () => send({ type: 'open-docs' }), { secondary: true })),
  );

  const checks = section(
    'checks',
    s('liveChecks', 'Live checks'),
    v.checks.length
      ? el(
          'ul',
          { class: 'checks', id: 'check-list' },
          ...v.checks.map((c) =>
            el(
              'li',
              { 'data-check': c.id, 'data-outcome': c.outcome, 'data-basis': c.basis ?? '' },
              el('span', { class: `mark ${c.outcome}`, 'aria-hidden': 'true' }, MARK[c.outcome] ?? '?'),
              el('strong', {}, c.title, el('span', { class: 'sr-only' }, `, ${c.outcomeLabel}`)),
              basisTag(c.basis, c.basisText),
              el('span', { class: 'message' }, c.message),
            ),
          ),
        )
      : el('p', { class: 'muted' }, s('noChecks', 'No finding yet.')),
    v.checks.length ? el('p', { class: 'muted' }, s('basisLegend', 'D documented · I inferred · S stand-in')) : null,
  );

  const g = v.guidance;
  const checklist = section(
    'guidance',
    s('checklist', 'Checklist'),
    el('p', { class: 'muted' }, s('checklistIntro', 'What an administrator does in Oracle for this step:')),
    el('ol', { id: 'checklist' }, ...g.checklist.map((item) => el('li', {}, item))),
    g.deepLink ? el('p', { class: 'muted', id: 'navigation' }, g.deepLink.navigation) : null,
    el(
      'div',
      { class: 'actions' },
      v.actions.openInOracle ? button('open-in-oracle', g.deepLink?.label ?? s('openInOracle', 'Open in Oracle'), () => send({ type: 'open-in-oracle' }), { secondary: !v.actions.practice ? false : true }) : null,
      v.actions.practice ? button('practice', s('practice', 'Do this in the sandbox'), () => send({ type: 'practice' }), { disabled: busy || blocked, title: s('practiceNote', 'simulates the Oracle page; not Oracle') }) : null,
      v.actions.practice ? el('span', { class: 'muted' }, s('practiceNote', 'simulates the Oracle page in the local sandbox; not Oracle')) : null,
    ),
    g.cautions.length ? el('div', { class: 'callout', id: 'cautions' }, el('strong', {}, s('cautions', 'Cautions')), el('ul', {}, ...g.cautions.map((c) => el('li', {}, c)))) : null,
  );

  const evidence = section('evidence', s('evidence', 'Evidence and attestation'), ...attestationPart(v, busy, blocked));

  const facts = v.evidence.length
    ? section(
        'facts',
        s('factsFound', 'Facts found on the pod'),
        el('table', { class: 'evidence' }, el('tbody', {}, ...v.evidence.map((e) => el('tr', {}, el('td', {}, e.key), el('td', {}, el('code', {}, e.value)))))),
      )
    : null;

  const history = section(
    'history',
    s('history', 'History'),
    v.history.length
      ? el(
          'table',
          { class: 'history', id: 'history-table' },
          el('thead', {}, el('tr', {}, ...[s('when', 'When'), s('what', 'What'), s('who', 'Who'), s('outcome', 'Outcome'), s('requests', 'Requests')].map((h) => el('th', { scope: 'col' }, h)))),
          el(
            'tbody',
            {},
            ...v.history.map((h) => {
              const req = h.hasCalls ? button(`requests-${h.at}`, s('showRequests', 'Show {0} requests').replace('{0}', String(h.requests ?? '')), () => send({ type: 'show-requests', at: h.at, action: h.action }), { secondary: true }) : h.requests !== null ? String(h.requests) : '—';
              return el(
                'tr',
                { 'data-action': h.action },
                el('td', {}, h.when),
                el('td', {}, h.actionLabel),
                el('td', {}, [h.by, h.via].filter(Boolean).join(' · ')),
                el('td', { class: 'status' }, h.status && h.statusLabel ? mark(h.status, h.statusLabel) : '', h.detail ? el('div', { class: 'muted' }, h.detail) : null),
                el('td', {}, req),
              );
            }),
          ),
        )
      : el('p', { class: 'muted' }, s('noHistory', 'Nothing recorded for this step yet.')),
  );

  app.replaceChildren(header, oracle, checks, checklist, evidence, ...(facts ? [facts] : []), history);
  app.dataset.state = 'ready';
  app.dataset.step = st.id;
}

function attestationPart(v: StepPageView, busy: boolean, blocked: boolean): (Node | null)[] {
  const out: (Node | null)[] = [];
  const a = v.attestation;
  out.push(el('p', { id: 'attestation' }, a ? `${s('attestedBy', 'Attested by {0} on {1}').replace('{0}', a.by).replace('{1}', new Date(a.at).toLocaleString())}: ${a.note}` : v.actions.attest ? s('notAttested', 'Not attested yet.') : ''));
  if (!v.actions.attest) {
    if (v.step.automation === 'automatic') {
      out.push(el('p', { class: 'muted' }, s('attestAutomatic', "This step is checked and applied through Oracle's API: it is not attested.")));
      out.push(
        el(
          'div',
          { class: 'actions' },
          v.actions.run ? button('run-step', s('run', 'Run Step'), () => send({ type: 'run-step' }), { disabled: busy || blocked }) : null,
          v.actions.dryRun ? button('dry-run', s('dryRun', 'Dry Run'), () => send({ type: 'dry-run' }), { secondary: true, disabled: busy }) : null,
        ),
      );
    }
    return out;
  }
  if (v.guidance.record.length) out.push(el('p', { class: 'muted' }, `${s('recordHint', 'Write down as evidence')}: ${v.guidance.record.join('; ')}`));
  const note = el('vscode-textarea', { id: 'note', rows: '4', resize: 'vertical', label: s('noteLabel', 'Evidence note'), placeholder: s('notePlaceholder', '') }) as HTMLElement & { value: string };
  note.value = state?.step === v.step.id && state.environment === v.environment ? (state.draft ?? '') : '';
  const attest = button('attest', s('attest', 'Attest'), () => {
    if (note.value.trim().length < 3) {
      note.focus();
      return;
    }
    send({ type: 'attest', note: note.value.trim() });
  }, { disabled: busy || blocked });
  note.addEventListener('input', () => save({ environment: v.environment, step: v.step.id, draft: note.value.slice(0, 4000) }));
  out.push(el('div', { class: 'field' }, el('vscode-label', { for: 'note' }, s('noteLabel', 'Evidence note')), note));
  out.push(el('div', { class: 'actions' }, attest));
  const result = el('p', { id: 'attest-result', role: 'status', 'aria-live': 'polite', ...(lastResult ? { 'data-ok': String(lastResult.ok) } : {}) }, lastResult ? mark(lastResult.ok ? 'pass' : 'fail', lastResult.message) : '');
  out.push(result);
  return out;
}

function onMessage(m: ToStepPage): void {
  switch (m.type) {
    case 'init':
      strings = m.strings;
      return;
    case 'step': {
      const changed = !view || view.step.id !== m.view.step.id || view.environment !== m.view.environment;
      if (changed) lastResult = undefined;
      view = m.view;
      // Which step is shown is kept (the serializer restores it); the draft belongs to its step.
      if (!state || state.step !== m.view.step.id || state.environment !== m.view.environment) save({ environment: m.view.environment, step: m.view.step.id });
      render();
      return;
    }
    case 'attest-result':
      lastResult = { ok: m.ok, message: m.message };
      if (m.ok && state) save({ environment: state.environment, step: state.step });
      render();
      document.getElementById('attest-result')?.focus();
      return;
    case 'empty':
      view = undefined;
      document.getElementById('app')!.replaceChildren(el('p', { class: 'muted', id: 'empty' }, m.message));
      return;
  }
}

listen(toStepPageSchema, onMessage, (issue) => send({ type: 'invalid-message', issue }));

send({ type: 'ready' });
