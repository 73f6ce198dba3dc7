/**
 * Issue 12, problems 4 and 5: standard input is read as bytes with the size cap enforced while
 * reading (`inspect cert - < cert.der` and .p12 work; `inspect xapi -` streams), and learner files
 * are data: csv-parse with delimiter detection, quoted multi-line fields, BOMs and UTF-16; every row
 * validated (RFC 5321 lengths) and a bad row reported `invalid` with its line while the others are
 * checked; every value echoed to a terminal or a Markdown report escaped by one shared helper.
 */
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { readStreamCapped } from '../../src/core/io/readCapped';
import { detectDelimiter, identifierProblem, readIdentifiers, type LearnerRow } from '../../src/core/plan/identity';
import { loadPlan, PlanFileError, parsePlan, serializePlan } from '../../src/core/plan/planFile';
import { buildReport, reportToMarkdown } from '../../src/core/plan/report';
import { emptyState } from '../../src/core/plan/stateStore';
import { getProfile } from '../../src/core/plan/profiles';
import { markdownCell, printable } from '../../src/core/text/printable';
import { OpenSslFactory, type MadeCert } from '../fixtures/inspect/openssl';
import { runOli } from './helpers/cli';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { courseraKeys, testPlan } from './plan.helpers';
import { savePlan } from '../../src/core/plan/planFile';

const ESC = '\u001b';

/** A CliIO whose stdin is a given stream; output captured. */
function ioWith(stdin: () => Readable, cwd: string) {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: (max) => readStreamCapped(stdin(), max, 'Standard input'),
    stdinStream: stdin,
    env: {},
    cwd,
    signal: new AbortController().signal,
  };
  return { io, out: () => out, err: () => err };
}

describe('stdin as bytes (issue 12, problem 4)', function () {
  this.timeout(60_000);
  let f: OpenSslFactory;
  let cert: MadeCert;
  before(() => {
    f = new OpenSslFactory();
    cert = f.cert('stdin', 'rsa2048', { cn: 'stdin-provider' });
  });
  after(() => f.cleanup());

  it('inspect cert - < cert.der: the DER bytes arrive intact', async () => {
    const r = await runOli(['inspect', 'cert', '-', '--json'], { cwd: f.dir, stdin: f.read(cert.derFile) });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { certificates: { subject: string; sha1: string }[] };
    assert.match(report.certificates[0]!.subject, /CN=stdin-provider/);
    assert.equal(report.certificates[0]!.sha1, f.fingerprints(cert.certFile).sha1);
  });

  it('inspect cert - --password P < bundle.p12: a PKCS#12 file from stdin opens', async () => {
    const p12 = f.pkcs12('stdin', cert.keyFile, [cert.certFile], 'pw');
    const r = await runOli(['inspect', 'cert', '-', '--password', 'pw'], { cwd: f.dir, stdin: f.read(p12) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Certificate 1: CN=stdin-provider/);
  });

  it('the 10 MB cap is enforced while reading: a huge stdin is refused without being read whole, and its size is not misreported', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(1 << 20, 0xff);
    const endless = () =>
      new Readable({
        read() {
          pulled += chunk.length;
          this.push(pulled > 300 * (1 << 20) ? null : chunk);
        },
      });
    const c = ioWith(endless, f.dir);
    const code = await runCli(['inspect', 'cert', '-'], c.io);
    assert.equal(code, 2);
    assert.match(c.err(), /Standard input is larger than 10\.0 MB, above the 10\.0 MB limit/);
    assert.ok(pulled <= 12 * (1 << 20), `read ${pulled / (1 << 20)} MB of stdin before refusing it`);
  });

  it('inspect xapi - streams NDJSON: results are written while stdin is still open', async () => {
    const statement = (i: number) => JSON.stringify({ actor: { mbox: `mailto:l${i}@example.com` }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: `https://example.com/c/${i}` }, timestamp: '2025-01-01T00:00:00Z' });
    let sent = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let printedWhileOpen = false;
    const c = ioWith(
      () =>
        Readable.from(
          (async function* () {
            for (; sent < 3000; sent++) yield Buffer.from(statement(sent) + '\n');
            await held; // stdin stays open until the test has seen output
            yield Buffer.from(statement(sent++) + '\n');
          })(),
        ),
      f.dir,
    );
    const running = runCli(['inspect', 'xapi', '-', '--json'], c.io);
    for (let i = 0; i < 400 && !c.out(); i++) await new Promise((r) => setTimeout(r, 10));
    printedWhileOpen = c.out().length > 0;
    release();
    const code = await running;
    assert.equal(code, 0, c.err());
    assert.ok(printedWhileOpen, 'nothing was printed before stdin ended: stdin was read whole first');
    assert.equal((JSON.parse(c.out()) as { summary: { total: number } }).summary.total, 3001);
  });
});

describe('learner files as data (issue 12, problem 5)', function () {
  this.timeout(60_000);
  let t: TestSandbox;
  let dir: string;
  let emails: string[];
  const oli = (args: string[]) => runOli(args, { cwd: dir, env: { OLI_USERNAME: t.sb.admin.userName, OLI_PASSWORD: t.sb.admin.password } });

  async function rows(content: string | Buffer): Promise<LearnerRow[]> {
    const p = join(dir, `rows-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(p, content);
    const out: LearnerRow[] = [];
    for await (const r of readIdentifiers(p, 'email')) out.push(r);
    return out;
  }

  before(async () => {
    t = await startTestSandbox({ users: 30 });
    dir = await mkdtemp(join(tmpdir(), 'oli-learners-'));
    await writeFile(join(dir, 'coursera.cer'), courseraKeys().certificatePem);
    await savePlan(join(dir, 'oracle-learning.json'), testPlan(t.sb.url));
    const users = (await (await t.call('/hcmRestApi/scim/Users?count=20&attributes=userName,emails,active')).json()) as { Resources: { active: boolean; emails?: { value: string; primary?: boolean }[] }[] };
    emails = users.Resources.filter((u) => u.active).map((u) => u.emails?.find((e) => e.primary)?.value).filter((e): e is string => !!e && !e.startsWith('admin')).slice(0, 3);
  });
  after(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a 20,000-character address is invalid with its line; the other rows are still checked (it failed the whole run with HTTP 431 before)', async () => {
    const long = `${'x'.repeat(20_000)}@example.com`;
    await writeFile(join(dir, 'long.csv'), `email\n${emails[0]}\n${long}\n${emails[1]}\n`);
    const r = await oli(['identity', 'long.csv', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { summary: { total: number; matched: number; invalid: number }; problems: { problem: string; line?: number; message: string }[] };
    assert.deepEqual(out.summary, { ...out.summary, total: 3, matched: 2, invalid: 1 });
    assert.equal(out.problems[0]!.line, 3);
    assert.match(out.problems[0]!.message, /20012 bytes long; an email address is at most 254 \(RFC 5321\)/);
  });

  it('RFC 5321 lengths: a 65-octet local part and a 255-octet address are invalid; 64 and 254 are not', () => {
    assert.equal(identifierProblem(`${'a'.repeat(64)}@example.com`, 'email'), undefined);
    assert.match(identifierProblem(`${'a'.repeat(65)}@example.com`, 'email')!, /local part .* 65 bytes/);
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.com`;
    const at254 = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
    assert.equal(Buffer.byteLength(at254), 254);
    assert.equal(identifierProblem(at254, 'email'), undefined);
    assert.match(identifierProblem(`a${at254}`, 'email')!, /255 bytes long/);
    assert.match(identifierProblem(`é${'a'.repeat(63)}@example.com`, 'email')!, /65 bytes/, 'octets, not characters');
  });

  it('an address holding ESC[2J is invalid and shown escaped: nothing reaches the terminal raw', async () => {
    await writeFile(join(dir, 'esc.csv'), `email\n${emails[0]}\nevil${ESC}[2J${ESC}]0;pwned\u0007@example.com\n`);
    const r = await oli(['identity', 'esc.csv']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes(ESC) && !r.stderr.includes(ESC) && !r.stdout.includes('\u0007'), 'a raw control character reached the terminal');
    assert.match(r.stdout, /invalid\s+line 3: evil\\x1b\[2J\\x1b\]0;pwned\\x07@example\.com: holds a control or invisible character/);
  });

  it('semicolon-separated (European Excel), quoted fields spanning lines, CRLF: the right column and line numbers', async () => {
    const got = await rows(`Name;Email;Team\r\n"Müller; Jan";${emails[0]};A\r\n"Two\r\nline name";${emails[1]};B\r\n\r\n"bad"x;x;C\r\nLast;${emails[2]};D\r\n`);
    assert.deepEqual(
      got.map((r) => [r.value, r.line, r.error !== undefined]),
      [
        [emails[0], 2, false],
        [emails[1], 3, false],
        ['x', 6, false],
        [emails[2], 7, false],
      ],
    );
  });

  it('tab-separated and single-column files; the delimiter is the most frequent of , ; tab in the first line', async () => {
    assert.equal(detectDelimiter('a;b;c'), ';');
    assert.equal(detectDelimiter('a\tb'), '\t');
    assert.equal(detectDelimiter('"x;y",b,c'), ',', 'a delimiter inside quotes does not count');
    assert.equal(detectDelimiter('a@example.com'), ',');
    assert.deepEqual((await rows(`user\temail\nu1\t${emails[0]}\n`)).map((r) => r.value), [emails[0]]);
    assert.deepEqual((await rows(`${emails[0]}\n${emails[1]}\n`)).map((r) => r.value), [emails[0], emails[1]]);
  });

  it('UTF-16 LE and BE with a BOM (Excel "Unicode text"), and UTF-8 with a BOM', async () => {
    const text = `Email;Name\r\n${emails[0]};Zoë\r\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const [name, bytes] of [['le', le], ['be', be], ['utf8', utf8]] as const) {
      assert.deepEqual((await rows(bytes)).map((r) => [r.value, r.line]), [[emails[0], 2]], name);
    }
    await writeFile(join(dir, 'utf16.csv'), le);
    const r = await oli(['identity', 'utf16.csv', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('a malformed row is invalid with its line and the file goes on (an unclosed quote at the end included)', async () => {
    await writeFile(join(dir, 'broken.csv'), `email\n${emails[0]}\n"oops"x\n${emails[1]}\n"never closed\n`);
    const r = await oli(['identity', 'broken.csv', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { summary: { total: number; matched: number; invalid: number }; problems: { line?: number; problem: string }[] };
    assert.equal(out.summary.matched, 2);
    assert.equal(out.summary.invalid, 2);
    assert.deepEqual(out.problems.map((p) => [p.problem, p.line]), [['invalid', 3], ['invalid', 5]]);
  });
});

describe('one shared escape for terminals and Markdown (issue 12, problem 5)', () => {
  it('printable escapes C0, C1, DEL and bidi/invisible formatting characters; leaves text alone', () => {
    assert.equal(printable(`a${ESC}[2Jb\nc\r\t\u007f\u0085\u202e\u200bz`), 'a\\x1b[2Jb\\nc\\r\\t\\x7f\\x85\\u202e\\u200bz');
    assert.equal(printable('Zoë 日本 😀 <b>|'), 'Zoë 日本 😀 <b>|');
  });

  it('a Markdown cell cannot end the cell, open HTML, code or a link', () => {
    assert.equal(markdownCell('a|b<img src=x>`c`[d](e)\\'), 'a\\|b\\<img src=x\\>\\`c\\`\\[d\\](e)\\\\');
  });

  it('the Markdown report escapes values from the pod, the plan and notes', () => {
    const plan = testPlan('https://pod.fa.example.com');
    const steps = getProfile('coursera', 'jwt').steps;
    const state = emptyState('sandbox');
    state.attestations.sso = { by: `mallory${ESC}[31m`, at: '2025-01-01T00:00:00Z', note: 'ok | <script>alert(1)</script>\nnew row' };
    const results = [{ id: 'sso' as const, status: 'attested' as const, detail: `learner evil${ESC}[2J@x`, checkedAt: '2025-01-01T00:00:00Z', checks: [], attestation: state.attestations.sso }];
    const md = reportToMarkdown(buildReport({ plan, environment: 'sandbox', url: plan.environments.sandbox!.url, steps, results, state, actor: 'me' }));
    assert.ok(!md.includes(ESC));
    assert.ok(!md.includes('<script>'));
    assert.match(md, /evil\\\\x1b\\\[2J@x/);
    assert.match(md, /ok \\\| \\<script\\>/);
  });

  it('inspect escapes what it echoes from a certificate, a token or a statement', async () => {
    const d = await mkdtemp(join(tmpdir(), 'oli-esc-'));
    try {
      const stmt = JSON.stringify({ actor: { mbox: `mailto:a${ESC}[2J@example.com` }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: `https://x/${ESC}]0;t\u0007` } });
      const r = await runOli(['inspect', 'xapi', '-'], { cwd: d, stdin: stmt });
      assert.ok(!r.stdout.includes(ESC) && !r.stdout.includes('\u0007'), r.stdout);
      assert.match(r.stdout, /\\x1b/);
      const claims = Buffer.from(JSON.stringify({ iss: 'x\u202eevil', sub: 'u' })).toString('base64url');
      const jwt = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${claims}.sig`;
      const j = await runOli(['inspect', 'jwt', jwt], { cwd: d });
      assert.ok(!j.stdout.includes('\u202e'), 'a right-to-left override reached the terminal');
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});

describe('plan files with a BOM (issue 12, problem 5)', () => {
  it('a plan saved as UTF-8 with a BOM is read', async () => {
    const d = await mkdtemp(join(tmpdir(), 'oli-bom-'));
    try {
      const p = join(d, 'oracle-learning.json');
      await writeFile(p, '\ufeff' + serializePlan(testPlan('https://pod.fa.example.com')));
      assert.equal((await loadPlan(p)).provider, 'coursera');
      const r = await runOli(['status'], { cwd: d, env: {} });
      assert.match(r.stderr, /OLI_USERNAME and OLI_PASSWORD/, 'the plan was accepted; only the credentials are missing');
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('an invisible character in a broken plan is shown escaped in the message', () => {
    assert.throws(
      () => parsePlan('{"version": 1,\u200b "x": 1}'),
      (e: unknown) => e instanceof PlanFileError && !e.message.includes('\u200b') && /\\u200b|not valid JSON/.test(e.message),
    );
  });
});
