// The step page's message protocol (issue 13), in the Inspector's style: typed messages checked on
// both sides with protocolCheck.ts, and a ready handshake. Pure TypeScript: media/stepPage/main.ts
// imports it too. The host prepares every text (localised); the page only lays it out.
import { arr, bool, nullable, num, obj, oneOf, opt, rec, schema, str, tagged, type Infer } from './protocolCheck';

const STATUS = ['done', 'attested', 'needs-action', 'failed', 'blocked', 'not-applicable', 'unknown'] as const;
const OUTCOME = ['pass', 'fail', 'warn', 'unknown', 'info'] as const;
const BASIS = ['documented', 'inferred', 'stand-in'] as const;
const MAX_NOTE = 4000;

const text = () => str({ max: 20_000 });

const stepView = obj({
  environment: text(),
  url: text(),
  /** `sandbox`: the local sandbox (practice offered there only); `production`: attest and run ask first. */
  environmentKind: oneOf(['pod', 'production', 'sandbox', 'sandbox-stopped']),
  step: obj({
    id: text(),
    index: num({ int: true, min: 1 }),
    title: text(),
    automation: oneOf(['automatic', 'guided']),
    automationLabel: text(),
    status: oneOf(STATUS),
    statusLabel: text(),
    detail: text(),
    basis: nullable(oneOf(BASIS)),
    basisText: nullable(text()),
    checkedAt: nullable(text()),
    oracleAsks: text(),
    docUrl: text(),
    dependsOn: arr(obj({ id: text(), title: text(), status: oneOf(STATUS), statusLabel: text() })),
  }),
  /** Sub-checks of the last result, each with what it rests on. */
  checks: arr(obj({ id: text(), title: text(), outcome: oneOf(OUTCOME), outcomeLabel: text(), message: text(), basis: nullable(oneOf(BASIS)), basisText: nullable(text()) })),
  guidance: obj({
    checklist: arr(text()),
    deepLink: nullable(obj({ label: text(), navigation: text() })),
    record: arr(text()),
    cautions: arr(text()),
  }),
  attestation: nullable(obj({ by: text(), at: text(), note: text() })),
  /** Non-secret facts of the last result (ids, thumbprints, request ids), as key and text. */
  evidence: arr(obj({ key: text(), value: text() })),
  history: arr(
    obj({
      at: text(),
      when: text(),
      action: text(),
      actionLabel: text(),
      by: nullable(text()),
      via: text(),
      status: nullable(oneOf(STATUS)),
      statusLabel: nullable(text()),
      detail: nullable(text()),
      requests: nullable(num()),
      hasCalls: bool(),
    }),
  ),
  actions: obj({
    attest: bool(),
    run: bool(),
    dryRun: bool(),
    practice: bool(),
    openInOracle: bool(),
    /** Nothing is sent from an untrusted folder: why, when so. */
    restricted: nullable(text()),
    /** Something runs on the environment (e.g. "checking…"): the buttons wait. */
    running: nullable(text()),
  }),
});
export type StepPageView = Infer<typeof stepView>;

/** Extension → page. */
const toPage = tagged('type', {
  init: obj({ strings: rec(str({ max: 2000 })) }),
  step: obj({ view: stepView }),
  /** The outcome of an attestation made from the page (or why it was not recorded). */
  'attest-result': obj({ ok: bool(), message: text() }),
  /** No step to show (the plan changed, the environment is gone). */
  empty: obj({ message: text() }),
});
export const toStepPageSchema = schema(toPage);
export type ToStepPage = Infer<typeof toPage>;

/** Page → extension. */
const toHost = tagged('type', {
  ready: obj({}),
  attest: obj({ note: str({ min: 3, max: MAX_NOTE }) }),
  'run-step': obj({}),
  'dry-run': obj({}),
  practice: obj({}),
  'open-in-oracle': obj({}),
  'open-docs': obj({}),
  refresh: obj({}),
  'show-requests': obj({ at: str({ max: 100 }), action: str({ max: 40 }) }),
  'open-step': obj({ step: str({ max: 60 }) }),
  'invalid-message': obj({ issue: str({ max: 500 }) }),
});
export const stepPageToHostSchema = schema(toHost);
export type StepPageToHost = Infer<typeof toHost>;

/** What the page keeps with setState (restored after hide/show and a window reload): which step, and the draft evidence note. */
const pageState = obj({ environment: str({ max: 100 }), step: str({ max: 60 }), draft: opt(str({ max: MAX_NOTE })) });
export const stepPageStateSchema = schema(pageState);
export type StepPageState = Infer<typeof pageState>;
