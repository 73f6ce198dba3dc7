import { resolve } from 'node:path';
import * as z from 'zod';
import { inspectCertificates, type CertificateReport } from '../../core/inspect/certificates';
import { InspectError, MAX_DOCUMENT_BYTES } from '../../core/inspect/errors';
import { CappedReadError, readFileCapped } from '../../core/io/readCapped';
import { printable } from '../../core/text/printable';
import { inspectJwt, jwtCheckStatus, type JwtReport } from '../../core/inspect/jwt';
import type { XapiSummary } from '../../core/inspect/xapi-stream';
import { xapiTextBatches } from '../xapiParallel';
import { ExitCode, UsageError } from '../errors';
import type { CliIO } from '../io';
import type { CliCommand } from './registry';
import { inspectionSettings } from '../settings';

const HELP = `Usage:
  oli inspect cert FILE [--password P] [--cert-warning-days N] [--now ISO] [--json]
  oli inspect jwt TOKEN|@FILE|- [--cert FILE [--password P]] [--issuer ISS] [--user NAME] [--clock-tolerance S] [--now ISO] [--json]
  oli inspect jwt TOKEN|@FILE|- --key FILE --alg LIST [--issuer ISS] [--now ISO] [--json]
  oli inspect xapi FILE|- [--version 1.0.3|2.0] [--json]
  oli inspect xapi FILE|- --env NAME [--plan FILE] [--json]

Inspects offline, nothing leaves the machine. FILE or TOKEN "-" reads standard input as bytes
(a DER certificate or a PKCS#12 file arrives intact; at most 10 MB); "inspect xapi -" streams it.
  cert   PEM, DER, base64, PKCS#7 bundles, PKCS#12 (.p12/.pfx): subject, validity, key, thumbprints,
         x5t, and Oracle findings (RS256 needs RSA; expiry within --cert-warning-days, or
         OLI_CERT_WARNING_DAYS, default 30; --warn-days is its old name). A certificate whose issuer
         is not in the file is reported "not checked" (its chain), apart from the problems.
  jwt    Decodes the token, then checks Oracle's inbound profile against the certificate (--cert):
         RS256 only, x5t = certificate SHA-1 thumbprint, iss = --issuer exactly, prn/sub = --user,
         exp present and not passed, nbf/iat not in the future (--clock-tolerance, or
         OLI_CLOCK_TOLERANCE, default 60 s). Without --cert the checks that need the certificate
         are "not checked" (shown --), apart from failures; the token is then not valid (exit 1).
         With --key (PEM, JWK or JWKS) and --alg (e.g. RS256,ES256) it verifies a generic JWS.
  xapi   Validates xAPI statements (one, an array, or NDJSON, streamed) and shows what Oracle reads:
         learner, content id, verb, completion, timestamp, duration and score.
         With --env (credentials from OLI_USERNAME/OLI_PASSWORD) it resolves each learner and content id
         in that environment and says exactly why a completion would not land.

Exit codes: 0 valid; 1 invalid, not verified, expired or not yet valid; 2 unreadable input, wrong password,
not a certificate or not a JWT.`;

const IsoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date such as 2025-01-31T12:00:00Z')
  .transform((s) => new Date(s));

const OptionsSchema = z.object({
  json: z.boolean().optional(),
  password: z.string().optional(),
  'warn-days': z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days')
    .transform(Number)
    .optional(),
  now: IsoDate.optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  alg: z
    .string()
    .transform((s) => s.split(',').map((a) => a.trim()).filter(Boolean))
    .refine((l) => l.length > 0, 'must list at least one algorithm, e.g. RS256')
    .optional(),
  issuer: z.string().optional(),
  user: z.string().optional(),
  version: z.enum(['1.0.3', '2.0']).optional(),
  env: z.string().optional(),
  plan: z.string().optional(),
});
type Options = z.infer<typeof OptionsSchema> & { warnDays?: number; clockTolerance?: number };

function parseOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): Options & { warnDays?: number; clockTolerance?: number } {
  const { 'cert-warning-days': _days, 'clock-tolerance': _tolerance, ...rest } = values;
  const r = OptionsSchema.safeParse(rest);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0])} ${issue.message}. Run 'oli inspect --help'.`);
  }
  const inspection = inspectionSettings(values, env);
  const warnDays = r.data['warn-days'] ?? inspection.certificateWarningDays;
  return { ...r.data, ...(warnDays !== undefined ? { warnDays } : {}), ...(inspection.clockToleranceSeconds !== undefined ? { clockTolerance: inspection.clockToleranceSeconds } : {}) };
}

/**
 * The bytes of a file argument, or of standard input for `-` (never decoded: DER and PKCS#12 stay
 * intact). Refused as soon as they pass the 10 MB document limit, a pipe or /dev/zero included.
 */
async function readInput(arg: string, io: CliIO, what: string): Promise<Buffer> {
  try {
    if (arg === '-') return await io.readStdin(MAX_DOCUMENT_BYTES);
    return await readFileCapped(resolve(io.cwd, arg), MAX_DOCUMENT_BYTES, { what: `The ${what} ${arg}` });
  } catch (err) {
    if (err instanceof CappedReadError) throw new UsageError(err.message);
    throw err;
  }
}

function asUsage(err: unknown): never {
  if (err instanceof InspectError) throw new UsageError(err.message);
  throw err;
}

// ---------------------------------------------------------------- cert

export function certJson(report: CertificateReport): unknown {
  return {
    certificates: report.certificates.map((c) => ({
      subject: c.subject,
      issuer: c.issuer,
      serialNumber: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      status: c.status,
      keyType: c.keyType,
      keySize: c.keySize,
      curve: c.curve,
      signatureAlgorithm: c.signatureAlgorithm,
      sha1: c.sha1,
      sha256: c.sha256,
      x5t: c.x5t,
      x5tS256: c.x5tS256,
      subjectAltNames: c.subjectAltNames,
      isCA: c.isCA,
      selfSigned: c.selfSigned,
    })),
    privateKey: report.privateKey,
    problems: report.problems.map((p) => ({ code: p.code, message: p.message })),
    notChecked: report.notChecked.map((n) => ({ code: n.code, message: n.message })),
    verdict: report.verdict,
  };
}

function certHuman(report: CertificateReport): string {
  const out: string[] = [];
  const n = report.certificates.length;
  report.certificates.forEach((c, i) => {
    const left = c.status === 'expired' ? `expired ${-c.daysRemaining} days ago` : c.status === 'not-yet-valid' ? 'not yet valid' : `${c.daysRemaining} days left`;
    out.push(`Certificate ${i + 1}${n > 1 ? ` of ${n}` : ''}: ${c.subject}  [${c.status}, ${left}]`);
    const row = (k: string, v: string) => out.push(`  ${k.padEnd(10)} ${v}`);
    row('issuer', c.issuer);
    row('serial', c.serialNumber);
    row('validity', `${c.notBefore} -> ${c.notAfter}`);
    row('key', `${c.keyType}${c.curve ? ` ${c.curve}` : ''}${c.keySize ? ` ${c.keySize} bits` : ''}; signed ${c.signatureAlgorithm}`);
    row('SHA-1', c.sha1);
    row('SHA-256', c.sha256);
    row('x5t', c.x5t);
    row('x5t#S256', c.x5tS256);
    if (c.subjectAltNames.length) row('SANs', c.subjectAltNames.join(', '));
    row('flags', `CA: ${c.isCA ? 'yes' : 'no'}, self-signed: ${c.selfSigned ? 'yes' : 'no'}`);
  });
  out.push(`Format: ${report.format}; private key: ${report.privateKey ? 'present' : 'none'}`);
  if (report.problems.length) {
    out.push('Problems:');
    for (const p of report.problems) out.push(`  ${p.severity === 'error' ? 'ERROR  ' : 'warning'} ${p.code}: ${p.message}`);
  } else out.push('No problems found.');
  if (report.notChecked.length) {
    out.push('Not checked:');
    for (const n of report.notChecked) out.push(`  --      ${n.code}: ${n.message}`);
  }
  out.push(`Result: ${report.verdict}`);
  // Names and alternative names come from the certificate: each line is shown escaped.
  return out.map(printable).join('\n') + '\n';
}

async function runCert(file: string | undefined, o: Options, io: CliIO): Promise<number> {
  if (!file) throw new UsageError("Give the certificate file: oli inspect cert FILE. Run 'oli inspect --help'.");
  const input = await readInput(file, io, 'certificate file');
  let report: CertificateReport;
  try {
    report = inspectCertificates(input, {
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.warnDays !== undefined ? { warnDays: o.warnDays } : {}),
      ...(o.now ? { now: o.now } : {}),
    });
  } catch (err) {
    asUsage(err);
  }
  io.stdout(o.json ? JSON.stringify(certJson(report)) + '\n' : certHuman(report));
  return report.ok ? ExitCode.ok : ExitCode.problem;
}

// ---------------------------------------------------------------- jwt

export function jwtJson(r: JwtReport): unknown {
  return {
    header: r.header,
    payload: r.payload,
    signature: { verified: r.signature.verified, reason: r.signature.reason },
    checks: r.checks.map((c) => ({ id: c.id, ok: c.ok, status: jwtCheckStatus(c), message: c.message })),
    valid: r.valid,
    verdict: r.verdict.text,
  };
}

function jwtHuman(r: JwtReport): string {
  const out: string[] = [];
  out.push(`Header     ${JSON.stringify(r.header)}`);
  out.push(`Payload    ${typeof r.payload === 'string' ? JSON.stringify(r.payload) : JSON.stringify(r.payload)}`);
  const times = (['iat', 'nbf', 'exp'] as const).filter((k) => r.times[k]).map((k) => `${k} ${r.times[k]}`);
  if (times.length) out.push(`           ${times.join(', ')}`);
  out.push(`Signature  ${r.signature.reason}`);
  out.push(`Checks (${r.mode === 'oracle' ? "Oracle's inbound JWT profile" : 'generic JWS'}):`);
  const w = Math.max(...r.checks.map((c) => c.id.length));
  const mark: Record<ReturnType<typeof jwtCheckStatus>, string> = { pass: 'ok  ', fail: 'FAIL', 'not-checked': '--  ' };
  for (const c of r.checks) out.push(`  ${mark[jwtCheckStatus(c)]}  ${c.id.padEnd(w)}  ${c.message}`);
  // What could not be checked is said apart from what failed; the exit code is 1 either way.
  out.push(`Result: ${r.verdict.text}`);
  // Claims come from the token: JSON escapes C0 controls, printable the rest (C1, bidi overrides).
  return out.map(printable).join('\n') + '\n';
}

async function readToken(arg: string | undefined, io: CliIO): Promise<string> {
  if (!arg) throw new UsageError("Give the token: oli inspect jwt TOKEN|@FILE|-. Run 'oli inspect --help'.");
  if (arg === '-') return (await readInput('-', io, 'token')).toString('utf8').trim();
  if (arg.startsWith('@')) return (await readInput(arg.slice(1), io, 'token file')).toString('utf8').trim();
  return arg.trim();
}

async function runJwt(tokenArg: string | undefined, o: Options, io: CliIO): Promise<number> {
  const token = await readToken(tokenArg, io);
  if (o.key !== undefined && o.cert !== undefined) throw new UsageError('Give either --cert (Oracle profile) or --key with --alg (generic mode), not both');
  if (o.key !== undefined && !o.alg) throw new UsageError('--key needs --alg with the allowed algorithms, e.g. --alg RS256,ES256');
  if (o.alg && o.key === undefined) throw new UsageError('--alg is for the generic mode and needs --key; the Oracle profile allows RS256 only');
  let report: JwtReport;
  try {
    if (o.key !== undefined) {
      const key = await readInput(o.key, io, 'key file');
      report = await inspectJwt(token, {
        mode: 'generic',
        key,
        algorithms: o.alg!,
        ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
        ...(o.user !== undefined ? { subject: o.user } : {}),
        ...(o.clockTolerance !== undefined ? { clockToleranceSeconds: o.clockTolerance } : {}),
        ...(o.now ? { now: o.now } : {}),
      });
    } else {
      const certificates = o.cert !== undefined ? await readInput(o.cert, io, 'certificate file') : undefined;
      report = await inspectJwt(token, {
        ...(certificates ? { certificates } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
        ...(o.issuer !== undefined ? { issuer: o.issuer } : {}),
        ...(o.user !== undefined ? { user: o.user } : {}),
        ...(o.clockTolerance !== undefined ? { clockToleranceSeconds: o.clockTolerance } : {}),
        ...(o.now ? { now: o.now } : {}),
      });
    }
  } catch (err) {
    asUsage(err);
  }
  io.stdout(o.json ? JSON.stringify(jwtJson(report)) + '\n' : jwtHuman(report));
  return report.valid ? ExitCode.ok : ExitCode.problem;
}

// ---------------------------------------------------------------- xapi

async function runXapi(file: string | undefined, o: Options, io: CliIO): Promise<number> {
  if (!file) throw new UsageError("Give the statements file: oli inspect xapi FILE|-. Run 'oli inspect --help'.");
  // Standard input is streamed like a file: NDJSON of any size runs in the same memory.
  const source = file === '-' ? io.stdinStream() : resolve(io.cwd, file);
  const options = o.version ? { version: o.version } : {};
  const summary: XapiSummary = { total: 0, valid: 0, invalid: 0 };
  // Output is buffered in chunks: one write per ~64 KB instead of one per statement.
  let buffer = '';
  const flush = (force = false) => {
    if (buffer.length >= 65536 || (force && buffer)) {
      io.stdout(buffer);
      buffer = '';
    }
  };
  const writeBytes = io.stdoutBytes ?? ((b: Uint8Array) => io.stdout(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')));
  let started = false;
  try {
    for await (const batch of xapiTextBatches(source, options, o.json ? 'json' : 'human', io.env)) {
      if (!batch.total) continue;
      if (o.json) {
        buffer += started ? ',' : '{"results":[';
        started = true;
      }
      if ('bytes' in batch) {
        // A worker's text, already UTF-8: written as it is, after what is buffered.
        flush(true);
        writeBytes(batch.bytes);
      } else buffer += batch.text;
      summary.total += batch.total;
      summary.valid += batch.valid;
      summary.invalid += batch.invalid;
      flush();
    }
  } catch (err) {
    // Only a JSON document (not NDJSON) can fail, and it fails before any result is printed.
    asUsage(err);
  }
  if (o.json) buffer += (started ? '' : '{"results":[') + `],"summary":${JSON.stringify(summary)}}\n`;
  else {
    buffer += `Summary: ${summary.total} statement${summary.total === 1 ? '' : 's'}, ${summary.valid} valid, ${summary.invalid} invalid\n`;
    // What Oracle would record is read offline; whether it lands (learner and content found in the pod) is another question.
    if (summary.valid) buffer += 'Not checked: whether the completions land in Oracle (that needs the pod: add --env NAME).\n';
  }
  flush(true);
  return summary.invalid === 0 ? ExitCode.ok : ExitCode.problem;
}

// ---------------------------------------------------------------- command

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Inspect a certificate, a JWT or xAPI statements offline (cert | jwt | xapi)',
  help: HELP,
  options: {
    json: { type: 'boolean' },
    password: { type: 'string' },
    'warn-days': { type: 'string' },
    now: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    alg: { type: 'string' },
    issuer: { type: 'string' },
    user: { type: 'string' },
    version: { type: 'string' },
    env: { type: 'string' },
    plan: { type: 'string' },
    'cert-warning-days': { type: 'string' },
    'clock-tolerance': { type: 'string' },
  },
  async run(values, positionals, io) {
    const [sub, arg, ...extra] = positionals;
    const o = parseOptions(values, io.env);
    if (extra.length) throw new UsageError(`Unexpected argument '${extra[0]}'. Run 'oli inspect --help'.`);
    switch (sub) {
      case 'cert':
        return runCert(arg, o, io);
      case 'jwt':
        return runJwt(arg, o, io);
      case 'xapi':
        if ((o.env || o.plan) && arg) return (await import('./inspectExplain')).runXapiExplain(arg, values, o.version, io);
        return runXapi(arg, o, io);
      default:
        throw new UsageError(`${sub ? `Unknown inspect target '${sub}'` : 'Missing inspect target'}: use cert, jwt or xapi. Run 'oli inspect --help'.`);
    }
  },
};
