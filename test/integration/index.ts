// extensionTestsPath module (VS Code loads it inside the extension host and awaits run()).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.OLI_E2E_GREP;
  if (grep) mocha.grep(grep);
  // The Restricted Mode suite (*.trust.test.js) runs alone, in a code-server whose workspace is not trusted.
  const restricted = process.env.OLI_E2E_RESTRICTED === '1';
  for (const f of readdirSync(__dirname).sort()) if (f.endsWith('.test.js') && f.endsWith('.trust.test.js') === restricted) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
  });
}
