/**
 * `npm run bench`: the performance targets of issue 6 and of issue 13 point 6 ("lighter, faster"),
 * against the offline sandbox pod, as ratios and counts measured in one run. Writes BENCHMARKS.md
 * and exits 1 when a figure is out of bounds. `npm run package` (production build + vsce) runs
 * first, so every figure is taken on the bundles that ship.
 */
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BenchError } from './lib/measure';
import { markdownTable, writeBenchmarksMd, type Figure } from './lib/report';
import { benchWeight } from './weight.bench';
import { benchXapi } from './xapi.bench';
import { benchStatus } from './status.bench';
import { benchIdentity } from './identity.bench';
import { benchOperations } from './operations.bench';

async function main(): Promise<number> {
  const started = Date.now();
  const log = (s: string) => console.log(s);
  const figures: Figure[] = [];
  const failures: string[] = [];
  for (const [name, bench] of [
    ['weight', benchWeight],
    ['xapi', benchXapi],
    ['status', benchStatus],
    ['identity', benchIdentity],
    ['operations', benchOperations],
  ] as const) {
    try {
      if (name !== 'weight' && !existsSync(join(ROOT, 'dist', 'cli.js'))) throw new BenchError('missing-build', 'dist/cli.js is missing: run npm run build');
      figures.push(...(await bench(log)));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${name}: ${message}`);
      figures.push({ id: `${name}.error`, figure: `${name} benchmark`, value: 'error', unit: '', bound: 'runs', pass: false, detail: message.slice(0, 400), command: `node --import tsx bench/${name}.bench.ts` });
      log(`  ${name} FAILED: ${message}`);
    }
  }
  const durationS = Math.round((Date.now() - started) / 1000);
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${process.platform}`;
  writeBenchmarksMd(join(ROOT, 'BENCHMARKS.md'), figures, {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine,
    command: 'npm run bench',
    durationS,
    notes: [
      'Round trip: the median wall time of 25 authenticated SCIM requests, one after another, from the bench process to the sandbox with the injected latency (±25% jitter, seeded). Until 2026-12-02 it was the median of five, which fell where those five seeded draws fell (187-189 ms at 200 ms, every run); 25 sit near the set latency (194-195 ms). The figures with a bound are medians of more runs than the others (first status 9, pinned status 7), each run drawing new latencies.',
      'Node start-up: a cold `node dist/cli.js --version`, measured in the same run; it is subtracted from the `oli status` wall time.',
      'Status: the plan pins the ESS job ids (as `oli status` advises after discovering them); the refresh reuses the integration user GUID of the last result to read its roles in the same round trip as the account lookup.',
      'First status (issue 13): the plan as `oli init` writes it (no job ids) and no `.oracle-learning/<env>.state.json` (removed before each run: nothing an earlier status or `oli probe` found, no attestation, so the guided steps end needs-action, exit 1). Its floor is two round trips: the sign-in request is the ESS discovery read, and the schedules are read with the ids it finds; the eleven reads of the second wave end with the slowest of eleven latencies (±25% jitter: about 1.21 times the set latency).',
      'Loads (issue 13): `node dist/cli/status.mjs` imports the status command and the chunks it imports, nothing else, and exits; `node -e 0` is the floor of any node process. dist/runtime.js: the activation probe (vscode stub) with `--runtime` requires the shipped runtime.js after activate(); the same probe without it is subtracted. Both are medians of 21 new processes each, A and B interleaved.',
      'Weight (issue 13): sizes in KB of 1024 bytes. A webview bundle holds no zod when its esbuild metafile (out/build-meta/webview-<page>.json, written by scripts/build.mjs) lists no node_modules/zod input and its text none of zod\'s markers.',
      'xAPI: the 100,000 statements are generated from a fixed seed (bench/lib/xapiCorpus.ts), about 20% invalid; the peer is bench/xapi-peer.cjs (@learninglocker/xapi-validation 3.0.0, which the sandbox also uses as its own xAPI validator). `oli inspect xapi` uses one worker thread per core (at most 4; this machine has 2), the peer one thread; both whole processes, their medians of 5 interleaved runs.',
      'Activation is measured outside VS Code (bench/activation-probe.cjs, a minimal vscode stub), on the dist/extension.js taken from the packaged .vsix.',
      'The machine is shared with other jobs and noisy: request counts are exact and repeatable; times are medians, read them as ratios (round trips, x faster), not as absolute figures.',
      "Issue 10: the sandbox's administrator now holds what an implementer holds (no Learning Content Provider duty), so `digitalLearningProviders` answers it 403 and the status reads it once as the integration user instead (the read the api-authentication verification call makes anyway): still 11 requests. `oli probe` is read-only and run once per pod; a status after it needs no discovery read. On a pod that refuses SCIM `or` filters, the learner-identity sample costs one request per learner (measured by test/unit/lookups-fallback.test.ts, not here).",
      'Issue 14: `oli health` (one environment) and `oli status --all-envs` (three sandbox pods, each set up as after the Coursera setup, per-environment credentials) at 200 ms injected latency. Request counts are exact (each pod counts its own); times are medians of three whole processes on a shared, noisy machine, read as round trips and as the ratio of --all-envs to one status (parallel reads keep it near 1; three environments in sequence would be about 3).',
      ...outOfBoundNotes(figures),
      ...failures.map((f) => `Error: ${f}`),
    ],
  });
  console.log('\n' + markdownTable(figures));
  const out = figures.filter((f) => !f.pass);
  console.log(`\n${out.length ? `${out.length} figure(s) out of bounds: ${out.map((f) => f.id).join(', ')}` : 'All figures within bounds.'} BENCHMARKS.md written (${durationS} s).`);
  return out.length ? 1 : 0;
}

/**
 * What a figure of issue 13 (point 6) that stayed outside its bound rests on, measured while the
 * product was made lighter (the profiles and experiments behind each sentence are in the commit
 * history of the bench13 branch): said in BENCHMARKS.md whenever it happens, never hidden.
 */
function outOfBoundNotes(figures: Figure[]): string[] {
  const failed = new Set(figures.filter((f) => !f.pass).map((f) => f.id));
  const notes: string[] = [];
  if (failed.has('status.first')) {
    notes.push(
      'Not within bound, `status.first` (a first `oli status` <= 2.5 round trips): the network alone takes about 2.26 round trips here, one for the sign-in request (the ESS discovery read, which must prove the credentials before anything else is sent: a wrong password is then refused once, not eleven times, and a wrong URL gets nothing more) and the slowest of the eleven reads that follow. The sandbox draws each latency between 0.75 and 1.25 times the set one, so one read averages 200 ms and the slowest of eleven about 242 ms: 442 ms against a round trip of about 195 ms (the runs of 2026-12-02), which leaves about 45 ms for everything the CLI does on the critical path beyond `oli --version`. A trace of one first status on this 2-core machine (timestamps from the process start; `oli --version` exits at 75-105 ms) shows 85-90 ms of such work: node is up at about 62 ms, the status command is loaded at about 100 ms, the plan, credentials and state are read by 112 ms, and the sign-in request reaches the socket at about 139 ms (axios and the HTTP agents load with it, about 15 ms); the answer is read and the checks send their eleven requests 12-24 ms after it (about 1 ms each), and the state is saved and the process gone 6 ms after the last answer. The checks\' code and their local work (the verification kit\'s token, the learner list, the certificate) already run while the sign-in request is in flight; the status command now loads about 15 ms faster than in the previous runs (its HTTP agents load with the first request), which moved the sign-in request but not the figure (the agents load before it leaves). Sending the sign-in request before the command has loaded (from the dispatcher, with HTTP code of its own) would save about 45 ms by this trace and still leave the figure near 2.8 round trips, at the price of a second copy of the sign-in rules (which request proves the credentials, the refused-credential gate, proxy, CA, redirects); it was not done. On a busy machine the same CPU time stretches (this run\'s bare `node -e 0`: see `oli --version`).',
    );
  }
  if (failed.has('status.roundTrips')) {
    notes.push(
      'Not within bound, `status.roundTrips` (issue 6: a status with the job ids pinned <= 3 round trips): it measured 2.26-2.72 until the merges of issues 12, 14 and 15 (sign-in first, the sign-in methods, the day-two tools); the first bench after them read 3.34, and that bench reported the figure as information only; it is a bound again. Since issue 12 every command proves its credentials with one request before anything else leaves (a wrong password is then refused once, not eleven times), so a status is two waves, the sign-in read and then the others, whose slowest sets the pace (about 2.26 round trips of network here, see `status.first`); the CLI\'s own work on the critical path adds the rest. Which share each merge added was not isolated. One run of this figure moves by ±0.4 round trips with its latency draws (traced on this machine: 2.7-3.4, each run against the same pod).',
    );
  }
  if (failed.has('xapi.speed')) {
    notes.push(
      'Not within bound, `xapi.speed` (oli inspect xapi >= 4x the peer): JSON.parse of the 61.6 MB alone takes 0.36-0.47 s on one thread here, which the peer pays too; validation, Oracle\'s reading and printing add about as much again. Two worker threads (one per core of this machine) bring the whole process from about 1.5-1.8 s to 0.9-1.3 s, not half: together they use about 2 s of CPU where one thread uses 1.8 s. Each worker prints a statement as soon as it reads it (its garbage dies young, in an 8 MB young generation) and hands its text back as UTF-8 bytes it transfers, which saved 10-15% of CPU in this session. The ratio moves with the machine\'s load (3.3-4.2 in the runs of 2026-12-01; on 2026-12-02 the same build took 1.08 s and, minutes later, 1.33 s, median of nine each): when another job takes one of the two cores, the workers lose their second core and the one-thread peer loses little. A machine with more cores gets up to four workers.',
    );
  }
  if (failed.has('weight.statusLoad')) notes.push('Not within bound, `weight.statusLoad`: see the figure\'s detail for what the status command still loads (zod, the core, the Oracle client; the HTTP stack loads with the first request).');
  if (failed.has('weight.vsix')) notes.push('Not within bound, `weight.vsix`: see the figure\'s detail for its largest entries.');
  return notes;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
