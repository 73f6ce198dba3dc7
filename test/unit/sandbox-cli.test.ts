import { strict as assert } from 'node:assert';
import { stdinFrom } from './helpers/cli';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/errors';
import type { CliIO } from '../../src/cli/io';
import { runCli } from '../../src/cli/main';
import { sandboxOptionsFromArgs } from '../../src/cli/commands/sandbox';

function testIO() {
  const controller = new AbortController();
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    ...stdinFrom(''),
    env: {},
    cwd: process.cwd(),
    signal: controller.signal,
  };
  return { io, controller, out: () => out, err: () => err };
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('oli sandbox', () => {
  it('validates flags with one-line usage errors', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ port: '70000' }, /--port must be from 0 to 65535/],
      [{ port: 'abc' }, /--port must be a whole number/],
      [{ users: '200001' }, /--users must be from 0 to 200000/],
      [{ 'fault-rate': '1.5' }, /--fault-rate must be a number from 0 to 1/],
      [{ 'fault-rate': '-0.1' }, /--fault-rate/],
      [{ latency: '60001' }, /--latency must be from 0 to 60000/],
      [{ 'fault-seed': 'x' }, /--fault-seed must be a whole number/],
    ];
    for (const [values, re] of bad) {
      assert.throws(() => sandboxOptionsFromArgs(values), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'), JSON.stringify(values));
    }
    assert.deepEqual(sandboxOptionsFromArgs({ port: '0', users: '100000', 'fault-rate': '0.25', latency: '0', 'fault-seed': '-3', state: 's.json' }), {
      port: 0, adminUser: 'admin.sandbox', users: 100000, faultRate: 0.25, latencyMs: 0, faultSeed: -3, statePath: 's.json',
    });
  });

  it('a bad flag exits 2 with one line on stderr', async () => {
    const t = testIO();
    assert.equal(await runCli(['sandbox', '--users', 'many'], t.io), 2);
    assert.equal(t.err().trim().split('\n').length, 1);
    assert.match(t.err(), /--users/);
  });

  it('serves, prints URL, admin user, generated password and the emulator notice; Ctrl+C stops and saves state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oli-sandbox-cli-'));
    try {
      const statePath = join(dir, 'state.json');
      const t = testIO();
      const done = runCli(['sandbox', '--port', '0', '--users', '10', '--state', statePath], t.io);
      await until(() => t.out().includes('Press Ctrl+C'));
      const m = /Oracle pod sandbox listening on (http:\/\/127\.0\.0\.1:\d+) \(admin user: admin\.sandbox, password: (\S+)\)/.exec(t.out());
      assert.ok(m, t.out());
      assert.match(t.out(), /emulator, not Oracle.*\[STAND-IN\]/);
      const res = await fetch(`${m[1]}/hcmRestApi/scim/Users?count=1`, { headers: { authorization: `Basic ${Buffer.from(`admin.sandbox:${m[2]}`).toString('base64')}` } });
      assert.equal(res.status, 200, 'the printed password works');
      t.controller.abort();
      assert.equal(await done, 0);
      assert.ok(existsSync(statePath), 'state saved on stop');
      assert.match(t.out(), /Sandbox stopped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not print a password it was given', async () => {
    const t = testIO();
    const done = runCli(['sandbox', '--port', '0', '--users', '0', '--admin-password', 'given-pw-123'], t.io);
    await until(() => t.out().includes('Press Ctrl+C'));
    assert.match(t.out(), /\(admin user: admin\.sandbox\)/);
    assert.ok(!t.out().includes('given-pw-123'));
    t.controller.abort();
    assert.equal(await done, 0);
  });

  it('reports a port in use as a usage error', async () => {
    const first = testIO();
    const running = runCli(['sandbox', '--port', '0', '--users', '0'], first.io);
    await until(() => first.out().includes('Press Ctrl+C'));
    const port = /127\.0\.0\.1:(\d+)/.exec(first.out())![1]!;
    const second = testIO();
    assert.equal(await runCli(['sandbox', '--port', port], second.io), 2);
    assert.match(second.err(), /already in use/);
    first.controller.abort();
    await running;
  });

  it('--variant takes names, comma lists and repeats; an unknown name is a one-line usage error listing the valid ones', async () => {
    assert.deepEqual(sandboxOptionsFromArgs({ variant: ['scim-no-or,camel-case-fields', 'ess-recur-parent'] }).variants, ['camel-case-fields', 'ess-recur-parent', 'scim-no-or']);
    assert.equal(sandboxOptionsFromArgs({}).variants, undefined);
    const t = testIO();
    assert.equal(await runCli(['sandbox', '--port', '0', '--variant', 'camel-case', '--users', '0'], t.io), 2);
    assert.equal(t.err().trim().split('\n').length, 1);
    assert.match(t.err(), /Unknown sandbox variant 'camel-case'\. Valid variants: camel-case-fields, unexpected-fields, .*admin-provider-duty/);
  });

  it('prints the variants and the administrator\'s roles in the banner and serves that pod', async () => {
    const t = testIO();
    const done = runCli(['sandbox', '--port', '0', '--users', '3', '--admin-password', 'given-pw-123', '--variant', 'admin-security-only,scim-no-or'], t.io);
    await until(() => t.out().includes('Press Ctrl+C'));
    assert.match(t.out(), /Variants: scim-no-or, admin-security-only .*the administrator holds ORA_FND_IT_SECURITY_MANAGER_JOB\./);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(t.out())![1]!;
    assert.deepEqual((await (await fetch(`${url}/__sandbox/info`)).json()).variants, ['scim-no-or', 'admin-security-only']);
    const auth = { authorization: `Basic ${Buffer.from('admin.sandbox:given-pw-123').toString('base64')}` };
    assert.equal((await fetch(`${url}/ess/rest/scheduler/v1/requests`, { headers: auth })).status, 403);
    t.controller.abort();
    assert.equal(await done, 0);
  });

  it('help lists every variant', async () => {
    const t = testIO();
    await runCli(['sandbox', '--help'], t.io);
    for (const v of ['camel-case-fields', 'unexpected-fields', 'ess-recur-parent', 'ess-no-request-type', 'ess-strict-query', 'scim-no-email-filter', 'scim-no-or', 'scim-short-filter', 'no-self-paced-api', 'admin-security-only', 'admin-provider-duty']) {
      assert.ok(t.out().includes(v), v);
    }
  });
});
