import * as vscode from 'vscode';
import { networkSettings } from './httpSettings';
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { inspectCertificates } from '../core/inspect/certificates';
import { InspectError, MAX_DOCUMENT_BYTES } from '../core/inspect/errors';
import { inspectJwt } from '../core/inspect/jwt';
import { inspectXapiText } from '../core/inspect/xapi-stream';
import { explainCompletion } from '../core/inspect/xapi-oracle';
import { OracleXapiResolver } from '../core/inspect/oracleXapiResolver';
import { resolverSettingsOf } from '../core/plan/learned';
import { adminAuth, clientFor, MissingCredentialsError } from '../core/plan/context';
import type { IntegrationController } from './integrationController';
import type { IntegrationModel } from './integrationModel';
import type { OliLog } from './logger';
import type { InspectorTab, ToWebview } from './inspectorProtocol';

/** A JSON copy (what postMessage carries); the protocol schema validates it before sending. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Asks for a PKCS#12 password on the host side; undefined when the user dismisses the box. */
export type PasswordPrompt = (file: string, wrongBefore: boolean) => Promise<string | undefined>;

const MAX_PASSWORD_ATTEMPTS = 3;
/** Explaining statements asks the pod about each distinct learner and content id: keep it bounded. */
export const MAX_EXPLAINED_STATEMENTS = 1000;

const defaultPasswordPrompt: PasswordPrompt = (file, wrongBefore) =>
  Promise.resolve(
    vscode.window.showInputBox({
      title: vscode.l10n.t('Password of {0}', file),
      prompt: wrongBefore ? vscode.l10n.t('That password is wrong (the file integrity check failed). Try again.') : vscode.l10n.t('The PKCS#12 file is protected by a password. It is used once to open the file, never stored.'),
      password: true,
      ignoreFocusOut: true,
    }),
  );

/**
 * What the Inspector (panel and certificate editor) computes: certificate, JWT and xAPI reports as
 * protocol messages, all local; only "explain against an environment" asks the connected pod.
 */
export class InspectorService {
  /** Replaceable (tests answer without an input box). */
  askPassword: PasswordPrompt = defaultPasswordPrompt;

  constructor(
    private readonly model: IntegrationModel,
    private readonly controller: IntegrationController,
    private readonly log: OliLog,
  ) {}

  /** The active environment when it has credentials: xAPI statements can be explained against it. */
  get connectedEnvironment(): string | null {
    const env = this.model.activeEnvironment;
    return env && this.model.plan && this.model.credentialPresence(env).admin ? env : null;
  }

  /** Certificate report of file bytes or pasted text; a PKCS#12 password is asked here, never in the webview. */
  async certificate(input: Buffer | string, source: string, options: { prompt?: boolean } = {}): Promise<ToWebview> {
    let password: string | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        const report = inspectCertificates(input, password === undefined ? {} : { password });
        this.log.for('inspector').info(`certificate inspected (${source}): ${report.certificates.length} certificate(s), ${report.ok ? 'usable' : 'problems: ' + report.problems.map((p) => p.code).join(', ')}`);
        return { type: 'certificate-result', source, report: plain(report) as never };
      } catch (err) {
        const locked = err instanceof InspectError && (err.reason === 'password-required' || err.reason === 'wrong-password');
        if (locked && options.prompt !== false && attempt < MAX_PASSWORD_ATTEMPTS) {
          const answer = await this.askPassword(source, err.reason === 'wrong-password');
          if (answer !== undefined) {
            this.log.addSecrets([answer]);
            password = answer;
            continue;
          }
        }
        if (locked) {
          const message =
            (err as InspectError).reason === 'wrong-password'
              ? vscode.l10n.t('The password of {0} is wrong (the file integrity check failed). Enter it again.', source)
              : vscode.l10n.t('{0} is a PKCS#12 file protected by a password. Enter the password to open it (it is not stored).', source);
          return { type: 'error', tab: 'certificate', message, action: 'unlock' };
        }
        return this.failure('certificate', err);
      }
    }
  }

  /** The file of a certificate editor or of "Open File…": read once, inspected locally. */
  async certificateFile(uri: vscode.Uri, options: { prompt?: boolean } = {}): Promise<ToWebview> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_DOCUMENT_BYTES) throw new InspectError('too-large', vscode.l10n.t('{0} is larger than 10 MB: not a certificate file.', basename(uri.path)));
      const data = Buffer.from(await vscode.workspace.fs.readFile(uri));
      return await this.certificate(data, basename(uri.path), options);
    } catch (err) {
      return this.failure('certificate', err);
    }
  }

  /** Reads a JWT or xAPI file for the inspector (text, at most 10 MB). */
  async textFile(uri: vscode.Uri): Promise<string> {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_DOCUMENT_BYTES) throw new InspectError('too-large', vscode.l10n.t('{0} is larger than 10 MB; the inspector reads one document at a time.', basename(uri.path)));
    return Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
  }

  /**
   * The JWT as Oracle's API Authentication checks it. Fields left empty take the plan's values
   * (trusted issuer, integration user, provider certificate); `against` says which.
   */
  async jwt(m: { token: string; certificate?: string; issuer?: string; user?: string }): Promise<ToWebview> {
    try {
      const token = m.token.trim().replace(/^Bearer\s+/i, '');
      const plan = this.model.plan;
      const against: { issuer?: string; user?: string; certificate?: string } = {};
      let certificate: Buffer | string | undefined = m.certificate?.trim() || undefined;
      if (!certificate && plan?.jwt?.certificate && this.model.root) {
        const path = isAbsolute(plan.jwt.certificate) ? plan.jwt.certificate : join(this.model.root, plan.jwt.certificate);
        try {
          certificate = await readFile(path);
          against.certificate = plan.jwt.certificate;
        } catch {
          this.log.for('inspector').warn(`the plan's certificate ${plan.jwt.certificate} could not be read; the JWT is checked without it`);
        }
      }
      let issuer = m.issuer?.trim() || undefined;
      if (!issuer && plan?.jwt?.issuer) issuer = against.issuer = plan.jwt.issuer;
      let user = m.user?.trim() || undefined;
      if (!user && plan && plan.auth === 'jwt') user = against.user = plan.integrationUser.userName;
      const report = await inspectJwt(token, { ...(certificate ? { certificates: certificate } : {}), ...(issuer ? { issuer } : {}), ...(user ? { user } : {}) });
      this.log.for('inspector').info(`JWT inspected: ${report.valid ? 'valid' : `failed checks: ${report.checks.filter((c) => !c.ok).map((c) => c.id).join(', ')}`}`);
      return { type: 'jwt-result', report: plain(report) as never, ...(Object.keys(against).length ? { against } : {}) };
    } catch (err) {
      return this.failure('jwt', err);
    }
  }

  xapi(text: string): ToWebview {
    try {
      const inspection = inspectXapiText(text);
      this.log.for('inspector').info(`xAPI inspected: ${inspection.summary.valid}/${inspection.summary.total} valid`);
      return { type: 'xapi-result', inspection: plain(inspection) as never };
    } catch (err) {
      return this.failure('xapi', err);
    }
  }

  /** "Would this completion land?": resolves learners and content against the connected environment. */
  async explainXapi(text: string, signal?: AbortSignal): Promise<ToWebview> {
    try {
      const env = this.connectedEnvironment;
      const { plan, root } = this.controller.requirePlan();
      if (!env) throw new MissingCredentialsError(this.model.activeEnvironment ?? '');
      const statements = parseStatements(text);
      if (statements.length > MAX_EXPLAINED_STATEMENTS) {
        throw new InspectError('too-large', vscode.l10n.t('{0} statements: explaining against a pod takes at most {1} at a time. Split the input.', statements.length, MAX_EXPLAINED_STATEMENTS));
      }
      const credentials = await this.controller.credentialsForSending(env, vscode.l10n.t('Explaining statements against a pod'));
      if (!credentials.admin) throw new MissingCredentialsError(env);
      const client = clientFor(plan, root, env, adminAuth(env, credentials), { onLog: (e) => this.log.request(e), signIns: this.controller.signIns, ...networkSettings() });
      const resolver = new OracleXapiResolver(client, signal, resolverSettingsOf(this.model.state(env).probe));
      await resolver.prefetch(statements);
      const results = [];
      for (const [index, s] of statements.entries()) {
        const e = await explainCompletion(s, resolver, { learnerIdentifier: plan.learnerIdentifier });
        results.push({
          index,
          lands: e.lands,
          outcome: e.outcome,
          reasons: e.reasons,
          learner: e.learner ? { userName: e.learner.userName, email: e.learner.email, active: e.learner.active } : null,
          content: e.content ? { title: e.content.title, status: e.content.status, learningItemId: String(e.content.learningItemId) } : null,
        });
      }
      this.log.for('inspector').info(`xAPI explained against ${env}: ${results.filter((r) => r.lands).length}/${results.length} completion(s) would land (${client.stats.requests} request(s))`);
      return { type: 'xapi-explanation', explanation: { environment: env, results } };
    } catch (err) {
      return this.failure('xapi', err);
    }
  }

  private failure(tab: InspectorTab, err: unknown): ToWebview {
    const message = this.log.redact(err instanceof Error ? err.message : String(err));
    this.log.for('inspector').warn(`${tab}: ${message}`);
    return { type: 'error', tab, message };
  }
}

/** One statement, an array, or NDJSON. */
function parseStatements(text: string): unknown[] {
  const t = text.trim();
  try {
    const doc = JSON.parse(t) as unknown;
    return Array.isArray(doc) ? doc : [doc];
  } catch {
    return t.split(/\r?\n/).flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        throw new InspectError('not-json', vscode.l10n.t('Line {0} is not valid JSON: give one statement, an array or NDJSON.', i + 1));
      }
    });
  }
}
