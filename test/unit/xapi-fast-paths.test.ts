/**
 * The xAPI validator's hot path (issue 13, point 6: `oli inspect xapi` at least 4x the reference
 * library) reads UUIDs, IRIs and the usual UTC timestamp without regular expressions: these checks
 * hold that the hand-written readers say exactly what the expressions say, on generated strings
 * (any Unicode, and strings close to each form), and that a timestamp gets the same verdict and
 * message either way.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { IRI, isIri, isUuid, TIMESTAMP, UUID, validateXapiStatement } from '../../src/core/inspect/xapi-validate';
import { inspectXapiStatement } from '../../src/core/inspect/xapi-stream';
import { xapiResultJsonText } from '../../src/cli/xapiOutput';

const pick = (chars: string) => fc.constantFrom(...chars.split(''));
const near = (alphabet: string, maxLength: number) => fc.array(pick(alphabet), { maxLength }).map((a) => a.join(''));

/** The timestamp check as it was written with TIMESTAMP alone (the reference). */
function referenceTimestampErrors(v: string): string[] {
  const m = TIMESTAMP.exec(v);
  if (!m) return [`timestamp must be an ISO 8601 date-time such as 2024-05-01T12:00:00.000Z, got ${JSON.stringify(v)}`];
  const zone = m[8];
  if (zone && /^-00(?::?00)?$/.test(zone)) return [`timestamp uses the offset ${zone}, which xAPI forbids (-00:00 means "unknown offset"); use Z or +00:00`];
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => +m[i]!) as [number, number, number, number, number];
  const s = m[6] === undefined ? 0 : +m[6];
  const dim = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1]! || h > 23 || mi > 59 || s > 60 ? [`timestamp ${JSON.stringify(v)} is not a real date and time`] : [];
}

const statement = (timestamp: string) => ({
  actor: { mbox: 'mailto:a@example.com' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'https://example.com/course' },
  timestamp,
});

describe('xAPI validator fast paths agree with the regular expressions', () => {
  it('isIri(v) === IRI.test(v): any string, and strings made of scheme, IRI and excluded characters', () => {
    const iriish = near('aZ9+.-:/?#[]@!$&\'()*,;=%_~ \t\n\r<>"{}|\\^`\u00a0\u2003\u2028\ufeffé', 30);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), iriish, iriish.map((s) => `https:${s}`), iriish.map((s) => `x${s}:${s}`)), (v) => isIri(v) === IRI.test(v)),
      { numRuns: 20_000 },
    );
    for (const v of ['https://example.com/a', 'urn:x', 'a:', 'a+b.c-d:x', '1a:x', ':x', 'ab', 'http://a b', 'http://a\u00a0b', 'http://a\u0001b', 'mailto:x@y', '']) assert.equal(isIri(v), IRI.test(v), JSON.stringify(v));
  });

  it('isUuid(v) === UUID.test(v): any string, and 36-character strings of hex digits and dashes', () => {
    const uuidish = fc.array(pick('0123456789abcdefABCDEFg-'), { minLength: 34, maxLength: 38 }).map((a) => a.join(''));
    const dashed = fc.array(pick('0123456789abcdefABCDEF'), { minLength: 32, maxLength: 32 }).map((a) => {
      const h = a.join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    });
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), uuidish, dashed), (v) => isUuid(v) === UUID.test(v)), { numRuns: 20_000 });
  });

  it('a timestamp gets the same errors as the regular expression alone gives (the usual UTC form and every other)', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const utc = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two, two, two, two, two, fc.oneof(fc.constant(''), near('0123456789', 9).map((f) => `.${f}`), near('0123456789', 3).map((f) => `,${f}`)), fc.constantFrom('Z', 'z', '', '+00:00', '-00:00', '-0000', '+05:30'))
      .map(([y, mo, d, h, mi, s, frac, zone]) => `${String(y).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`);
    const mutated = utc.chain((v) => fc.tuple(fc.nat({ max: v.length }), pick('0123456789-T:Z.,+ x')).map(([i, c]) => v.slice(0, i) + c + v.slice(i + 1)));
    fc.assert(
      fc.property(fc.oneof(utc, mutated, fc.string({ maxLength: 30 })), (v) => {
        const got = validateXapiStatement(statement(v)).errors.filter((e) => e.path === 'timestamp').map((e) => e.message);
        assert.deepEqual(got, referenceTimestampErrors(v), v);
      }),
      { numRuns: 20_000 },
    );
    for (const v of ['2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2024-05-01T12:00:00.000Z', '2024-05-01T12:00:60Z', '2024-05-01T12:00:61Z', '2024-05-01T12:00:00.Z', '2024-13-01T00:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z']) {
      assert.deepEqual(validateXapiStatement(statement(v)).errors.filter((e) => e.path === 'timestamp').map((e) => e.message), referenceTimestampErrors(v), v);
    }
  });

  it('a result printed as JSON text is what JSON.stringify would print, whatever the strings hold', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(text, text, text, (mbox, id, verb) => {
        const r = inspectXapiStatement({ actor: { mbox }, verb: { id: verb }, object: { id }, timestamp: mbox }, 7, 9);
        const o = r.oracle;
        const expected = {
          index: 7,
          valid: r.valid,
          errors: r.errors.map((e) => ({ path: e.path, message: e.message })),
          oracle: { learner: { by: o.learner.by, value: o.learner.value }, contentId: o.contentId, verb: o.verb, completion: o.completion, timestamp: o.timestamp, durationSeconds: o.durationSeconds, score: o.score },
        };
        assert.equal(xapiResultJsonText(r), JSON.stringify(expected));
      }),
      { numRuns: 5_000 },
    );
  });
});
