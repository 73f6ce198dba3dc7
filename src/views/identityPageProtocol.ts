// The identity check page's messages (issue 13), checked on both sides like the Inspector's. Pure
// TypeScript: media/identityPage/main.ts imports it too. Values from the learner file arrive
// already escaped (control characters shown as \x..), and the page renders them as text only.
import { arr, num, obj, oneOf, opt, rec, schema, str, tagged, type Infer } from './protocolCheck';

const text = () => str({ max: 20_000 });

const report = obj({
  environment: text(),
  file: text(),
  by: oneOf(['email', 'username']),
  at: text(),
  summary: obj({ total: num(), matched: num(), missing: num(), duplicate: num(), inactive: num(), invalid: num() }),
  problems: arr(obj({ line: opt(num({ int: true })), value: text(), problem: oneOf(['missing', 'duplicate', 'inactive', 'invalid']), message: text(), users: opt(arr(text())) }), { max: 100_000 }),
});
export type IdentityPageReport = Infer<typeof report>;

const toPage = tagged('type', {
  init: obj({ strings: rec(str({ max: 2000 })) }),
  report: obj({ report }),
  exported: obj({ path: text() }),
});
export const toIdentityPageSchema = schema(toPage);
export type ToIdentityPage = Infer<typeof toPage>;

const toHost = tagged('type', {
  ready: obj({}),
  'export-csv': obj({}),
  'open-line': obj({ line: num({ int: true, min: 1 }) }),
  'invalid-message': obj({ issue: str({ max: 500 }) }),
});
export const identityPageToHostSchema = schema(toHost);
export type IdentityPageToHost = Infer<typeof toHost>;
