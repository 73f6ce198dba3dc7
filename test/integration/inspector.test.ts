// The Inspector webview and the certificate editor in a real extension host: CSP and resource
// roots, zod validation of malformed messages both ways (issue 7 item 5), copy, JWT checks against
// the plan, xAPI explained against the sandbox pod, and the PKCS#12 password flow.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import * as vscode from 'vscode';
import type { OliExtensionApi } from '../../src/views/runtime';
import type { InspectorWebview } from '../../src/views/inspectorPanel';
import type { ToWebview } from '../../src/views/inspectorProtocol';
import { selfSignedRsa, signOracleJwt } from '../../src/core/plan/oracleJwt';
import { api, sandboxEnv, waitFor, workspaceRoot, EXTENSION_ID } from './helpers';

type Receiver = { onMessage(raw: unknown): Promise<void> };
/** The function VS Code's onDidReceiveMessage calls with whatever the webview posted. */
const receive = (view: InspectorWebview, raw: unknown) => (view as unknown as Receiver).onMessage(raw);

function cspOf(view: InspectorWebview): { csp: string; nonce: string; directives: Map<string, string> } {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(view.html)?.[1];
  assert.ok(csp, 'the HTML declares a CSP');
  const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(' ')[0]!, d] as [string, string]));
  const nonce = /^script-src 'nonce-([A-Za-z0-9+/=]+)'$/.exec(directives.get('script-src') ?? '')?.[1];
  assert.ok(nonce && nonce.length >= 22, `script-src is only a nonce: ${directives.get('script-src')}`);
  return { csp, nonce, directives };
}

function assertStrictWebview(view: InspectorWebview): string {
  const { csp, nonce, directives } = cspOf(view);
  // The webview's own origin (cspSource, e.g. 'self' https://*.vscode-cdn.net) is the only source besides the nonce.
  const own = view.panel.webview.cspSource;
  assert.ok(!/unsafe-inline|unsafe-eval|unsafe-hashes|\*|https?:/.test(csp.split(own).join('')), `loose CSP: ${csp}`);
  assert.equal(directives.get('default-src'), "default-src 'none'", 'nothing by default: no connect-src, no frames, no network');
  assert.ok(!directives.has('connect-src'), 'the webview cannot fetch anything');
  assert.match(directives.get('style-src') ?? '', new RegExp(`'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'$`));
  const tags = view.html.match(/<(script|style)\b[^>]*>/g) ?? [];
  assert.ok(tags.length >= 2);
  for (const t of tags) assert.ok(t.includes(`nonce="${nonce}"`), `${t} has no nonce`);
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const roots = (view.panel.webview.options.localResourceRoots ?? []).map((u) => u.toString());
  assert.deepEqual(roots, [vscode.Uri.joinPath(ext.extensionUri, 'dist', 'webview').toString()], 'resources only from the bundle');
  assert.equal(view.panel.webview.options.enableCommandUris, false);
  return nonce;
}

const STATEMENT = (email: string, contentId: string) =>
  JSON.stringify({
    actor: { objectType: 'Agent', mbox: `mailto:${email}` },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: { objectType: 'Activity', id: contentId },
    result: { completion: true, duration: 'PT1H30M', score: { scaled: 0.92 } },
    timestamp: '2025-03-14T09:26:53.000Z',
  });

describe('Inspector webview and certificate editor (real extension host)', function () {
  this.timeout(60_000);
  let a: OliExtensionApi;
  const lines: string[] = [];
  let tap: vscode.Disposable;
  const root = workspaceRoot();
  const sb = sandboxEnv();

  before(async () => {
    a = await api();
    tap = a.log.tap((line) => lines.push(line));
    // The previous suite left a stopped local sandbox selected: work on the runner's pod.
    await vscode.commands.executeCommand('oli.selectEnvironment', { environment: 'dev' });
    a.inspector.close();
  });

  after(() => {
    tap.dispose();
    a.inspector.close();
  });

  it('serves a strict CSP with a fresh nonce per load and resources only from dist/webview', async () => {
    await vscode.commands.executeCommand('oli.openInspector', 'jwt');
    await waitFor('the inspector ready handshake', () => a.inspector.isReady, 30_000);
    const first = assertStrictWebview(a.inspector.webview!);
    a.inspector.close();
    await vscode.commands.executeCommand('oli.openInspector', 'certificate');
    await waitFor('the inspector ready handshake', () => a.inspector.isReady, 30_000);
    const second = assertStrictWebview(a.inspector.webview!);
    assert.notEqual(first, second, 'a new nonce for each load');
  });

  it('refuses malformed messages from the webview: logged, never acted on, and the panel keeps working', async () => {
    const view = a.inspector.webview!;
    const j = a.inspector.journal;
    const before = { rejected: j.rejected.length, sent: j.sent.length, received: j.received.length, warnings: lines.length };
    const bad: unknown[] = [
      undefined,
      null,
      'ready',
      42,
      [{ type: 'ready' }],
      {},
      { type: 'READY' },
      { type: 'run-command', command: 'workbench.action.terminal.new' },
      { type: 'open-file', path: '/etc/passwd' },
      { type: 'inspect-certificate', text: '' },
      { type: 'inspect-jwt', token: 7 },
      { type: 'pick-file', tab: 'terminal' },
      { type: 'copy', text: 'x'.repeat(100_001), label: 'too long' },
      { type: 'inspect-xapi', text: 'x'.repeat(10 * 1024 * 1024 + 1) },
    ];
    for (const m of bad) await receive(view, m);
    assert.equal(j.rejected.length - before.rejected, bad.length, 'every malformed message was refused');
    assert.equal(j.received.length, before.received, 'none was accepted');
    assert.equal(j.sent.length, before.sent, 'none was answered');
    const warnings = lines.slice(before.warnings).filter((l) => l.includes('ignored an invalid message from the inspector webview'));
    assert.equal(warnings.length, bad.length, 'each refusal is logged');
    // Still alive: a valid request is answered.
    await receive(view, { type: 'inspect-xapi', text: STATEMENT('someone@example.com', 'urn:x') });
    assert.equal(j.sent.at(-1)?.type, 'xapi-result');
  });

  it("refuses malformed messages to the webview: the webview's own validator drops them and reports each", async () => {
    const view = a.inspector.webview!;
    await view.whenReady();
    const j = a.inspector.journal;
    const before = j.webviewRejected.length;
    const bad: unknown[] = [
      { type: 'html', html: '<img src=x onerror=alert(1)>' },
      { type: 'eval', code: 'alert(1)' },
      { type: 'certificate-result', source: 'x', report: { ok: 'yes' } },
      { type: 'init', tab: 'terminal', strings: {} },
      { type: 'error', tab: 'jwt', message: { html: '<b>x</b>' } },
      { type: 'jwt-result', report: { valid: true } },
      'init',
    ];
    // Posted raw, around the host's own validation, as a compromised host would.
    for (const m of bad) assert.equal(await view.panel.webview.postMessage(m), true);
    await waitFor('the webview to report the messages it dropped', () => (j.webviewRejected.length - before >= bad.length ? true : undefined), 20_000);
    assert.equal(j.webviewRejected.length - before, bad.length);
    assert.ok(lines.some((l) => l.includes('the inspector webview ignored an invalid message')));
    // The webview still works after dropping them: it answers a valid round trip.
    const sentBefore = j.sent.length;
    await receive(view, { type: 'inspect-certificate', text: selfSignedRsa('after malformed', 30).certificatePem });
    assert.equal(j.sent.length, sentBefore + 1);
    assert.equal(j.sent.at(-1)?.type, 'certificate-result');
  });

  it('copy buttons go through the host to the clipboard', async () => {
    const value = `x5t-${randomBytes(6).toString('hex')}`;
    await receive(a.inspector.webview!, { type: 'copy', text: value, label: 'x5t' });
    assert.equal(await vscode.env.clipboard.readText(), value);
  });

  it("checks a JWT against the plan's issuer and integration user: a wrong issuer and alg none fail with their check ids", async () => {
    const keys = selfSignedRsa('JWT test issuer', 30);
    const planIssuer = a.model.plan!.jwt!.issuer;
    const wrongIssuer = await signOracleJwt({ privateKeyPem: keys.privateKeyPem, certificatePem: keys.certificatePem, issuer: `${planIssuer} `, userName: 'user.coursera' });
    const msg = (await vscode.commands.executeCommand<ToWebview>('oli.inspectSelection', wrongIssuer))!;
    assert.equal(msg.type, 'jwt-result', JSON.stringify(msg));
    if (msg.type !== 'jwt-result') return;
    assert.equal(msg.against?.issuer, planIssuer);
    assert.equal(msg.against?.user, 'user.coursera');
    const failed = msg.report.checks.filter((c) => !c.ok).map((c) => c.id);
    assert.ok(failed.includes('iss'), failed.join(','));
    assert.ok(msg.report.checks.some((c) => c.id === 'prn' && c.ok));
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: planIssuer, prn: 'user.coursera', sub: 'user.coursera', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    const r2 = (await vscode.commands.executeCommand<ToWebview>('oli.inspectSelection', none))!;
    assert.ok(r2.type === 'jwt-result' && r2.report.checks.some((c) => c.id === 'alg-none' && !c.ok) && !r2.report.valid);
  });

  it('explains an xAPI statement against the connected sandbox pod: would the completion land?', async () => {
    assert.equal(a.inspectorService.connectedEnvironment, 'dev');
    const auth = 'Basic ' + Buffer.from(`${sb.user}:${sb.password}`).toString('base64');
    const res = await fetch(`${sb.url}/hcmRestApi/scim/Users?count=20&attributes=userName,emails,active`, { headers: { authorization: auth } });
    const users = ((await res.json()) as { Resources: { userName: string; active: boolean; emails?: { value: string; primary?: boolean }[] }[] }).Resources;
    const learner = users.find((u) => u.active && u.userName.includes('.') && u.emails?.some((e) => e.primary))!;
    const email = learner.emails!.find((e) => e.primary)!.value;
    const view = a.inspector.webview!;
    await receive(view, { type: 'explain-xapi', text: STATEMENT(email, 'https://www.coursera.org/learn/never-imported') });
    const last = a.inspector.journal.sent.at(-1)!;
    assert.equal(last.type, 'xapi-explanation', JSON.stringify(last));
    if (last.type !== 'xapi-explanation') return;
    const r = last.explanation.results[0]!;
    assert.equal(last.explanation.environment, 'dev');
    assert.equal(r.lands, false);
    assert.equal(r.learner?.userName, learner.userName, 'the learner was resolved on the pod');
    assert.deepEqual(
      r.reasons.map((x) => x.code),
      ['unknown-content'],
    );
  });

  describe('certificate editor', () => {
    const files: string[] = [];
    let restore: typeof a.inspectorService.askPassword;

    before(() => {
      restore = a.inspectorService.askPassword;
    });
    afterEach(async () => {
      a.inspectorService.askPassword = restore;
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
    after(() => {
      for (const f of files) rmSync(f, { force: true });
    });

    function p12(password: string, cn: string): { path: string; uri: vscode.Uri } {
      const keys = selfSignedRsa(cn, 60);
      const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keys.privateKeyPem), [forge.pki.certificateFromPem(keys.certificatePem)], password, { algorithm: '3des' });
      const path = join(root, `${cn.replace(/\W+/g, '-')}.p12`);
      writeFileSync(path, Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
      files.push(path);
      return { path, uri: vscode.Uri.file(path) };
    }

    it('opens a password-protected .p12 by default: the password is asked on the host and reaches neither the webview nor the log', async () => {
      const password = `P12-${randomBytes(12).toString('base64url')}`;
      const { uri } = p12(password, 'P12 editor test');
      const asked: boolean[] = [];
      a.inspectorService.askPassword = (_file, wrongBefore) => {
        asked.push(wrongBefore);
        return Promise.resolve(asked.length === 1 ? 'not-the-p12-password' : password);
      };
      const from = { sent: a.certificateEditor.journal.sent.length, lines: lines.length };
      await vscode.commands.executeCommand('vscode.open', uri);
      const editor = await waitFor('the certificate editor', () => a.certificateEditor.editorOf(uri), 30_000);
      const result = await editor.rendered;
      assert.equal(result.type, 'certificate-result', JSON.stringify(result));
      if (result.type !== 'certificate-result') return;
      assert.equal(result.report.privateKey, true);
      assert.match(result.report.certificates[0]!.subject, /P12 editor test/);
      assert.equal(result.report.format, 'pkcs12');
      assert.deepEqual(asked, [false, true], 'asked once, then again after the wrong password');
      await editor.view.whenReady();
      assertStrictWebview(editor.view);
      const seen = JSON.stringify(a.certificateEditor.journal) + JSON.stringify(a.inspector.journal) + editor.view.html + lines.slice(from.lines).join('\n');
      assert.ok(!seen.includes(password), 'the PKCS#12 password reached a webview message, the HTML or the log');
      assert.ok(!/PRIVATE KEY/.test(JSON.stringify(a.certificateEditor.journal.sent.slice(from.sent))));
    });

    it('a dismissed password box offers "Enter Password…", which asks again on the host', async () => {
      const password = `P12-${randomBytes(12).toString('base64url')}`;
      const { uri } = p12(password, 'P12 unlock test');
      a.inspectorService.askPassword = () => Promise.resolve(undefined);
      await vscode.commands.executeCommand('vscode.open', uri);
      const editor = await waitFor('the certificate editor', () => a.certificateEditor.editorOf(uri), 30_000);
      const locked = await editor.rendered;
      assert.ok(locked.type === 'error' && locked.action === 'unlock', JSON.stringify(locked));
      a.inspectorService.askPassword = () => Promise.resolve(password);
      await receive(editor.view, { type: 'unlock' });
      const unlocked = a.certificateEditor.journal.sent.at(-1)!;
      assert.ok(unlocked.type === 'certificate-result' && unlocked.report.privateKey, JSON.stringify(unlocked).slice(0, 300));
      assert.ok(!JSON.stringify(a.certificateEditor.journal).includes(password));
    });

    it('opens a DER certificate by default and a PEM .cer on request ("Open in Certificate Viewer")', async () => {
      const keys = selfSignedRsa('DER editor test', 10);
      const der = Buffer.from(new (await import('node:crypto')).X509Certificate(keys.certificatePem).raw);
      const derPath = join(root, 'provider.der');
      const cerPath = join(root, 'provider-text.cer');
      writeFileSync(derPath, der);
      writeFileSync(cerPath, keys.certificatePem);
      files.push(derPath, cerPath);
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(derPath));
      const derEditor = await waitFor('the DER certificate editor', () => a.certificateEditor.editorOf(vscode.Uri.file(derPath)), 30_000);
      const r = await derEditor.rendered;
      assert.ok(r.type === 'certificate-result' && r.report.format === 'der' && r.report.certificates[0]!.status === 'expiring', JSON.stringify(r).slice(0, 300));
      // A text .cer opens in the text editor; the viewer is an option.
      await vscode.window.showTextDocument(vscode.Uri.file(cerPath));
      assert.equal(a.certificateEditor.editorOf(vscode.Uri.file(cerPath)), undefined);
      await vscode.commands.executeCommand('oli.openCertificateViewer');
      const cerEditor = await waitFor('the .cer certificate viewer', () => a.certificateEditor.editorOf(vscode.Uri.file(cerPath)), 30_000);
      const r2 = await cerEditor.rendered;
      assert.ok(r2.type === 'certificate-result' && r2.report.format === 'pem' && r2.source === 'provider-text.cer');
    });
  });
});
