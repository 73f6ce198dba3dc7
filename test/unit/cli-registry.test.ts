import { strict as assert } from 'node:assert';
import { stdinFrom } from './helpers/cli';
import { COMMANDS } from '../../src/cli/commands/registry';
import { runCli } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t), ...stdinFrom(''), env: {}, cwd: process.cwd(), signal: new AbortController().signal },
    out: () => out,
    err: () => err,
  };
}

describe('CLI registry (commands loaded on demand)', () => {
  it('each entry loads the command it names, with the same summary', async () => {
    assert.ok(COMMANDS.length >= 9);
    assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length, 'command names are unique');
    for (const entry of COMMANDS) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, `summary of ${entry.name} in registry.ts differs from the command's own`);
      assert.equal(typeof command.run, 'function');
    }
  });

  it('help lists every command from the registry; a command help loads it', async () => {
    const list = capture();
    assert.equal(await runCli(['--help'], list.io), 0);
    for (const c of COMMANDS) assert.match(list.out(), new RegExp(`^  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    const one = capture();
    assert.equal(await runCli(['status', '--help'], one.io), 0);
    assert.match(one.out(), /^Usage: oli status/);
  });

  it('a command whose code cannot be loaded fails with a usage exit code and says how to fix it', async () => {
    const entry = { name: 'broken-bench-test', summary: 'x', load: () => Promise.reject(new Error("Cannot find module './cli/broken.js'")) };
    COMMANDS.push(entry);
    try {
      const t = capture();
      assert.equal(await runCli(['broken-bench-test'], t.io), 2);
      assert.match(t.err(), /cannot load the 'broken-bench-test' command \(Cannot find module '\.\/cli\/broken\.js'\).*npm run build/);
    } finally {
      COMMANDS.splice(COMMANDS.indexOf(entry), 1);
    }
  });
});
