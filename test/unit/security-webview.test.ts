/**
 * Webview (issue 7, item 5), what runs without VS Code:
 * - the Inspector's message protocol (src/views/inspectorProtocol.ts, used by the extension host
 *   and by the webview script) accepts what the host really sends, and refuses malformed messages
 *   both ways (wrong type, missing or mistyped fields, oversized inputs, non-objects; a property
 *   test over arbitrary values): a refused message is ignored, never acted on;
 * - both ends validate every message (the host's onDidReceiveMessage and the webview's message
 *   listener parse with the schemas; the host parses what it posts) and render without HTML
 *   injection sinks;
 * - the Content-Security-Policy of the generated HTML allows no 'unsafe-inline' or 'unsafe-eval',
 *   scripts and styles only with the per-load nonce, nothing by default; the built webview bundle
 *   needs no eval;
 * - a message built from a certificate file that holds a private key carries none of the key.
 * The panel itself (createWebviewPanel, postMessage round trips) needs the extension host: see
 * SECURITY.md for the integration tests that cover the rest.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { inspectCertificates } from '../../src/core/inspect/certificates';
import { inspectJwt } from '../../src/core/inspect/jwt';
import { inspectXapiText } from '../../src/core/inspect/xapi-stream';
import { signOracleJwt } from '../../src/core/plan/oracleJwt';
import { detectInspectorTab, toHostSchema, toWebviewSchema } from '../../src/views/inspectorProtocol';
import { esc, operationsToHostSchema } from '../../src/views/operationsProtocol';
import { courseraKeys, ISSUER } from './plan.helpers';

const ROOT = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const TEN_MB = 10 * 1024 * 1024;
/** What the host does to a report before posting it (inspectorPanel.ts `plain`). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('security: the Inspector webview', () => {
  describe('messages from the webview to the extension', () => {
    it('accepts the messages the webview sends', () => {
      for (const m of [
        { type: 'ready' },
        { type: 'pick-certificate-file' },
        { type: 'inspect-certificate', text: courseraKeys().certificatePem },
        { type: 'inspect-jwt', token: 'a.b.c', certificate: '', issuer: '', user: '' },
        { type: 'inspect-jwt', token: 'a.b.c' },
        { type: 'inspect-xapi', text: '{}' },
      ]) {
        assert.ok(toHostSchema.safeParse(m).success, JSON.stringify(m));
      }
    });

    it('refuses malformed messages: unknown or missing type, missing, empty, mistyped or oversized fields, non-objects', () => {
      const bad: unknown[] = [
        undefined,
        null,
        'ready',
        42,
        [],
        [{ type: 'ready' }],
        {},
        { type: 'READY' },
        { type: 'run-command', command: 'workbench.action.terminal.new' },
        { type: 'open-file', path: '/etc/passwd' },
        { type: 'inspect-certificate' },
        { type: 'inspect-certificate', text: '' },
        { type: 'inspect-certificate', text: 42 },
        { type: 'inspect-certificate', text: { toString: 'x' } },
        { type: 'inspect-certificate', text: 'x'.repeat(TEN_MB + 1) },
        { type: 'inspect-jwt' },
        { type: 'inspect-jwt', token: '' },
        { type: 'inspect-jwt', token: 'a.b.c', issuer: 'i'.repeat(2001) },
        { type: 'inspect-jwt', token: 'a.b.c', user: 'u'.repeat(201) },
        { type: 'inspect-jwt', token: 'a.b.c', certificate: 7 },
        { type: 'inspect-xapi', text: null },
        { type: ['ready'] },
      ];
      for (const m of bad) assert.equal(toHostSchema.safeParse(m).success, false, `accepted ${JSON.stringify(m)?.slice(0, 120)}`);
    });

    it('never throws on arbitrary values, and what it accepts has only the fields of its type', () => {
      const allowed: Record<string, string[]> = {
        ready: ['type'],
        'pick-certificate-file': ['type'],
        'inspect-certificate': ['type', 'text'],
        'inspect-jwt': ['type', 'token', 'certificate', 'issuer', 'user'],
        'inspect-xapi': ['type', 'text'],
      };
      const near = fc.record({ type: fc.constantFrom(...Object.keys(allowed), 'other'), text: fc.anything(), token: fc.anything(), extra: fc.anything(), __proto__: fc.anything() }, { requiredKeys: [] });
      fc.assert(
        fc.property(fc.oneof(fc.anything(), near), (m) => {
          const r = toHostSchema.safeParse(m);
          if (r.success) for (const k of Object.keys(r.data)) assert.ok(allowed[r.data.type]!.includes(k), `kept an unknown field ${k}`);
        }),
        { numRuns: 5000, seed: 7201 },
      );
    });
  });

  describe('messages from the extension to the webview', () => {
    it('accepts the messages the host builds from real inspections', async () => {
      const keys = courseraKeys();
      const token = await signOracleJwt({ privateKeyPem: keys.privateKeyPem, certificatePem: keys.certificatePem, issuer: ISSUER, userName: 'user.coursera' });
      const messages = [
        { type: 'init', tab: 'certificate', strings: { inspect: 'Inspect' } },
        { type: 'show-input', tab: 'jwt', text: token },
        { type: 'certificate-result', source: 'pasted text', report: plain(inspectCertificates(keys.certificatePem)) },
        { type: 'jwt-result', report: plain(await inspectJwt(token, { certificate: keys.certificatePem, issuer: ISSUER, user: 'user.coursera' })) },
        { type: 'xapi-result', inspection: plain(inspectXapiText('{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"urn:x"}}')) },
        { type: 'error', tab: 'xapi', message: 'The xAPI input is not JSON' },
      ];
      for (const m of messages) {
        const r = toWebviewSchema.safeParse(m);
        assert.ok(r.success, `${m.type}: ${r.success ? '' : r.error.issues[0]?.message}`);
      }
    });

    it('refuses malformed messages (the webview ignores them)', () => {
      const report = plain(inspectCertificates(courseraKeys().certificatePem)) as Record<string, unknown>;
      const bad: unknown[] = [
        null,
        'init',
        { type: 'init' },
        { type: 'init', tab: 'terminal', strings: {} },
        { type: 'init', tab: 'jwt', strings: { a: 1 } },
        { type: 'show-input', tab: 'jwt' },
        { type: 'certificate-result', source: 'x' },
        { type: 'certificate-result', source: 'x', report: { ...report, certificates: 'none' } },
        { type: 'certificate-result', source: 'x', report: { ...report, ok: 'yes' } },
        { type: 'jwt-result', report: { valid: true } },
        { type: 'xapi-result', inspection: { results: [{}], summary: {} } },
        { type: 'error', tab: 'jwt' },
        { type: 'error', tab: 'jwt', message: { html: '<img onerror=alert(1)>' } },
        { type: 'html', html: '<script>alert(1)</script>' },
        { type: 'eval', code: 'alert(1)' },
      ];
      for (const m of bad) assert.equal(toWebviewSchema.safeParse(m).success, false, `accepted ${JSON.stringify(m)?.slice(0, 120)}`);
      fc.assert(
        fc.property(fc.anything(), (m) => void toWebviewSchema.safeParse(m)),
        { numRuns: 3000, seed: 7202 },
      );
    });

    it('a certificate file that also holds a private key yields a message with none of the key', () => {
      const keys = courseraKeys();
      const report = inspectCertificates(keys.certificatePem + keys.privateKeyPem);
      assert.equal(report.privateKey, true, 'the key was seen');
      const message = JSON.stringify(toWebviewSchema.parse({ type: 'certificate-result', source: 'provider.cer', report: plain(report) }));
      const body = keys.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
      for (const line of body) assert.ok(!message.includes(line), 'a line of the private key reached the webview message');
      assert.ok(!/PRIVATE KEY/.test(message));
    });

    it('detects the tab of a selection without treating a private key as a certificate', () => {
      assert.equal(detectInspectorTab(courseraKeys().certificatePem), 'certificate');
      assert.equal(detectInspectorTab(courseraKeys().privateKeyPem), undefined);
      assert.equal(detectInspectorTab('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), 'jwt');
    });
  });

  describe('both ends validate, and render without injection sinks', () => {
    const host = read('src/views/inspectorPanel.ts');
    const webview = read('media/inspector/main.ts');

    it('the host parses every received message with toHostSchema and every posted one with toWebviewSchema', () => {
      assert.match(host, /onDidReceiveMessage\(\(raw: unknown\) => [^)]*this\.onMessage\(raw/, 'messages arrive as unknown');
      assert.match(host, /private async onMessage\(raw: unknown[^]*?toHostSchema\.safeParse\(raw\)[^]*?if \(!parsed\.success\)[^]*?return;/, 'invalid messages are dropped before any action');
      const posts = host.match(/webview\.postMessage\(([^)]*)\)/g) ?? [];
      assert.ok(posts.length > 0);
      for (const p of posts) assert.match(p, /postMessage\((checked|q|toWebviewSchema\.parse\()/, `unvalidated post: ${p}`);
      assert.match(host, /private post\(message: ToWebview\): void \{\s*const checked = toWebviewSchema\.parse\(message\)/);
    });

    it('the webview parses every message with toWebviewSchema, sends only through toHostSchema, and never writes HTML', () => {
      // The page hands its messages to the shared listener with toWebviewSchema; the listener parses
      // each one and drops what fails before anything renders.
      const shared = read('media/shared/page.ts');
      assert.match(webview, /listen\(toWebviewSchema, render,/);
      assert.match(shared, /addEventListener\('message',[^]*?schema\.safeParse\(event\.data\)[^]*?if \(!parsed\.success\)[^]*?return;[^]*?onMessage\(parsed\.data\)/);
      assert.match(webview, /function send\(message: ToHost\): void \{\s*vscode\.postMessage\(toHostSchema\.parse\(message\)\)/);
      assert.equal((webview.match(/vscode\.postMessage\(/g) ?? []).length, 1, 'one way out: send()');
      assert.equal((shared.match(/\.postMessage\(/g) ?? []).length, 0, 'the shared module sends nothing itself');
      for (const sink of [/\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/, /setAttribute\(\s*['"]on/]) {
        for (const [name, text] of [['inspector', webview], ['shared', shared]] as const) assert.ok(!sink.test(text.replace(/^\s*\/\/.*$/gm, '')), `the ${name} page code uses ${sink}`);
      }
    });
  });

  describe('Content-Security-Policy', () => {
    // Every webview page (the Inspector, the step page, the identity check) gets its HTML from one shell.
    const host = read('src/views/webviewHtml.ts');

    it("the Inspector's CSP: default-src 'none', scripts and styles only with the nonce, no unsafe-inline or unsafe-eval", () => {
      const csp = /const csp = \[([^\]]+)\]\.join\('; '\)/.exec(host)?.[1];
      assert.ok(csp, 'the CSP is built in one place');
      const directives = [...csp.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      const byName = new Map(directives.map((d) => [d.split(' ')[0]!, d]));
      assert.equal(byName.get('default-src'), "default-src 'none'");
      assert.equal(byName.get('script-src'), "script-src 'nonce-${nonce}'", 'scripts: only the nonce (not even the webview origin)');
      assert.match(byName.get('style-src') ?? '', /^style-src \$\{webview\.cspSource\} 'nonce-\$\{nonce\}'$/);
      for (const d of directives) assert.ok(!/unsafe-|\*|https?:|data:.*script/.test(d.replace(/img-src .*data:/, 'img-src')), `loose directive: ${d}`);
      assert.match(host, /<meta http-equiv="Content-Security-Policy" content="\$\{csp\}">/);
      assert.match(host, /const nonce = randomBytes\(16\)\.toString\('base64'\)/, 'a fresh random nonce per load');
      const tags = host.match(/<(script|style)\b[^>]*>/g) ?? [];
      assert.ok(tags.length >= 2);
      for (const t of tags) assert.match(t, /nonce="\$\{nonce\}"/, `${t} has no nonce`);
      assert.match(host, /localResourceRoots: \[root\]/, 'resources only from dist/webview');
    });

    it('every webview gets its HTML from that one place, so the CSP above covers them all', () => {
      const setters: string[] = [];
      const walk = (d: string) => {
        for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.name.endsWith('.ts') && /\.html\s*=/.test(read(p)) && /webview/i.test(read(p))) setters.push(p);
        }
      };
      walk('src');
      assert.deepEqual(setters.sort(), ['identityPage.ts', 'inspectorPanel.ts', 'operationsWebview.ts', 'stepPage.ts'].map((f) => join('src', 'views', f)));
      // The issue-14 webviews (why timeline, environments matrix) build their own page: checked below.
      for (const f of setters.filter((x) => !x.endsWith('operationsWebview.ts'))) {
        const text = read(f);
        const assigned = [...text.matchAll(/\.html\s*=\s*([^;]+);/g)].map((m) => m[1]!.trim());
        assert.ok(assigned.length > 0 && assigned.every((v) => v.startsWith('webviewShell(') || v === 'this.html'), `${f} sets HTML that is not the shell's: ${assigned.join(' | ')}`);
        if (assigned.includes('this.html')) assert.match(text, /this\.html = webviewShell\(/);
      }
    });

    it("the issue-14 webviews (why timeline, environments matrix): default-src 'none', the one script and style only with a fresh nonce, no local resources, no command URIs", () => {
      const ops = read('src/views/operationsWebview.ts');
      const csp = /const csp = \[([^\]]+)\]\.join\('; '\)/.exec(ops)?.[1];
      assert.ok(csp);
      const directives = [...csp.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      assert.deepEqual(directives, ["default-src 'none'", "style-src 'nonce-${nonce}'", "script-src 'nonce-${nonce}'", 'font-src ${webview.cspSource}']);
      assert.match(ops, /const nonce = randomBytes\(16\)\.toString\('base64'\)/);
      for (const t of ops.match(/<(script|style)\b[^>]*>/g) ?? []) assert.match(t, /nonce="\$\{nonce\}"/, `${t} has no nonce`);
      assert.match(ops, /enableCommandUris: false, localResourceRoots: \[\]/);
      assert.match(ops, /operationsToHostSchema\.safeParse\(raw\)/, 'clicks are validated before they are acted on');
    });

    it('the issue-14 webviews accept only their button clicks, and escape every text they show', () => {
      for (const t of ['refresh', 'copy', 'compare']) assert.ok(operationsToHostSchema.safeParse({ type: t }).success, t);
      for (const bad of [{ type: 'run', command: 'x' }, { type: 'copy', text: 'anything' }, 'refresh', null, {}]) assert.equal(operationsToHostSchema.safeParse(bad).success, false, JSON.stringify(bad));
      fc.assert(
        fc.property(fc.string(), (s) => {
          const e = esc(s);
          return !/[<>"']/.test(e) && !/&(?!amp;|lt;|gt;|quot;|#39;)/.test(e);
        }),
      );
      assert.equal(esc(`<img src=x onerror="alert('x')">&`), '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;');
      // Every interpolation in the page builders goes through esc() (or is a fixed badge, a number or a class name).
      for (const f of ['src/views/whyPanel.ts', 'src/views/matrixPanel.ts']) {
        const src = read(f);
        // Each top-level `${...}` of the source (balanced braces: what esc() wraps is skipped whole).
        for (let i = src.indexOf('${'); i >= 0; ) {
          let depth = 0;
          let j = i + 1;
          for (; j < src.length; j++) {
            if (src[j] === '{') depth++;
            else if (src[j] === '}' && --depth === 0) break;
          }
          const expr = src.slice(i + 2, j).trim();
          const nested = /\$\{/.test(expr) && !/^esc\(/.test(expr);
          const safe = /^(esc\(|DOT\[|b\.badge$|b\.cls$|BASIS_MARK\[|i \+ 1$|head$|rows$|links$|cells$)/.test(expr) || /^[\w.!&|() ]+ \? (esc\([^`]*\)|'[^'`$]*') : ('[^'`$]*')$/.test(expr);
          if (!safe && !nested) assert.fail(`${f}: \${${expr}} is not escaped`);
          // A conditional that builds markup: its own interpolations are checked as the scan goes on.
          i = src.indexOf('${', nested ? i + 2 : j);
        }
      }
    });

    it('no unsafe-inline or unsafe-eval anywhere in the extension or webview sources', () => {
      const files: string[] = [];
      const walk = (d: string) => {
        if (!existsSync(join(ROOT, d))) return;
        for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
          const p = join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (/\.(ts|js|html|css)$/.test(e.name)) files.push(p);
        }
      };
      ['src', 'media'].forEach(walk);
      assert.ok(files.length > 20);
      for (const f of files) assert.ok(!/unsafe-(inline|eval|hashes)|wasm-unsafe-eval/.test(read(f)), `${f} loosens a CSP`);
    });

    it('the built webview bundle needs no eval (it would be blocked without unsafe-eval)', function () {
      const bundle = join(ROOT, 'dist', 'webview', 'inspector.js');
      if (!existsSync(bundle)) this.skip(); // built by `npm test` / `npm run build`
      const js = readFileSync(bundle, 'utf8');
      assert.ok(!/\beval\(|new Function\(/.test(js), 'the bundle calls eval or new Function');
    });
  });
});
