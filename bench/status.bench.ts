/**
 * Target 1 (issue 6): with 200 ms injected latency a full `oli status` (a child process, as a user
 * runs it) takes at most 3 round trips of wall time beyond node start-up, where a naive sequential
 * status would take about 12; and it sends the same number of requests on 10 and on 100,000 users.
 *
 *   status wall - `oli --version` wall   (medians, same machine, same run)
 *   ------------------------------------  <= 3
 *        one round trip (median)
 *
 * The pod is fully set up first (role, user, provider, ESS requests and schedules, API
 * Authentication verification kit, identity sample), so every step reads what it reads in real
 * life. The plan pins the ESS job ids, as `oli status` advises once it has discovered them; the
 * status of an unpinned plan whose ids an earlier status found is measured too, as information.
 * The naive figure is computed: requests x one round trip (sending them one after another).
 *
 * Issue 13, point 6: a realistic FIRST `oli status`, the same way, at most 2.5 round trips: the
 * plan as written (no job ids pinned) and no state file (nothing an earlier status or `oli probe`
 * discovered: no job ids, no integration user id, no field names, no attestations), removed before
 * each run. The dependency floor is 2 round trips: the job ids must be discovered before the
 * schedules can be read.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, cliStartupMs, median, round, runNode, BenchError } from './lib/measure';
import { cleanLearners, ROUND_TRIP_SAMPLES, roundTripReferenceMs, setUpCourseraIntegration, startPod, type Pod } from './lib/pod';
import type { Figure } from './lib/report';

export const STATUS_LATENCY_MS = 200;
/** Issue 6: a status (job ids pinned, the last status's state kept) takes at most this many round trips beyond node start-up. */
export const STATUS_MAX_ROUND_TRIPS = 3;
/** Issue 13: a first status (nothing pinned, nothing discovered) takes at most this many round trips beyond node start-up. */
export const FIRST_STATUS_MAX_ROUND_TRIPS = 2.5;
const RUNS = 3;
/**
 * Runs of the figures with a bound (the first status, the pinned status): each run's latencies are
 * new draws (±25%), which move one run by ±0.4 round trips; their median needs more runs than the
 * information figures.
 */
const FIRST_RUNS = 9;
const PINNED_RUNS = 7;

interface StatusRun {
  requests: number;
  byRoute: Record<string, number>;
  wallMs: number;
  walls: number[];
  /** Median of (status wall - `oli --version` wall run just before it). */
  beyondStartupMs: number;
  startupMs: number;
}

/** The environment's state file (what earlier runs discovered, attestations, history). */
const stateFile = (pod: Pod) => join(pod.dir, '.oracle-learning', 'sandbox.state.json');

/**
 * `first`: the state file is removed before each run (a first status: nothing discovered, nothing
 * attested, so the steps that need an attestation end needs-action and the exit code is 1).
 */
async function runStatus(pod: Pod, planPath: string, what: string, o: { first?: boolean; runs?: number } = {}): Promise<StatusRun> {
  const walls: number[] = [];
  const startups: number[] = [];
  const counts: number[] = [];
  let byRoute: Record<string, number> = {};
  const saved = o.first ? await readOrUndefined(stateFile(pod)) : undefined;
  for (let i = 0; i < (o.runs ?? RUNS); i++) {
    if (o.first) await rm(stateFile(pod), { force: true });
    // Node start-up measured right before each status, so both see the same machine load.
    startups.push((await cliStartupMs(1)).median);
    await pod.resetStats();
    const r = await runNode([CLI, 'status', '--plan', planPath], { env: pod.env, cwd: pod.dir, timeoutMs: 60_000 });
    const expected = o.first ? [0, 1] : [0];
    if (!expected.includes(r.code ?? -1)) throw new BenchError('exit-code', `oli status (${what}) exited ${r.code}, expected ${expected.join(' or ')} (${o.first ? 'steps read; those waiting for an attestation need action' : 'every step done or attested'}): ${r.stderr.slice(0, 500)} ${r.stdout.slice(0, 1500)}`);
    const s = await pod.stats();
    walls.push(r.ms);
    counts.push(s.total);
    byRoute = s.byRoute;
  }
  if (new Set(counts).size !== 1) throw new BenchError('setup', `oli status (${what}) sent a varying number of requests: ${counts.join(', ')}`);
  // The later measures start from the state the set-up left (attestations, discovered ids).
  if (saved !== undefined) await writeFile(stateFile(pod), saved);
  return { requests: counts[0]!, byRoute, wallMs: median(walls), walls, beyondStartupMs: median(walls.map((w, i) => w - startups[i]!)), startupMs: median(startups) };
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

interface PodFigures {
  users: number;
  /** The plan as written, no state file: nothing pinned, nothing discovered. */
  first: StatusRun;
  pinned: StatusRun;
  discovery: StatusRun;
  /** One `oli probe` (read-only, once per pod): its requests by route. */
  probe: { requests: number; byRoute: Record<string, number> };
  /** A status of the unpinned plan after the probe (it reuses the job ids the probe confirmed). */
  afterProbe: StatusRun;
  roundTripMs: number;
}

async function runProbe(pod: Pod): Promise<{ requests: number; byRoute: Record<string, number> }> {
  await pod.resetStats();
  const r = await runNode([CLI, 'probe', '--plan', pod.planPath, '--json'], { env: pod.env, cwd: pod.dir, timeoutMs: 120_000 });
  if (r.code !== 0 && r.code !== 1) throw new BenchError('exit-code', `oli probe exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  const s = await pod.stats();
  return { requests: s.total, byRoute: s.byRoute };
}

async function statusOn(users: number, log: (s: string) => void): Promise<PodFigures> {
  const pod = await startPod(users);
  try {
    const { pinnedPlanPath } = await setUpCourseraIntegration(pod, await cleanLearners(pod, 3));
    await pod.setLatency(STATUS_LATENCY_MS);
    const rt = await roundTripReferenceMs(pod);
    const first = await runStatus(pod, pod.planPath, `${users} users, first status`, { first: true, runs: FIRST_RUNS });
    const pinned = await runStatus(pod, pinnedPlanPath, `${users} users, pinned job ids`, { runs: PINNED_RUNS });
    const discovery = await runStatus(pod, pod.planPath, `${users} users, job ids discovered`);
    const probe = await runProbe(pod);
    const afterProbe = await runStatus(pod, pod.planPath, `${users} users, after oli probe`);
    log(
      `  ${users} users, round trip ${round(rt)} ms: first status ${round(first.wallMs)} ms (${first.walls.map((w) => round(w)).join(', ')}; node start-up ${round(first.startupMs)} ms), ${first.requests} requests; status ${round(pinned.wallMs)} ms (${pinned.walls.map((w) => round(w)).join(', ')}), ${pinned.requests} requests; with discovery ${round(discovery.wallMs)} ms, ${discovery.requests} requests; probe ${probe.requests} requests; status after the probe ${afterProbe.requests} requests`,
    );
    return { users, first, pinned, discovery, probe, afterProbe, roundTripMs: rt };
  } finally {
    await pod.close();
  }
}

export async function benchStatus(log: (s: string) => void = console.log): Promise<Figure[]> {
  log(`Status refresh (${STATUS_LATENCY_MS} ms injected latency)`);
  const small = await statusOn(10, log);
  const large = await statusOn(100_000, log);
  const rt = large.roundTripMs;
  const trips = (run: StatusRun, roundTrip: number) => run.beyondStartupMs / roundTrip;
  const beyond = trips(large.pinned, rt);
  const command = `node dist/cli.js status --plan <pod>/oracle-learning.json (sandbox --latency ${STATUS_LATENCY_MS}, OLI_USERNAME/OLI_PASSWORD)`;
  const naive = large.pinned.requests;
  const firstTrips = trips(large.first, rt);
  return [
    {
      id: 'status.first',
      figure: 'A realistic FIRST `oli status` on 100,000 users (the plan as written, no job ids pinned, no state file: nothing discovered yet): wall time beyond node start-up',
      value: round(firstTrips, 2),
      unit: 'round trips',
      bound: `<= ${FIRST_STATUS_MAX_ROUND_TRIPS}`,
      pass: firstTrips <= FIRST_STATUS_MAX_ROUND_TRIPS,
      detail: `status ${round(large.first.wallMs)} ms - \`oli --version\` ${round(large.first.startupMs)} ms (run before each status; median of ${FIRST_RUNS} differences: ${large.first.walls.map((w) => round(w)).join(', ')} ms whole), over one round trip of ${round(rt)} ms (median of ${ROUND_TRIP_SAMPLES}); ${large.first.requests} requests; the dependency floor is 2 round trips (the job ids are found before the schedules are read); on 10 users ${round(trips(small.first, small.roundTripMs), 2)}; .oracle-learning/sandbox.state.json removed before each run (the verification kit the set-up applied stays)`,
      command,
    },
    {
      id: 'status.roundTrips',
      figure: 'Full `oli status` on 100,000 users, job ids pinned in the plan and the last status\'s state kept: wall time beyond node start-up',
      value: round(beyond, 2),
      unit: 'round trips',
      // Issue 6's bound: reported as met or not, never as information only.
      bound: `<= ${STATUS_MAX_ROUND_TRIPS}`,
      pass: beyond <= STATUS_MAX_ROUND_TRIPS,
      detail: `status ${round(large.pinned.wallMs)} ms - \`oli --version\` ${round(large.pinned.startupMs)} ms (run before each status; median of ${PINNED_RUNS} differences), over one round trip of ${round(rt)} ms (median of ${ROUND_TRIP_SAMPLES}); on 10 users ${round(trips(small.pinned, small.roundTripMs), 2)}; job ids pinned in the plan`,
      command,
    },
    {
      id: 'status.discovery',
      figure: 'Same, plan without job ids (found by an earlier status and reused; only a first status pays one discovery read more)',
      value: round(trips(large.discovery, rt), 2),
      unit: 'round trips',
      bound: 'info',
      pass: true,
      detail: `${round(large.discovery.wallMs)} ms, ${large.discovery.requests} requests: the ids come from the last status's evidence in .oracle-learning/<env>.state.json`,
      command,
    },
    {
      id: 'status.naive',
      figure: 'Naive sequential status (its requests one after another)',
      value: naive,
      unit: 'round trips',
      bound: 'info (about 12)',
      pass: true,
      detail: `${naive} requests x ${round(rt)} ms = ${round((naive * rt) / 1000, 1)} s; measured ${round(large.pinned.wallMs / 1000, 2)} s whole process`,
      command,
    },
    {
      id: 'status.requestCount',
      figure: 'Requests of one `oli status`: 10 users vs 100,000 users',
      value: `${small.pinned.requests} vs ${large.pinned.requests}`,
      unit: 'requests',
      bound: 'equal',
      pass: small.pinned.requests === large.pinned.requests && small.discovery.requests === large.discovery.requests,
      detail: `with discovery ${small.discovery.requests} vs ${large.discovery.requests}; ${Object.entries(large.pinned.byRoute)
        .map(([k, v]) => `${k} x${v}`)
        .join('; ')}`,
      command: `${command}, then GET /__sandbox/stats`,
    },
    {
      id: 'status.requestBound',
      figure: 'Requests of one `oli status` against the 11 of the previous measure (issue 10: a refused read may add its own fallback)',
      value: large.pinned.requests,
      unit: 'requests',
      bound: '<= 11',
      pass: large.pinned.requests <= 11,
      detail: `the sandbox's administrator holds no provider duty: digitalLearningProviders answers it 403 and is read once as the integration user (verification kit), a read api-authentication makes anyway; on 10 users ${small.pinned.requests}`,
      command: `${command}, then GET /__sandbox/stats`,
    },
    {
      id: 'probe.requests',
      figure: '`oli probe` (read-only, run once per pod): requests, all GET',
      value: large.probe.requests,
      unit: 'requests',
      bound: 'info (all GET)',
      pass: Object.keys(large.probe.byRoute).every((k) => k.startsWith('GET ')),
      detail: `on 10 users ${small.probe.requests}; ${Object.entries(large.probe.byRoute)
        .map(([k, v]) => `${k} x${v}`)
        .join('; ')}; a status after it (plan without job ids) sends ${large.afterProbe.requests} requests: no discovery read, the ids come from the probe`,
      command: `node dist/cli.js probe --plan <pod>/oracle-learning.json --json, then GET /__sandbox/stats`,
    },
  ];
}

if (require.main === module) {
  benchStatus().then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
