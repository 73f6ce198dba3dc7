/**
 * Issue 14: `oli health` on one environment and `oli status --all-envs` on three, against three
 * sandbox pods set up as after a complete Coursera integration, with 200 ms injected latency.
 * Counted exactly: the requests of each (from each pod's own counter). Measured as ratios on the
 * noisy shared machine: wall time beyond node start-up, in round trips; and --all-envs on three
 * environments against one `oli status`, which parallel reads keep close to 1 (three sequential
 * statuses would be 3).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { savePlan, type PlanFile } from '../src/core/plan/planFile';
import { CLI, cliStartupMs, median, round, runNode, BenchError } from './lib/measure';
import { cleanLearners, ROUND_TRIP_SAMPLES, roundTripReferenceMs, setUpCourseraIntegration, startPod, type Pod } from './lib/pod';
import type { Figure } from './lib/report';

const LATENCY_MS = 200;
const RUNS = 3;
const ENVS = ['dev', 'test', 'prod'] as const;

interface Measured {
  requests: number[];
  byRoute: Record<string, number>;
  beyondStartupMs: number;
  wallMs: number;
}

async function measure(pods: Pod[], args: string[], cwd: string, env: NodeJS.ProcessEnv, okCodes: number[], what: string): Promise<Measured> {
  const walls: number[] = [];
  const beyond: number[] = [];
  let requests: number[] = [];
  let byRoute: Record<string, number> = {};
  for (let i = 0; i < RUNS; i++) {
    const startup = (await cliStartupMs(1)).median;
    await Promise.all(pods.map((p) => p.resetStats()));
    const r = await runNode([CLI, ...args], { env, cwd, timeoutMs: 120_000 });
    if (r.code === null || !okCodes.includes(r.code)) throw new BenchError('exit-code', `${what} exited ${r.code}: ${r.stderr.slice(0, 400)} ${r.stdout.slice(0, 800)}`);
    walls.push(r.ms);
    beyond.push(r.ms - startup);
    const stats = await Promise.all(pods.map((p) => p.stats()));
    const counts = stats.map((s) => s.total);
    if (i > 0 && counts.join() !== requests.join()) throw new BenchError('setup', `${what} sent a varying number of requests: ${requests.join('+')} then ${counts.join('+')}`);
    requests = counts;
    byRoute = stats[0]!.byRoute;
  }
  return { requests, byRoute, beyondStartupMs: median(beyond), wallMs: median(walls) };
}

export async function benchOperations(log: (s: string) => void = console.log): Promise<Figure[]> {
  log(`After the setup: oli health and oli status --all-envs on ${ENVS.length} environments (${LATENCY_MS} ms injected latency)`);
  const pods = await Promise.all(ENVS.map(() => startPod(10)));
  const dir = await mkdtemp(join(tmpdir(), 'oli-bench-fleet-'));
  try {
    let plan: PlanFile | undefined;
    const env: NodeJS.ProcessEnv = { ...process.env, OLI_TRACE: '', OLI_DEBUG: '' };
    await mkdir(join(dir, '.oracle-learning'), { recursive: true });
    for (const [i, pod] of pods.entries()) {
      const name = ENVS[i]!;
      const { pinnedPlanPath } = await setUpCourseraIntegration(pod, await cleanLearners(pod, 3));
      const pinned = JSON.parse(await readFile(pinnedPlanPath, 'utf8')) as PlanFile;
      plan ??= { ...pinned, environments: {} };
      plan.environments[name] = { url: pod.sandbox.url };
      // The seeded tenants are alike (same users): one identity sample serves the three.
      if (i === 0) for (const f of ['coursera.cer', 'learners.csv']) await copyFile(join(pod.dir, f), join(dir, f));
      else await writeFile(join(dir, `coursera-${name}.cer`), await readFile(join(pod.dir, 'coursera.cer')));
      if (i > 0) plan.environments[name]!.certificate = `coursera-${name}.cer`;
      const state = JSON.parse(await readFile(join(pod.dir, '.oracle-learning', 'sandbox.state.json'), 'utf8'));
      await writeFile(join(dir, '.oracle-learning', `${name}.state.json`), JSON.stringify({ ...state, environment: name }));
      for (const f of ['verification-key.pem', 'verification.json']) await copyFile(join(pod.dir, '.oracle-learning', `sandbox.${f}`), join(dir, '.oracle-learning', `${name}.${f}`));
      env[`OLI_USERNAME_${name.toUpperCase()}`] = pod.sandbox.admin.userName;
      env[`OLI_PASSWORD_${name.toUpperCase()}`] = pod.sandbox.admin.password;
    }
    delete plan!.defaultEnvironment;
    await savePlan(join(dir, 'oracle-learning.json'), plan!);
    await Promise.all(pods.map((p) => p.setLatency(LATENCY_MS)));
    const rt = await roundTripReferenceMs(pods[0]!);
    const health = await measure([pods[0]!], ['health', '--env', 'dev'], dir, env, [0, 1], 'oli health');
    const single = await measure([pods[0]!], ['status', '--env', 'dev'], dir, env, [0], 'oli status');
    const all = await measure(pods, ['status', '--all-envs'], dir, env, [0], 'oli status --all-envs');
    const trips = (m: Measured) => m.beyondStartupMs / rt;
    const ratio = all.beyondStartupMs / single.beyondStartupMs;
    const healthRatio = health.beyondStartupMs / single.beyondStartupMs;
    log(
      `  round trip ${round(rt)} ms: health ${health.requests[0]} requests, ${round(trips(health), 2)} round trips; status ${single.requests[0]} requests, ${round(trips(single), 2)}; --all-envs ${all.requests.join('+')} requests, ${round(trips(all), 2)} round trips (${round(ratio, 2)} x one status)`,
    );
    const command = (args: string) => `node dist/cli.js ${args} (3 sandbox pods --latency ${LATENCY_MS}, OLI_USERNAME_<ENV>/OLI_PASSWORD_<ENV>), then GET /__sandbox/stats of each`;
    const routes = (m: Measured) =>
      Object.entries(m.byRoute)
        .map(([k, v]) => `${k} x${v}`)
        .join('; ');
    return [
      {
        id: 'health.requests',
        figure: '`oli health` on one environment: requests',
        value: health.requests[0]!,
        unit: 'requests',
        bound: '<= 7',
        pass: health.requests[0]! <= 7,
        detail: `four scheduled processes (one ESS query each, newest first; job ids pinned in the plan) and one learnerLearningRecords read; ${routes(health)}`,
        command: command('health --env dev'),
      },
      {
        id: 'health.roundTrips',
        figure: '`oli health`: wall time beyond node start-up',
        value: round(trips(health), 2),
        unit: 'round trips',
        bound: '<= 1.5 x one status',
        pass: healthRatio <= 1.5,
        detail: `${round(healthRatio, 2)} x one \`oli status\` (${round(trips(single), 2)} round trips, measured alongside): its reads go out in one parallel wave; ${round(health.wallMs)} ms whole process (median of ${RUNS}), minus a cold \`oli --version\` run just before each, over one round trip of ${round(rt)} ms (median of ${ROUND_TRIP_SAMPLES})`,
        command: command('health --env dev'),
      },
      {
        id: 'allEnvs.requests',
        figure: '`oli status --all-envs` on three environments: requests',
        value: `${all.requests.join(' + ')}`,
        unit: 'requests',
        bound: `= 3 x ${single.requests[0]}`,
        pass: all.requests.every((n) => n === single.requests[0]),
        detail: `each environment is read exactly as one \`oli status\` reads it (${single.requests[0]} requests), by its own pod's counter`,
        command: command('status --all-envs'),
      },
      {
        id: 'allEnvs.roundTrips',
        figure: '`oli status --all-envs` on three environments: wall time beyond node start-up',
        value: round(trips(all), 2),
        unit: 'round trips',
        bound: '<= 2 x one status',
        pass: ratio <= 2,
        detail: `${round(ratio, 2)} x one \`oli status\` (${round(trips(single), 2)} round trips): the environments are read in parallel (three in sequence would be about 3 x); ${round(all.wallMs)} ms whole process`,
        command: command('status --all-envs'),
      },
    ];
  } finally {
    await Promise.all(pods.map((p) => p.close()));
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchOperations().then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
