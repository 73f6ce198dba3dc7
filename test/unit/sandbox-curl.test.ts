import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

describe('documented request bodies sent with curl', function () {
  this.timeout(120_000);
  it('get the documented responses from the sandbox (test/sandbox-curl.sh)', function () {
    if (!existsSync('dist/cli.js')) this.skip();
    const r = spawnSync('bash', ['test/sandbox-curl.sh'], { encoding: 'utf8', timeout: 110_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /passed: \d+, failed: 0/);
  });
});
