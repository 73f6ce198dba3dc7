/**
 * Certificate rotation, guided (issue 14). Oracle's API Authentication holds several inbound
 * certificates per trusted issuer, each under its own alias [DOC]: the new one is registered next
 * to the old one, verified, the plan updated, and the old alias removed once the provider signs
 * with the new key. There is no API for the Security Console: registering and removing are
 * attested with evidence; verifying is a real call with a token signed for the new certificate.
 */
import { copyFile, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { inspectCertificates, type CertificateInfo } from '../inspect/certificates';
import { assertSize } from '../inspect/errors';
import { inspectJwt } from '../inspect/jwt';
import { readDigitalLearningProviders } from '../../oracle/learning';
import { OracleError } from '../../oracle/errors';
import { describeError } from '../plan/context';
import { certificateOf, loadPlan, savePlan, type PlanFile } from '../plan/planFile';
import type { EnvironmentState } from '../plan/stateStore';
import { EnvironmentSession, type SessionOptions } from '../ops/session';
import { isOpen, nextStage, ROTATION_STAGES, STAGE_TITLES, type CertificateFacts, type Rotation, type RotationStage } from './state';

/** A stage that cannot run now (wrong order, nothing in progress, a certificate unfit): the message says what to do. */
export class RotationError extends Error {
  override readonly name = 'RotationError';
  readonly exitCode = 2;
  constructor(
    readonly reason: 'no-rotation' | 'order' | 'unusable-certificate' | 'same-certificate' | 'in-progress' | 'invalid-input',
    message: string,
  ) {
    super(message);
  }
}

const SECURITY_CONSOLE = 'Navigator > Tools > Security Console > API Authentication';

function facts(file: string, c: CertificateInfo): CertificateFacts {
  return { file, subject: c.subject, sha1: c.sha1, x5t: c.x5t, notBefore: c.notBefore, notAfter: c.notAfter };
}

async function readCertificate(path: string, what: string): Promise<{ info: CertificateInfo; privateKey: boolean; problems: string[] }> {
  assertSize((await stat(path)).size, what);
  const report = inspectCertificates(await readFile(path));
  const info = report.certificates[0];
  if (!info) throw new RotationError('unusable-certificate', `${what} holds no certificate.`);
  return { info, privateKey: report.privateKey, problems: report.problems.filter((p) => p.severity === 'error').map((p) => p.message) };
}

/** Where a file given on the command line sits, relative to the plan folder when inside it. */
function planRelativeName(planDir: string, path: string): string {
  const rel = relative(planDir, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export interface StartInput {
  plan: PlanFile;
  planDir: string;
  environment: string;
  state: EnvironmentState;
  /** The new certificate file (absolute, or relative to `cwd`). */
  newFile: string;
  newAlias?: string;
  oldAlias?: string;
  actor: string;
  now?: Date;
}

/**
 * Stage 1: inspects the new certificate (RSA for RS256, within its validity, not the certificate in
 * use, later than it) and starts the rotation in the state. Starting again with the same file is
 * harmless; with another file while one is in progress, refused.
 */
export async function startRotation(i: StartInput): Promise<Rotation> {
  if (i.plan.auth !== 'jwt' || !i.plan.jwt) throw new RotationError('invalid-input', 'Only the JWT variant has an inbound certificate to rotate (the OAuth variant uses a client secret).');
  const now = i.now ?? new Date();
  const path = resolve(i.newFile);
  const fresh = await readCertificate(path, `The new certificate ${i.newFile}`).catch((err: unknown) => {
    if (err instanceof RotationError) throw err;
    throw new RotationError('unusable-certificate', `Cannot read the new certificate ${i.newFile}: ${(err as Error).message}`);
  });
  const n = fresh.info;
  const oldFile = certificateOf(i.plan, i.environment)!;
  const old = await readCertificate(resolve(i.planDir, oldFile), `The current certificate ${oldFile}`).catch(() => undefined);
  const current = i.state.rotation;
  if (isOpen(current)) {
    if (current.newCertificate.sha1 === n.sha1) return current;
    throw new RotationError('in-progress', `A rotation to ${current.newCertificate.subject} (SHA-1 ${current.newCertificate.sha1}) is in progress since ${current.startedAt.slice(0, 10)}; finish it, or run 'oli rotate-cert abandon --note TEXT' first.`);
  }
  if (old && old.info.sha1 === n.sha1) throw new RotationError('same-certificate', `${i.newFile} is the certificate already in use (${oldFile}, SHA-1 ${n.sha1}): ask the provider for its new certificate.`);
  if (n.keyType !== 'RSA') throw new RotationError('unusable-certificate', `${i.newFile} has a ${n.keyType} key; Oracle's API Authentication accepts only RS256 tokens, which need an RSA certificate.`);
  if (n.status === 'expired') throw new RotationError('unusable-certificate', `${i.newFile} expired on ${n.notAfter}: ask the provider for a current certificate.`);
  if (fresh.problems.length && n.status !== 'not-yet-valid') throw new RotationError('unusable-certificate', `${i.newFile}: ${fresh.problems.join('; ')}.`);
  const warnings: string[] = [];
  if (n.status === 'not-yet-valid') warnings.push(`not valid before ${n.notBefore}: Oracle will accept tokens for it only from then`);
  if (old && Date.parse(n.notAfter) <= Date.parse(old.info.notAfter)) warnings.push(`it expires (${n.notAfter}) no later than the current one (${old.info.notAfter})`);
  if (fresh.privateKey) warnings.push('the file also holds a private key: register only the certificate, and give the key back to the provider');
  const stamp = n.notBefore.slice(0, 10).replace(/-/g, '');
  const newAlias = (i.newAlias ?? `${i.plan.provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${stamp}`).trim();
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(newAlias)) throw new RotationError('invalid-input', `--alias "${newAlias}" is not a usable alias: letters, digits, "_", "." or "-", at most 80.`);
  if (i.oldAlias && i.oldAlias === newAlias) throw new RotationError('invalid-input', `The new alias must differ from the old one (${newAlias}): the new certificate is registered next to the old one.`);
  const rotation: Rotation = {
    startedAt: now.toISOString(),
    startedBy: i.actor,
    oldCertificate: old ? facts(oldFile, old.info) : null,
    newCertificate: facts(planRelativeName(i.planDir, path), n),
    newAlias,
    oldAlias: i.oldAlias ?? null,
    stages: {
      inspect: {
        at: now.toISOString(),
        by: i.actor,
        evidence: {
          subject: n.subject,
          issuer: n.issuer,
          sha1: n.sha1,
          x5t: n.x5t,
          notBefore: n.notBefore,
          notAfter: n.notAfter,
          daysLeft: n.daysRemaining,
          key: `${n.keyType} ${n.keySize ?? '?'} bits`,
          ...(warnings.length ? { warnings } : {}),
          ...(old ? { replaces: { file: oldFile, sha1: old.info.sha1, notAfter: old.info.notAfter, daysLeft: old.info.daysRemaining } } : {}),
        },
      },
    },
  };
  i.state.rotation = rotation;
  record(i.state, 'inspect', i.actor, `${n.subject}, SHA-1 ${n.sha1}, valid to ${n.notAfter}${warnings.length ? `; ${warnings.join('; ')}` : ''}`, now);
  return rotation;
}

function record(state: EnvironmentState, stage: RotationStage, by: string, detail: string, now: Date, source: 'cli' | 'vscode' = 'cli'): void {
  state.history.push({ at: now.toISOString(), action: 'rotation', by, outcome: stage, via: source, detail: `${STAGE_TITLES[stage]}: ${detail}` });
}

function requireOpen(state: EnvironmentState): Rotation {
  if (!isOpen(state.rotation)) throw new RotationError('no-rotation', "No certificate rotation in progress for this environment: start one with 'oli rotate-cert --new FILE'.");
  return state.rotation;
}

function requireNext(r: Rotation, stage: RotationStage): void {
  const next = nextStage(r);
  const index = ROTATION_STAGES.indexOf(stage);
  const missing = ROTATION_STAGES.slice(0, index).filter((s) => !r.stages[s]);
  if (missing.length) throw new RotationError('order', `"${STAGE_TITLES[stage]}" comes after "${STAGE_TITLES[missing[0]!]}", which is not done yet (next stage: ${next ? STAGE_TITLES[next] : 'none'}).`);
}

/** Stage 2 or 5 (guided, no API): the administrator attests what they did in the Security Console, with evidence. */
export function attestStage(state: EnvironmentState, stage: 'register' | 'remove-old', note: string, actor: string, now: Date = new Date(), source: 'cli' | 'vscode' = 'cli'): Rotation {
  const r = requireOpen(state);
  if (!note.trim()) throw new RotationError('invalid-input', 'An attestation needs a note: what you did, where, and what you saw (the evidence).');
  requireNext(r, stage);
  r.stages[stage] = { at: now.toISOString(), by: actor, evidence: { note: note.trim(), alias: stage === 'register' ? r.newAlias : (r.oldAlias ?? `the alias of SHA-1 ${r.oldCertificate?.sha1 ?? '?'}`) } };
  record(state, stage, actor, note.trim(), now, source);
  if (stage === 'remove-old') r.completedAt = now.toISOString();
  return r;
}

export interface VerifyInput extends SessionOptions {
  /** A JWT the provider signed with the new key (a sample token: it is used once and never stored). */
  token?: string;
  /** Without a token: what the provider confirmed (a guided verification). */
  note?: string;
  actor: string;
  now?: Date;
  source?: 'cli' | 'vscode';
}

export interface VerifyResult {
  ok: boolean;
  /** One sentence: what was checked and what the pod said. */
  message: string;
  rotation: Rotation;
  requests: number;
}

/**
 * Stage 3: a token signed for the new certificate, checked offline (x5t of the new certificate,
 * signature, issuer, user, expiry) and then sent to the pod as the provider sends it (the call the
 * api-authentication verification kit makes): 200 proves the new certificate is registered under
 * the trusted issuer for the integration user. Without a token, the provider's confirmation can be
 * attested instead (recorded as such).
 */
export async function verifyRotation(v: VerifyInput): Promise<VerifyResult> {
  const r = requireOpen(v.state);
  requireNext(r, 'verify');
  const now = v.now ?? new Date();
  const plan = v.plan;
  const issuer = plan.jwt!.issuer;
  const user = plan.integrationUser.userName;
  if (!v.token) {
    if (!v.note?.trim()) throw new RotationError('invalid-input', 'Verify with --token FILE (a JWT the provider signed with the new key), or, when the provider cannot send one, attest what they confirmed with --note TEXT.');
    r.stages.verify = { at: now.toISOString(), by: v.actor, evidence: { method: 'attested', note: v.note.trim() } };
    record(v.state, 'verify', v.actor, `attested: ${v.note.trim()}`, now, v.source);
    return { ok: true, message: `Recorded the provider's confirmation (no token was checked): ${v.note.trim()}`, rotation: r, requests: 0 };
  }
  const token = v.token.trim().replace(/^Bearer\s+/i, '');
  const certificatePem = await readFile(resolve(v.planDir, r.newCertificate.file), 'utf8').catch(() => undefined);
  const report = await inspectJwt(token, { ...(certificatePem ? { certificate: certificatePem } : {}), issuer, user, now });
  const failed = report.checks.filter((c) => !c.ok && ['iss', 'x5t-matches-certificate', 'signature', 'prn', 'sub', 'alg-allowed', 'exp'].includes(c.id));
  const header = report.header as { x5t?: unknown };
  const payload = (typeof report.payload === 'object' ? report.payload : {}) as { exp?: unknown; iss?: unknown };
  const offline = { x5t: header.x5t ?? null, iss: payload.iss ?? null, exp: typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : null, checks: report.checks.map((c) => `${c.id}:${c.ok ? 'ok' : 'fail'}`) };
  if (failed.length) {
    const expired = failed.some((c) => c.id === 'exp');
    return {
      ok: false,
      message: expired
        ? `The token has expired (${offline.exp}): ask the provider for a fresh one (a token is short-lived).`
        : `The token does not fit the new certificate: ${failed.map((c) => c.message).join('; ')}.`,
      rotation: r,
      requests: 0,
    };
  }
  const session = new EnvironmentSession({ ...v });
  const client = session.ctx.withBearer(token);
  try {
    await readDigitalLearningProviders(client, v.signal ? { signal: v.signal } : {});
  } catch (err) {
    const status = err instanceof OracleError ? err.status : undefined;
    const message =
      status === 401
        ? `Oracle refused the token (401): the new certificate (x5t ${r.newCertificate.x5t}) is not registered under the trusted issuer "${issuer}" yet, or ${user} cannot sign in. Register it as alias ${r.newAlias} in ${SECURITY_CONSOLE}, then verify again.`
        : status === 403
          ? `Oracle accepted the token but ${user} lacks the Learning Content Provider duty (403): the certificate is registered; check the job role.`
          : `The verification call failed: ${describeError(err)}`;
    return { ok: false, message, rotation: r, requests: session.requests };
  }
  r.stages.verify = {
    at: now.toISOString(),
    by: v.actor,
    evidence: { method: 'token', call: 'GET /hcmRestApi/resources/11.13.18.05/digitalLearningProviders', status: 200, ...offline },
  };
  record(v.state, 'verify', v.actor, `a token for x5t ${r.newCertificate.x5t} (issuer "${issuer}", user ${user}) got 200`, now, v.source);
  return { ok: true, message: `Oracle accepted a token signed for the new certificate (x5t ${r.newCertificate.x5t}) as ${user} under "${issuer}": 200 from digitalLearningProviders.`, rotation: r, requests: session.requests };
}

/**
 * Stage 4: the plan names the new certificate: jwt.certificate when the plan has one environment,
 * else this environment's own `certificate` (the others keep theirs until they rotate). A file
 * outside the plan folder is copied into it first.
 */
export async function updatePlanCertificate(o: { planPath: string; planDir: string; environment: string; state: EnvironmentState; actor: string; now?: Date; source?: 'cli' | 'vscode' }): Promise<{ rotation: Rotation; plan: PlanFile; file: string }> {
  const r = requireOpen(o.state);
  requireNext(r, 'update-plan');
  const now = o.now ?? new Date();
  let file = r.newCertificate.file;
  if (isAbsolute(file)) {
    const target = resolve(o.planDir, basename(file));
    const existing = await readFile(target, 'utf8').catch(() => undefined);
    const wanted = await readFile(file, 'utf8');
    if (existing !== undefined && existing !== wanted) throw new RotationError('invalid-input', `${basename(file)} already exists in the plan folder with other contents: move ${file} into the plan folder under another name and start the rotation with it.`);
    if (existing === undefined) await copyFile(file, target);
    file = basename(file);
  }
  const plan = await loadPlan(o.planPath);
  const before = certificateOf(plan, o.environment);
  const envCount = Object.keys(plan.environments).length;
  const env = plan.environments[o.environment]!;
  if (envCount === 1) {
    plan.jwt = { ...plan.jwt!, certificate: file };
    delete env.certificate;
  } else env.certificate = file;
  await savePlan(o.planPath, plan);
  r.newCertificate = { ...r.newCertificate, file };
  const where = envCount === 1 ? 'jwt.certificate' : `environments.${o.environment}.certificate`;
  r.stages['update-plan'] = { at: now.toISOString(), by: o.actor, evidence: { field: where, from: before ?? null, to: file, sha1: r.newCertificate.sha1 } };
  record(o.state, 'update-plan', o.actor, `${where}: ${before} -> ${file}`, now, o.source);
  return { rotation: r, plan, file };
}

/** Gives up a rotation in progress (recorded with the reason). */
export function abandonRotation(state: EnvironmentState, note: string, actor: string, now: Date = new Date(), source: 'cli' | 'vscode' = 'cli'): Rotation {
  const r = requireOpen(state);
  if (!note.trim()) throw new RotationError('invalid-input', 'Say why the rotation is abandoned (--note TEXT).');
  r.abandonedAt = now.toISOString();
  state.history.push({ at: now.toISOString(), action: 'rotation', by: actor, outcome: 'abandoned', via: source, detail: `Rotation to ${r.newCertificate.subject} abandoned: ${note.trim()}` });
  return r;
}

/** What to do next, as a checklist (the CLI prints it; VS Code shows it). */
export function nextSteps(r: Rotation, plan: PlanFile): string[] {
  const stage = nextStage(r);
  const issuer = plan.jwt?.issuer ?? '?';
  const old = r.oldAlias ? `alias ${r.oldAlias}` : `the alias of the old certificate (SHA-1 ${r.oldCertificate?.sha1 ?? '?'})`;
  switch (stage) {
    case 'register':
      return [
        `In ${SECURITY_CONSOLE}, open the provider with trusted issuer "${issuer}".`,
        `Inbound API Authentication Public Certificates > Add New Certificate: alias ${r.newAlias}, upload ${r.newCertificate.file} (SHA-1 ${r.newCertificate.sha1}). Keep ${old}: the provider still signs with the old key.`,
        `Then: oli rotate-cert registered --note "Added ${r.newAlias} next to the old alias on <date>; both listed"`,
      ];
    case 'verify':
      return [
        `Ask the provider for a token signed with the new key (as ${plan.integrationUser.userName}, issuer "${issuer}"), save it to a file.`,
        'Then: oli rotate-cert verify --token FILE (one real call, nothing stored but its header and the answer)',
        'If the provider cannot send one: oli rotate-cert verify --note "what the provider confirmed"',
      ];
    case 'update-plan':
      return [`Then: oli rotate-cert update-plan (the plan will name ${r.newCertificate.file})`];
    case 'remove-old':
      return [
        `Once the provider signs with the new key (ask them to confirm, and check oli health / oli why after their next sync), remove ${old} in ${SECURITY_CONSOLE}.`,
        'Then: oli rotate-cert old-removed --note "Removed <alias> on <date>; the provider confirmed the switch on <date>"',
      ];
    default:
      return [r.completedAt ? `Rotation complete on ${r.completedAt.slice(0, 10)}.` : 'Nothing to do.'];
  }
}
