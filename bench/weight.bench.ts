/**
 * Target 4 (issue 6): nothing activates at VS Code start-up (package.json activationEvents has no
 * "*" and no onStartupFinished); activation (bundle load + activate) at most 50 ms; the .vsix at
 * most 1.5 MB; a cold `oli --version` at most 150 ms.
 *
 * Activation is measured outside VS Code (bench/activation-probe.cjs): require() of the
 * dist/extension.js shipped in the .vsix plus activate() with a minimal vscode stub, in a new node
 * process. It is the extension's own cost, not the extension host's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, cliStartupMs, median, round, runNode, BenchError } from './lib/measure';
import type { Figure } from './lib/report';

const PROBE = join(ROOT, 'bench', 'activation-probe.cjs');

export async function benchWeight(log: (s: string) => void = console.log): Promise<Figure[]> {
  log('Extension and CLI weight');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { activationEvents?: string[]; scripts?: Record<string, string> };
  const events = pkg.activationEvents ?? [];
  const atStartup = events.filter((e) => e === '*' || e === 'onStartupFinished');
  const figures: Figure[] = [
    {
      id: 'weight.activationEvents',
      figure: 'Activation events that fire at VS Code start-up',
      value: atStartup.length,
      unit: `(of ${events.length}: ${events.join(', ') || 'none'})`,
      bound: '= 0',
      pass: atStartup.length === 0,
      detail: 'package.json activationEvents: no "*", no onStartupFinished',
      command: 'package.json',
    },
  ];

  // First, before the packaging below loads the machine.
  const startup = await cliStartupMs(15);
  log(`  oli --version ${round(startup.median)} ms (min ${round(startup.min)}); bare node ${round(startup.bareNode)} ms`);
  figures.push({
    id: 'weight.cliStartup',
    figure: 'Cold `oli --version` (new node process)',
    value: round(startup.median),
    unit: 'ms',
    bound: '<= 150',
    pass: startup.median <= 150,
    detail: `median of 15 (min ${round(startup.min)} ms); a bare \`node -e 0\` takes ${round(startup.bareNode)} ms on this machine, interleaved in the same run`,
    command: `node ${CLI.replace(ROOT + '/', '')} --version`,
  });

  const dir = mkdtempSync(join(tmpdir(), 'oli-bench-vsix-'));
  try {
    if (!pkg.scripts?.package) throw new BenchError('missing-build', 'package.json has no "package" script (vsce package)');
    const vsix = join(dir, 'oracle-learning-integrations.vsix');
    log('  npm run package (production build, vsce) ...');
    execFileSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    const bytes = statSync(vsix).size;
    execFileSync('unzip', ['-q', '-o', vsix, 'extension/dist/*', 'extension/package.json', '-d', join(dir, 'x')]);
    const shipped = join(dir, 'x', 'extension', 'dist', 'extension.js');
    const loads: number[] = [];
    const activates: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await runNode([PROBE, shipped], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new BenchError('exit-code', `activation probe exited ${r.code}: ${r.stderr.slice(0, 500)}`);
      const m = JSON.parse(r.stdout) as { loadMs: number; activateMs: number; totalMs: number };
      loads.push(m.loadMs);
      activates.push(m.activateMs);
      totals.push(m.totalMs);
    }
    const activation = median(totals);
    log(`  .vsix ${round(bytes / 1024)} KB; activation ${round(activation, 1)} ms (load ${round(median(loads), 1)} + activate ${round(median(activates), 1)})`);
    figures.push(
      {
        id: 'weight.activation',
        figure: 'Activation: require(dist/extension.js) + activate(), shipped bundle, vscode stub',
        value: round(activation, 1),
        unit: 'ms',
        bound: '<= 50',
        pass: activation <= 50,
        detail: `median of 7 new node processes: load ${round(median(loads), 1)} ms + activate ${round(median(activates), 1)} ms (no folder open); measured outside VS Code with a minimal vscode stub, not in the extension host`,
        command: 'node bench/activation-probe.cjs <vsix>/extension/dist/extension.js',
      },
      {
        id: 'weight.vsix',
        figure: '.vsix size',
        value: round(bytes / (1024 * 1024), 2),
        unit: 'MB',
        bound: '<= 1.5',
        pass: bytes <= 1.5 * 1024 * 1024,
        detail: `${bytes} bytes`,
        command: 'npm run package -- --out <tmp>/oracle-learning-integrations.vsix',
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  return figures;
}

if (require.main === module) {
  benchWeight().then(
    (f) => console.log(JSON.stringify(f, null, 2)),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
