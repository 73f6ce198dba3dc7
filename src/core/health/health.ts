/**
 * `oli health` (issue 14): after the setup, is the integration still healthy? For each scheduled
 * process the plan relies on: its recurring request, its latest runs and the next one (ESS's
 * documented request fields); the content sync's last success; the inbound certificate's days
 * left; the last completion an administrator can read back. Every finding has a level and a basis.
 */
import * as l10n from '@vscode/l10n';
import { ESS_TERMINAL_STATES, requestKind, type EssRequest, type EssWords } from '../../oracle/ess';
import { weakestBasis, type Basis } from '../../oracle/basis';
import type { EnvironmentState } from '../plan/stateStore';
import { readLearnerLearningRecords, LEARNER_LEARNING_RECORDS_PATH } from '../../oracle/learning';
import { OracleError } from '../../oracle/errors';
import { readOrRefusal, RESOURCE_ACCESS, type Refusal } from '../../oracle/privileges';
import { healthSettingsOf, type HealthSettings, type ScheduledProcessKey } from '../plan/planFile';
import { neededProcesses, processRequests, readSchedules, type ProcessState } from '../plan/steps/schedules';
import { EnvironmentSession, type SessionOptions } from '../ops/session';
import { isOpen, nextStage, stageTitle } from '../rotation/state';
import { planCertificate } from './certificate';
import { healthSummary, worstLevel, type HealthFinding, type HealthLevel, type HealthReport, type HealthRun, type ProcessHealth } from './report';

export interface HealthOptions extends SessionOptions {
  /** The clock (tests). */
  now?: Date;
  onProgress?: (message: string) => void;
}

const HOUR = 3_600_000;
const SCHEDULED_PROCESSES = 'Navigator > Tools > Scheduled Processes';
/** States in which a run has not started yet (or is held back). */
const WAITING_STATES = ['WAIT', 'READY', 'BLOCKED', 'HOLD', 'PAUSED', 'PENDING_VALIDATION', 'SCHEDULE_ENDED'];

const finding = (f: HealthFinding): HealthFinding => f;

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function when(iso: string | undefined): string {
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z').replace('T', ' ') : '?';
}

function ago(fromMs: number, now: number): string {
  const minutes = Math.round((now - fromMs) / 60_000);
  if (minutes < 90) return l10n.t('{0} min', minutes);
  const hours = minutes / 60;
  return hours < 48 ? l10n.t('{0} h', Math.round(hours)) : l10n.t('{0} days', Math.round(hours / 24));
}

/** When a run was meant to start: its scheduledTime, else its submission. */
function plannedAt(r: EssRequest): number | undefined {
  return ms(r.scheduledTime) ?? ms(r.submissionTime);
}

function toRun(r: EssRequest): HealthRun {
  return {
    requestId: r.requestId,
    state: r.state,
    kind: r.parentRequestId !== undefined ? 'scheduled' : 'one-off',
    ...(r.scheduledTime ?? r.submissionTime ? { scheduledTime: (r.scheduledTime ?? r.submissionTime)! } : {}),
    ...(r.processStart ? { start: r.processStart } : {}),
    ...(r.processEnd ? { end: r.processEnd } : {}),
    ...(r.stateDescription ? { stateDescription: r.stateDescription } : {}),
  };
}

/** The next occurrence of a schedule from its definition [INF: the schedule's JSON shape is ours, overridable in the plan]. */
function nextFromDefinition(def: unknown, now: number): number | undefined {
  if (!def || typeof def !== 'object') return undefined;
  const d = def as Record<string, unknown>;
  const startKey = Object.keys(d).find((k) => /^(start(time|date)?|requestedStartTime|startDateTime)$/i.test(k));
  const start = startKey ? ms(String(d[startKey])) : undefined;
  if (start === undefined) return undefined;
  const freqKey = Object.keys(d).find((k) => /^frequency$/i.test(k));
  const freq = String(freqKey ? d[freqKey] : 'DAILY').toUpperCase();
  const interval = Math.max(1, Number(d.interval ?? 1) || 1);
  const period = { MINUTELY: 60_000, HOURLY: HOUR, DAILY: 24 * HOUR, WEEKLY: 7 * 24 * HOUR }[freq as 'DAILY'];
  if (!period) return undefined;
  if (start > now) return start;
  return start + Math.ceil((now - start) / (period * interval)) * period * interval;
}

interface ProcessView {
  state: ProcessState;
  health: ProcessHealth;
  runs: EssRequest[];
  basis: Basis;
  refusal?: Refusal;
}

async function viewOf(session: EnvironmentSession, s: ProcessState, now: number): Promise<ProcessView> {
  const words: EssWords = { ...(session.ctx.state.probe?.ess?.recurringWords ? { recurring: session.ctx.state.probe.ess.recurringWords } : {}), ...(session.ctx.state.probe?.ess?.oneOffWords ? { oneOff: session.ctx.state.probe.ess.oneOffWords } : {}) };
  const basis = weakestBasis([s.idBasis, 'documented'])!;
  const base: ProcessHealth = { key: s.process.key, name: s.process.name, jobDefinitionId: s.id ?? null, schedule: null, lastRuns: [], lastSuccess: null, nextRun: null };
  if (!s.id || s.refusal) return { state: s, health: base, runs: [], basis, ...(s.refusal ? { refusal: s.refusal } : {}) };
  // The read status made (or makes) once per context: one page, newest first.
  const read = await processRequests(session.ctx, s.id);
  const runs = read.requests
    .filter((r) => ['child', 'one-off'].includes(requestKind(r, words)))
    .sort((a, b) => (plannedAt(b) ?? 0) - (plannedAt(a) ?? 0) || b.requestId - a.requestId);
  const past = runs.filter((r) => (plannedAt(r) ?? 0) <= now);
  const waitingChild = runs
    .filter((r) => r.parentRequestId !== undefined && WAITING_STATES.includes(r.state.toUpperCase()) && (plannedAt(r) ?? 0) > now)
    .sort((a, b) => (plannedAt(a) ?? 0) - (plannedAt(b) ?? 0))[0];
  const lastSuccess = past.find((r) => r.state.toUpperCase() === 'SUCCEEDED');
  const sched = s.schedule;
  const def = sched?.scheduleDefinition as Record<string, unknown> | undefined;
  const fromDef = sched ? nextFromDefinition(def, now) : undefined;
  const health: ProcessHealth = {
    ...base,
    schedule: sched
      ? {
          requestId: sched.requestId,
          state: sched.state,
          ...(typeof def?.startTime === 'string' ? { startTime: def.startTime } : {}),
          ...(typeof def?.frequency === 'string' ? { frequency: def.frequency } : {}),
        }
      : null,
    lastRuns: past.slice(0, 3).map(toRun),
    lastSuccess: lastSuccess ? (lastSuccess.processEnd ?? lastSuccess.processStart ?? lastSuccess.scheduledTime ?? null) : null,
    nextRun: waitingChild
      ? { at: new Date(plannedAt(waitingChild)!).toISOString(), from: 'waiting run', requestId: waitingChild.requestId }
      : fromDef !== undefined
        ? { at: new Date(fromDef).toISOString(), from: 'schedule definition' }
        : null,
  };
  return { state: s, health, runs: past, basis };
}

/** The findings of one process: its schedule, then its runs (failed, waiting long, running long, no success lately). */
function processFindings(v: ProcessView, settings: HealthSettings, now: number): HealthFinding[] {
  const { state: s, health: h, basis } = v;
  const name = s.process.name;
  const key = s.process.key;
  const out: HealthFinding[] = [];
  if (v.refusal) {
    return [finding({ id: `schedule:${key}`, area: 'schedule', level: 'unknown', title: name, message: l10n.t('Could not read its requests: {0}', v.refusal.message), check: l10n.t('Give the administrator {0}, or check "{1}" in {2}.', v.refusal.grantedBy, name, SCHEDULED_PROCESSES), basis: RESOURCE_ACCESS['ess-requests'].basis })];
  }
  if (!s.id) {
    return [
      finding({
        id: `schedule:${key}`,
        area: 'schedule',
        level: 'unknown',
        title: name,
        message: l10n.t('Its job definition id is unknown (Oracle does not publish it), so its runs cannot be read.'),
        check: l10n.t('Submit "{0}" once in {1} (the id is then found), or set scheduledProcesses.{2} in the plan; oli probe remembers it.', name, SCHEDULED_PROCESSES, key),
        basis: 'documented',
      }),
    ];
  }
  if (s.undetermined) {
    out.push(finding({ id: `schedule:${key}`, area: 'schedule', level: 'unknown', title: name, message: l10n.t('Whether it has a daily schedule cannot be told: {0}.', s.undetermined), check: l10n.t('Search "{0}" in {1} for a recurring request.', name, SCHEDULED_PROCESSES), basis: 'inferred' }));
  } else if (!s.schedule) {
    out.push(
      finding({
        id: `schedule:${key}`,
        area: 'schedule',
        level: 'error',
        title: name,
        message: s.process.afterLoadSync
          ? l10n.t("No daily schedule (recurring request) for {0}: Oracle's procedure asks it to run daily, after Load and Synchronize External Course Data.", s.id)
          : l10n.t("No daily schedule (recurring request) for {0}: Oracle's procedure asks it to run daily.", s.id),
        check: l10n.t('Run `oli apply --step scheduled-processes` (or schedule it daily in Scheduled Processes).'),
        basis,
      }),
    );
  } else if (s.duplicates.length) {
    out.push(
      finding({
        id: `schedule:${key}`,
        area: 'schedule',
        level: 'warning',
        title: name,
        message: l10n.t('{0} daily schedules (requests {1}): it runs {0} times a day.', s.duplicates.length + 1, [s.schedule, ...s.duplicates].map((r) => r.requestId).join(', ')),
        check: l10n.t('Cancel all but request {0} in {1} (oli apply cancels those the administrator submitted).', s.schedule.requestId, SCHEDULED_PROCESSES),
        basis,
      }),
    );
  }
  const last = v.runs[0];
  const finished = v.runs.find((r) => ESS_TERMINAL_STATES.includes(r.state.toUpperCase()) && r.state.toUpperCase() !== 'CANCELLED');
  if (finished && ['ERROR', 'ERROR_MANUAL_RECOVERY', 'VALIDATION_FAILED', 'EXPIRED'].includes(finished.state.toUpperCase())) {
    const bulk = key === 'bulkIngestToOscs' ? ` ${l10n.t('For this process, check its Program Name parameter is OLC-REST.')}` : '';
    // The run's facts in one sentence; its optional parts are phrases of their own (each translated whole).
    const started = finished.processStart ? l10n.t(' (started {0})', when(finished.processStart)) : '';
    const cause = finished.cause ? ` (${finished.cause})` : '';
    const description = finished.stateDescription ? `: ${finished.stateDescription}` : '';
    const success = h.lastSuccess ? l10n.t('Last success: {0}.', when(h.lastSuccess)) : l10n.t('No successful run on record.');
    out.push(
      finding({
        id: `run-failed:${key}`,
        area: 'run',
        level: 'error',
        title: l10n.t('{0}: last run failed', name),
        message: l10n.t('Request {0}{1} ended in {2}{3}{4}. {5}', finished.requestId, started, finished.state, cause, description, success),
        check: `${l10n.t('Open request {0} in {1} and read its log and output.', finished.requestId, SCHEDULED_PROCESSES)}${bulk} ${
          h.nextRun ? l10n.t('Resubmit it once fixed, or let the next run ({0}) pick it up.', when(h.nextRun.at)) : l10n.t('Resubmit it once fixed.')
        }`,
        basis,
      }),
    );
  } else if (finished?.state.toUpperCase() === 'WARNING') {
    out.push(
      finding({
        id: `run-failed:${key}`,
        area: 'run',
        level: 'warning',
        title: l10n.t('{0}: last run ended with warnings', name),
        message: l10n.t('Request {0} ended in WARNING{1}.', finished.requestId, finished.stateDescription ? `: ${finished.stateDescription}` : ''),
        check: l10n.t('Read the log of request {0} in {1}: some records may not have been processed.', finished.requestId, SCHEDULED_PROCESSES),
        basis,
      }),
    );
  }
  for (const r of v.runs) {
    const st = r.state.toUpperCase();
    const planned = plannedAt(r);
    if (WAITING_STATES.includes(st) && planned !== undefined && now - planned > settings.longWaitMinutes * 60_000) {
      out.push(
        finding({
          id: `run-waiting:${key}`,
          area: 'run',
          level: 'warning',
          title: l10n.t('{0}: a run is waiting', name),
          message: l10n.t(
            'Request {0} has been {1} since {2} ({3}){4}.',
            r.requestId,
            st,
            when(new Date(planned).toISOString()),
            ago(planned, now),
            r.stateDescription && !/^wait$/i.test(r.stateDescription) ? `: ${r.stateDescription}` : '',
          ),
          check: l10n.t('In {0}, open request {1}: a hold, an incompatible request still running (e.g. another run of the same process) or a busy scheduler keeps it waiting; release or cancel it.', SCHEDULED_PROCESSES, r.requestId),
          basis,
        }),
      );
      break;
    }
    const started = ms(r.processStart);
    if (st === 'RUNNING' && started !== undefined && now - started > settings.longRunMinutes * 60_000) {
      out.push(
        finding({
          id: `run-long:${key}`,
          area: 'run',
          level: 'warning',
          title: l10n.t('{0}: a run is taking long', name),
          message: l10n.t('Request {0} has been RUNNING since {1} ({2}).', r.requestId, when(r.processStart), ago(started, now)),
          check: l10n.t('Open request {0} in {1} and follow its log; cancel it if it is stuck.', r.requestId, SCHEDULED_PROCESSES),
          basis,
        }),
      );
      break;
    }
  }
  // A daily process with no success for more than a day (and a half hour of grace), while it was due to run.
  const firstDue = s.schedule ? ms((s.schedule.scheduleDefinition as Record<string, unknown> | undefined)?.startTime as string | undefined) : undefined;
  const dueSince = firstDue ?? ms(s.schedule?.submissionTime);
  const stale = 26 * HOUR;
  const lastOk = ms(h.lastSuccess ?? undefined);
  if (s.schedule && dueSince !== undefined && now - dueSince > stale && (lastOk === undefined || now - lastOk > stale) && !out.some((f) => f.id.startsWith('run-failed'))) {
    out.push(
      finding({
        id: `run-stale:${key}`,
        area: 'run',
        level: 'warning',
        title: l10n.t('{0}: no recent success', name),
        message:
          lastOk !== undefined
            ? l10n.t('Its last successful run ended {0} ({1} ago), although it is scheduled daily.', when(h.lastSuccess!), ago(lastOk, now))
            : l10n.t('No successful run on record, although it is scheduled daily since {0}.', when(new Date(dueSince).toISOString())),
        check: l10n.t('In {0}, check the runs of request {1} (held, cancelled, or never started).', SCHEDULED_PROCESSES, s.schedule.requestId),
        basis,
      }),
    );
  }
  if (!out.length) {
    const lastText = !last
      ? l10n.t('no run yet')
      : last.processEnd
        ? l10n.t('last run {0} {1} at {2}', last.requestId, last.state, when(last.processEnd))
        : last.processStart
          ? l10n.t('last run {0} {1} since {2}', last.requestId, last.state, when(last.processStart))
          : l10n.t('last run {0} {1}', last.requestId, last.state);
    const nextText = !h.nextRun ? '' : h.nextRun.from === 'schedule definition' ? l10n.t('; next {0} (from its schedule definition)', when(h.nextRun.at)) : l10n.t('; next {0}', when(h.nextRun.at));
    out.push(
      finding({
        id: `schedule:${key}`,
        area: 'schedule',
        level: 'ok',
        title: name,
        message: l10n.t('Daily schedule {0}; {1}{2}.', s.schedule!.requestId, lastText, nextText),
        basis: h.nextRun?.from === 'schedule definition' ? weakestBasis([basis, 'inferred'])! : basis,
      }),
    );
  }
  return out;
}

/** The content sync: the last success of Load and Synchronize External Course Data (and, for xAPI providers, of the bulk ingest that indexes the content). */
function contentSyncFinding(views: ProcessView[], settings: HealthSettings, now: number, xapi: boolean): HealthFinding | undefined {
  const keys: ScheduledProcessKey[] = xapi ? ['loadAndSynchronizeExternalCourseData', 'bulkIngestToOscs'] : ['loadAndSynchronizeExternalCourseData'];
  const parts = keys.map((k) => views.find((v) => v.state.process.key === k)).filter((v): v is ProcessView => !!v);
  if (!parts.length) return undefined;
  const unread = parts.filter((v) => v.refusal || !v.state.id);
  const basis = weakestBasis(parts.map((p) => p.basis))!;
  if (unread.length === parts.length) {
    return finding({ id: 'content-sync', area: 'content-sync', level: 'unknown', title: l10n.t('Content sync'), message: l10n.t('The runs of {0} could not be read (see above).', unread.map((v) => `"${v.state.process.name}"`).join(l10n.t(' and '))), basis });
  }
  const maxAge = settings.contentSyncMaxAgeHours * HOUR;
  /** A process not due long enough to have succeeded yet (its schedule starts later, or recently). */
  const notDueYet = (v: ProcessView) => {
    const def = v.state.schedule?.scheduleDefinition as Record<string, unknown> | undefined;
    const first = ms(typeof def?.startTime === 'string' ? def.startTime : undefined) ?? ms(v.state.schedule?.submissionTime);
    return !v.health.lastSuccess && !v.runs.length && first !== undefined && now - first < maxAge;
  };
  const readable = parts.filter((v) => !v.refusal && v.state.id);
  const stale = readable.filter((v) => !notDueYet(v) && (v.health.lastSuccess === null || now - ms(v.health.lastSuccess)! > maxAge));
  const lines = parts.map((v) => {
    const what = v.health.lastSuccess
      ? l10n.t('last success {0}', when(v.health.lastSuccess))
      : v.refusal || !v.state.id
        ? l10n.t('not readable')
        : notDueYet(v)
          ? v.health.nextRun
            ? l10n.t('not run yet (first run {0})', when(v.health.nextRun.at))
            : l10n.t('not run yet')
          : l10n.t('no success on record');
    return `${v.state.process.name}: ${what}`;
  });
  return finding({
    id: 'content-sync',
    area: 'content-sync',
    level: stale.length ? 'warning' : unread.length ? 'unknown' : 'ok',
    title: l10n.t('Content sync'),
    message: `${lines.join('; ')}.${stale.length ? ` ${l10n.t('Older than {0} h (or none): new or changed provider content may not reach learners.', settings.contentSyncMaxAgeHours)}` : ''}`,
    ...(stale.length ? { check: l10n.t('Check the runs of these processes in {0} (see the findings above), then their logs.', SCHEDULED_PROCESSES) } : {}),
    basis,
  });
}

/** The last completion an administrator can read back (learnerLearningRecords applies to the learner [DOC]). */
async function completionsFinding(session: EnvironmentSession): Promise<HealthFinding> {
  const title = l10n.t('Last completion read back');
  const read = await readOrRefusal('learner-learning-records', () =>
    // The newest records first (assignmentRecordId is documented): one page, whatever the tenant's size.
    readLearnerLearningRecords(session.ctx.client, { maxItems: 25, orderBy: 'assignmentRecordId:desc', ...(session.ctx.signal ? { signal: session.ctx.signal } : {}) }),
  );
  if (!read.ok) {
    if (read.refusal.kind === 'unauthorized') throw signInRefused(read.refusal);
    return finding({ id: 'completions', area: 'completions', level: 'unknown', title, message: l10n.t('Could not read: {0}', read.refusal.message), check: l10n.t('Use `oli why` for one learner, or ask the learner to check My Learning.'), basis: 'documented' });
  }
  const dates = read.value.items.flatMap((r) => r.completionDetails.map((c) => ({ at: c.completionDate, record: r.assignmentRecordNumber ?? r.assignmentRecordId })).filter((c) => ms(c.at) !== undefined));
  dates.sort((a, b) => ms(b.at)! - ms(a.at)!);
  const latest = dates[0];
  if (latest) {
    return finding({
      id: 'completions',
      area: 'completions',
      level: 'ok',
      title,
      message: l10n.t(
        'The latest completion the administrator can read: {0} (record {1}, among {2} record(s) read). Oracle documents learnerLearningRecords for learners: other completions may not be visible here.',
        when(latest.at),
        latest.record ?? '?',
        read.value.items.length,
      ),
      basis: 'documented',
    });
  }
  return finding({
    id: 'completions',
    area: 'completions',
    level: 'info',
    title,
    message: l10n.t(
      "No completion is visible to the administrator in {0}: Oracle documents it as a resource that applies to the learner (each learner reads their own records; an administrator's view of others is not documented), so this does not mean none landed. For one learner, run `oli why --learner ... --content ...`.",
      LEARNER_LEARNING_RECORDS_PATH.split('/').pop() ?? '',
    ),
    basis: 'documented',
  });
}

function signInRefused(r: Refusal): OracleError {
  return new OracleError({ reason: 'auth', method: 'GET', path: r.resource, status: 401, detail: r.message, hint: 'check the user name and password for this environment, and that the account is active and not locked' });
}

/** Runs the health checks of one environment; the session's requests are counted in the report. */
export async function runHealth(o: HealthOptions): Promise<HealthReport> {
  const now = (o.now ?? new Date()).getTime();
  const session = new EnvironmentSession(o);
  const ctx = session.ctx;
  const settings = healthSettingsOf(o.plan);
  o.onProgress?.(l10n.t('Checking the health of {0}…', o.environment));
  const keys = neededProcesses(ctx).filter((k) => k !== 'loadAndSynchronizeExternalCourseData');
  // The learner records read proves the sign-in before the scheduler reads fan out.
  const completions =
    (await session.signIn(() => completionsFinding(session))) ??
    finding({ id: 'completions', area: 'completions', level: 'unknown', title: l10n.t('Last completion read back'), message: l10n.t('learnerLearningRecords could not be read (see the log).'), basis: 'documented' });
  const [{ states, loadSync }, cert] = await Promise.all([readSchedules(ctx, keys), planCertificate(o.plan, o.planDir, o.environment, new Date(now), o.certificateWarningDays)]);
  const all = [loadSync, ...states];
  const unauthorized = all.find((s) => s.refusal?.kind === 'unauthorized');
  if (unauthorized?.refusal) throw signInRefused(unauthorized.refusal);
  const views = await Promise.all(all.map((s) => viewOf(session, s, now)));
  const findings: HealthFinding[] = views.flatMap((v) => processFindings(v, settings, now));
  const xapi = ctx.profile.provider.family === 'xapi';
  const sync = contentSyncFinding(views, settings, now, xapi);
  if (sync) findings.push(sync);
  let certificate: HealthReport['certificate'];
  if (cert && cert.ok) {
    const i = cert.info;
    certificate = { file: cert.file, subject: i.subject, notAfter: i.notAfter, daysLeft: i.daysRemaining, warnDays: cert.warnDays, sha1: i.sha1 };
    const rotation = isOpen(o.state.rotation) ? o.state.rotation : undefined;
    const rotating = rotation ? ` ${l10n.t('A rotation is in progress (next stage: {0}).', stageTitle(nextStage(rotation) ?? 'remove-old'))}` : '';
    const provider = ctx.profile.provider.displayName;
    findings.push(
      finding({
        id: 'certificate',
        area: 'certificate',
        level: cert.level,
        title: l10n.t('Inbound certificate'),
        message: `${
          i.daysRemaining < 0
            ? l10n.t("{0} ({1}) expired on {2}: Oracle can no longer verify {3}'s tokens signed for it.", cert.file, i.subject, when(i.notAfter), provider)
            : cert.level === 'ok'
              ? l10n.t('{0} ({1}) expires on {2}: {3} day(s) left.', cert.file, i.subject, when(i.notAfter), i.daysRemaining)
              : l10n.t('{0} ({1}) expires on {2}: {3} day(s) left, within the {4}-day warning.', cert.file, i.subject, when(i.notAfter), i.daysRemaining, cert.warnDays)
        }${rotating}`,
        ...(cert.level !== 'ok'
          ? { check: rotation ? l10n.t('Continue the rotation: `oli rotate-cert` says where it stands.') : l10n.t('Ask {0} for its next certificate, then run `oli rotate-cert --new FILE`.', provider) }
          : {}),
        basis: 'documented',
      }),
    );
  } else if (cert) {
    findings.push(finding({ id: 'certificate', area: 'certificate', level: 'error', title: l10n.t('Inbound certificate'), message: cert.message, check: l10n.t('Fix jwt.certificate in the plan: it names the certificate registered under API Authentication.'), basis: 'documented' }));
  }
  if (isOpen(o.state.rotation)) {
    const r = o.state.rotation;
    const stage = nextStage(r);
    findings.push(
      finding({
        id: 'rotation',
        area: 'rotation',
        level: 'info',
        title: l10n.t('Certificate rotation in progress'),
        message: l10n.t(
          'Started {0} by {1}: new certificate {2} (alias {3}, expires {4}); next stage: {5}.',
          when(r.startedAt),
          r.startedBy,
          r.newCertificate.subject,
          r.newAlias,
          when(r.newCertificate.notAfter),
          stage ? stageTitle(stage) : l10n.t('none'),
        ),
        basis: 'documented',
      }),
    );
  }
  findings.push(completions);
  const level: HealthLevel = worstLevel(findings.map((f) => f.level));
  const report: HealthReport = {
    environment: o.environment,
    url: session.url,
    at: new Date(now).toISOString(),
    level,
    requests: session.requests,
    findings,
    processes: views.map((v) => v.health),
    ...(certificate ? { certificate } : {}),
  };
  o.onProgress?.(l10n.t('Health of {0}: {1} ({2} request(s)).', o.environment, healthSummary(findings), session.requests));
  return report;
}

/** Keeps the report as the environment's last health and records the run in its history. */
export function recordHealth(state: EnvironmentState, report: HealthReport, source: 'cli' | 'vscode'): void {
  state.health = report;
  state.history.push({ at: report.at, action: 'health', requests: report.requests, outcome: report.level, via: source, detail: healthSummary(report.findings) });
}
