/**
 * Target 2 (issue 6): `oli identity` on 50,000 learner emails (present, missing, duplicate,
 * inactive) against a 60,000-user sandbox at 100 ms latency: at most 1,100 requests (batched SCIM
 * `or` filters), at most 8 in flight (sandbox stats maxInFlight), at most 30 s, progress on
 * stderr, input streamed.
 *
 * Streaming is checked for real: the CLI reads a FIFO; the bench writes the first 2,000 lines,
 * waits until the pod has answered SCIM requests for them, and only then writes the rest. A CLI
 * that read the whole file before sending a request would never get there (and time out).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { CLI, round, runNode, BenchError } from './lib/measure';
import { benchPlan, startPod, type Pod } from './lib/pod';
import { prng } from './lib/xapiCorpus';
import { savePlan } from '../src/core/plan/planFile';
import type { Figure } from './lib/report';

export const IDENTITY_USERS = 60_000;
export const IDENTITY_EMAILS = 50_000;
export const IDENTITY_LATENCY_MS = 100;
const FIRST_CHUNK = 2_000;

interface PodUser {
  userName: string;
  active: boolean;
  emails?: { value: string; primary?: boolean; type?: string }[];
}

/** Every user of the pod (SCIM, pages of 1000, before latency is turned on). */
async function allUsers(pod: Pod): Promise<PodUser[]> {
  const auth = 'Basic ' + Buffer.from(`${pod.sandbox.admin.userName}:${pod.sandbox.admin.password}`).toString('base64');
  const out: PodUser[] = [];
  for (let start = 1; ; start += 1000) {
    const res = await fetch(new URL(`/hcmRestApi/scim/Users?startIndex=${start}&count=1000&attributes=userName,emails,active`, pod.sandbox.url), { headers: { authorization: auth } });
    if (!res.ok) throw new BenchError('setup', `listing users answered ${res.status}`);
    const page = (await res.json()) as { Resources?: PodUser[]; totalResults: number };
    out.push(...(page.Resources ?? []));
    if (!page.Resources?.length || out.length >= page.totalResults) break;
  }
  return out;
}

/** 50,000 emails: every duplicate and inactive one the pod has, 1,000 missing, the rest present, shuffled (seeded). */
function learnerEmails(users: PodUser[]): { emails: string[]; mix: Record<string, number> } {
  const byEmail = new Map<string, PodUser[]>();
  for (const u of users) {
    const e = u.emails?.find((x) => x.primary)?.value?.toLowerCase();
    if (!e) continue;
    byEmail.set(e, [...(byEmail.get(e) ?? []), u]);
  }
  const duplicate: string[] = [];
  const inactive: string[] = [];
  const present: string[] = [];
  for (const [e, list] of byEmail) {
    if (list.length > 1) duplicate.push(e);
    else if (!list[0]!.active) inactive.push(e);
    else present.push(e);
  }
  const missing = Array.from({ length: 1_000 }, (_, i) => `no.such.learner${i}@example.org`);
  const rand = prng(2);
  const need = IDENTITY_EMAILS - duplicate.length - inactive.length - missing.length;
  const picked = present.slice(0, need);
  const emails = [...picked, ...duplicate, ...inactive, ...missing];
  for (let i = emails.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [emails[i], emails[j]] = [emails[j]!, emails[i]!];
  }
  return { emails, mix: { present: picked.length, duplicate: duplicate.length, inactive: inactive.length, missing: missing.length } };
}

export async function benchIdentity(log: (s: string) => void = console.log): Promise<Figure[]> {
  log(`Learner identity (${IDENTITY_EMAILS} emails, ${IDENTITY_USERS} users, ${IDENTITY_LATENCY_MS} ms latency)`);
  const pod = await startPod(IDENTITY_USERS);
  try {
    const { emails, mix } = learnerEmails(await allUsers(pod));
    if (emails.length !== IDENTITY_EMAILS) throw new BenchError('setup', `built ${emails.length} emails, wanted ${IDENTITY_EMAILS}`);
    await savePlan(pod.planPath, benchPlan(pod));
    const fifo = join(pod.dir, 'learners.csv');
    execFileSync('mkfifo', [fifo]);
    await pod.setLatency(IDENTITY_LATENCY_MS);
    await pod.resetStats();
    const lines = ['email', ...emails].map((e) => `${e}\n`);
    let requestsBeforeRest = 0;
    const feed = async () => {
      const out = createWriteStream(fifo);
      out.write(lines.slice(0, FIRST_CHUNK + 1).join(''));
      // Wait until the CLI has looked up the first identifiers before giving it the rest.
      for (let i = 0; i < 600; i++) {
        const s = await pod.stats();
        requestsBeforeRest = s.byRoute['GET /hcmRestApi/scim/Users'] ?? 0;
        if (requestsBeforeRest >= 8) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!out.write(lines.slice(FIRST_CHUNK + 1).join(''))) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
    };
    let feeding: Promise<void> = Promise.resolve();
    const progress: string[] = [];
    const run = await runNode([CLI, 'identity', 'learners.csv', '--plan', pod.planPath, '--json'], {
      env: pod.env,
      cwd: pod.dir,
      timeoutMs: 120_000,
      onSpawn: () => (feeding = feed()),
      onStderr: (t) => progress.push(...t.split('\n').filter((l) => /checked \d+/.test(l))),
    });
    await feeding;
    if (run.code !== 1) throw new BenchError('exit-code', `oli identity exited ${run.code} (expected 1: problems found): ${run.stderr.slice(0, 500)}`);
    const report = JSON.parse(run.stdout) as { summary: Record<string, number> };
    const s = await pod.stats();
    const wrong = ['missing', 'duplicate', 'inactive'].filter((k) => report.summary[k] !== mix[k]);
    log(`  ${round(run.ms)} ms, ${s.total} requests, max ${s.maxInFlight} in flight, ${progress.length} progress lines, ${requestsBeforeRest} lookups before the rest of the file was written; summary ${JSON.stringify(report.summary)}`);
    const command = `node dist/cli.js identity learners.csv --plan oracle-learning.json --json (sandbox --users ${IDENTITY_USERS} --latency ${IDENTITY_LATENCY_MS})`;
    return [
      {
        id: 'identity.requests',
        figure: `\`oli identity\` on ${IDENTITY_EMAILS.toLocaleString('en')} emails: requests`,
        value: s.total,
        unit: 'requests',
        bound: '<= 1100',
        pass: s.total <= 1100 && wrong.length === 0,
        detail: `input ${mix.present} present, ${mix.duplicate} duplicate, ${mix.inactive} inactive, ${mix.missing} missing; found ${report.summary.matched} matched, ${report.summary.duplicate} duplicate, ${report.summary.inactive} inactive, ${report.summary.missing} missing${wrong.length ? ` (WRONG: ${wrong.join(', ')})` : ''}`,
        command: `${command}, then GET /__sandbox/stats`,
      },
      {
        id: 'identity.inFlight',
        figure: 'Requests in flight at most (sandbox maxInFlight)',
        value: s.maxInFlight,
        unit: 'requests',
        bound: '<= 8',
        pass: s.maxInFlight <= 8,
        detail: 'highest number of requests the pod was handling at once',
        command: `${command}, then GET /__sandbox/stats`,
      },
      {
        id: 'identity.wall',
        figure: 'Wall time of the whole process',
        value: round(run.ms / 1000, 1),
        unit: 's',
        bound: '<= 30',
        pass: run.ms <= 30_000,
        detail: `${round(run.ms)} ms`,
        command,
      },
      {
        id: 'identity.streaming',
        figure: 'Progress on stderr and input streamed',
        value: `${progress.length} progress lines; ${requestsBeforeRest} lookups before line ${FIRST_CHUNK + 1} existed`,
        unit: '',
        bound: '> 0 each',
        pass: progress.length > 0 && requestsBeforeRest > 0,
        detail: `the file is a FIFO: the bench wrote ${FIRST_CHUNK} emails, waited for lookups, then the rest`,
        command,
      },
    ];
  } finally {
    await pod.close();
  }
}

if (require.main === module) {
  benchIdentity().then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
