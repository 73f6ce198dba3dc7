import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseAdfQ } from '../../src/sandbox/adfQuery';
import { FilterSyntaxError, allowed, equalityHint, evaluateFilter, parseFilter, plainResolver } from '../../src/sandbox/scimFilter';

const ATTRS = allowed('userName', 'active', 'displayName', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'name.givenName');
const users = [
  { userName: 'ada.lovelace1', active: true, displayName: 'Ada Lovelace', emails: [{ value: 'ada@example.com', type: 'W', primary: true }, { value: 'ada@home.test', type: 'H', primary: false }], name: { givenName: 'Ada' } },
  { userName: 'alan.turing2', active: false, displayName: 'Alan Turing', emails: [{ value: 'alan@example.com', type: 'W', primary: true }], name: { givenName: 'Alan' } },
  { userName: 'grace.hopper3', active: true, displayName: 'Grace Hopper', emails: [], name: { givenName: 'Grace' } },
];
const match = (f: string): string[] => {
  const ast = parseFilter(f, ATTRS);
  return users.filter((u) => evaluateFilter(ast, u, plainResolver)).map((u) => u.userName);
};

describe('sandbox SCIM filter parser', () => {
  it('eq, co, sw, ne, pr', () => {
    assert.deepEqual(match('userName eq "alan.turing2"'), ['alan.turing2']);
    assert.deepEqual(match('displayName co "e"'), ['ada.lovelace1', 'grace.hopper3']);
    assert.deepEqual(match('userName sw "a"'), ['ada.lovelace1', 'alan.turing2']);
    assert.deepEqual(match('userName ne "alan.turing2"'), ['ada.lovelace1', 'grace.hopper3']);
    assert.deepEqual(match('emails pr'), ['ada.lovelace1', 'alan.turing2']);
    assert.deepEqual(match('active eq false'), ['alan.turing2']);
  });

  it('is case-insensitive in attribute names, operators and string values', () => {
    assert.deepEqual(match('USERNAME EQ "ADA.LOVELACE1"'), ['ada.lovelace1']);
    assert.deepEqual(match('Emails.Value eq "ALAN@EXAMPLE.COM"'), ['alan.turing2']);
    assert.deepEqual(match('name.givenname sw "gr"'), ['grace.hopper3']);
  });

  it('and binds tighter than or; parentheses and not override', () => {
    assert.deepEqual(match('userName sw "g" or userName sw "a" and active eq false'), ['alan.turing2', 'grace.hopper3']);
    assert.deepEqual(match('(userName sw "g" or userName sw "a") and active eq true'), ['ada.lovelace1', 'grace.hopper3']);
    assert.deepEqual(match('not (active eq true)'), ['alan.turing2']);
  });

  it('value filters on multi-valued attributes', () => {
    assert.deepEqual(match('emails[type eq "W"].value eq "ada@example.com"'), ['ada.lovelace1']);
    assert.deepEqual(match('emails[type eq "W"].value eq "ada@home.test"'), []);
    assert.deepEqual(match('emails[type eq "H" and primary eq false].value co "home"'), ['ada.lovelace1']);
    assert.deepEqual(match('emails.value eq "ada@home.test"'), ['ada.lovelace1']);
  });

  it('rejects invalid filters with FilterSyntaxError', () => {
    for (const f of ['', 'userName', 'userName eq', 'userName eq alan', 'userName eq "x" and', '(userName eq "x"', 'userName eq "x")',
      'password eq "x"', 'emails[type eq "W"', 'userName like "x"', 'userName eq "unterminated']) {
      assert.throws(() => parseFilter(f, ATTRS), FilterSyntaxError, JSON.stringify(f));
    }
  });

  it('never throws anything but FilterSyntaxError (property)', () => {
    const pieces = fc.constantFrom('userName', 'emails', '.value', '[', ']', '(', ')', 'eq', 'co', 'and', 'or', 'not', '"x"', 'true', '12', ' ', 'pr', 'type');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 12 }).map((a) => a.join(' '))), (src) => {
      try {
        const ast = parseFilter(src, ATTRS);
        for (const u of users) evaluateFilter(ast, u, plainResolver);
      } catch (err) {
        if (!(err instanceof FilterSyntaxError)) throw err;
      }
    }), { numRuns: 500 });
  });

  it('finds the indexable equality under and, not under or', () => {
    const idx = new Set(['username']);
    assert.deepEqual(equalityHint(parseFilter('active eq true and userName eq "a.b1"', ATTRS), idx), { attr: 'username', value: 'a.b1' });
    assert.equal(equalityHint(parseFilter('userName eq "a" or userName eq "b"', ATTRS), idx), null);
  });
});

describe('sandbox ADF q parser', () => {
  const A = new Set(['username', 'personid', 'suspendedflag']);
  const rows = [
    { Username: 'a.one', PersonId: 1, SuspendedFlag: false },
    { Username: "o'neil", PersonId: 2, SuspendedFlag: true },
  ];
  const q = (src: string, version: number): string[] => {
    const ast = parseAdfQ(src, version, A);
    return rows.filter((r) => evaluateFilter(ast, r, plainResolver)).map((r) => r.Username);
  };

  it('framework v1: Attr=value;Attr2=value (quotes optional)', () => {
    assert.deepEqual(q('Username=a.one', 1), ['a.one']);
    assert.deepEqual(q("Username='a.one';SuspendedFlag=false", 1), ['a.one']);
    assert.deepEqual(q('Username=a.one;SuspendedFlag=true', 1), []);
  });

  it('framework v2+: quoted values, and/or, parentheses, != and LIKE', () => {
    assert.deepEqual(q("Username = 'o''neil'", 2), ["o'neil"]);
    assert.deepEqual(q('(Username = "a.one" or PersonId = 2) and SuspendedFlag = \'true\'', 2), ["o'neil"]);
    assert.deepEqual(q("Username != 'a.one'", 3), ["o'neil"]);
    assert.deepEqual(q("Username LIKE 'a.%'", 2), ['a.one']);
    assert.deepEqual(q('PersonId > 1', 2), ["o'neil"]);
  });

  it('rejects unknown attributes and bad syntax', () => {
    assert.throws(() => parseAdfQ('Nope=1', 1, A), FilterSyntaxError);
    assert.throws(() => parseAdfQ("Nope = '1'", 2, A), FilterSyntaxError);
    assert.throws(() => parseAdfQ("Username = 'x' and", 2, A), FilterSyntaxError);
    assert.throws(() => parseAdfQ('Username = x', 2, A), FilterSyntaxError);
  });
});
