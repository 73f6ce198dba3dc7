import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { getProfile } from '../../src/core/plan/profiles';

/**
 * Issue 13, point 8: the core's messages (step titles, guidance, details) go through @vscode/l10n,
 * configured by the extension from VS Code's bundle for the UI language; the source-language bundle
 * (l10n/bundle.l10n.json) is extracted by @vscode/l10n-dev and holds them.
 */
describe('core messages are localisable (@vscode/l10n)', () => {
  const bundle = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  afterEach(() => l10n.config({ contents: {} }));

  it('the extracted bundle holds the core strings, placeholders included', () => {
    for (const key of ['Active {0} account', 'Could not check: {0}', 'Learner identity mapping', 'Job role with only the Learning Content Provider duty']) {
      assert.equal(bundle[key], key, key);
    }
  });

  it('without a bundle the messages stay as written; with one, the steps read in its language', () => {
    const english = getProfile('coursera', 'jwt').steps.find((s) => s.id === 'provider-account')!;
    assert.equal(english.title, 'Active Coursera account');
    l10n.config({ contents: { 'Active {0} account': 'Compte {0} actif', 'Learner identity mapping': "Correspondance de l'identité des apprenants" } });
    const french = getProfile('coursera', 'jwt').steps;
    assert.equal(french.find((s) => s.id === 'provider-account')!.title, 'Compte Coursera actif');
    assert.equal(french.find((s) => s.id === 'learner-identity')!.title, "Correspondance de l'identité des apprenants");
    // A string the bundle does not translate stays in the source language.
    assert.equal(french.find((s) => s.id === 'job-role')!.title, 'Job role with only the Learning Content Provider duty');
  });
});
