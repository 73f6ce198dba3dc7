import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { runHealth } from '../../src/core/health/health';
import { ROTATION_STAGES, STAGE_TITLES, stageTitle } from '../../src/core/rotation/state';
import { getProfile } from '../../src/core/plan/profiles';
import { loadState, statePath } from '../../src/core/plan/stateStore';
import { probeEnvironment } from '../../src/core/probe/probe';
import { verdictWord, whyToText } from '../../src/core/why/render';
import { runWhy } from '../../src/core/why/why';
import { COURSE, setUpPod, type SetUpPod } from './dayTwo.helpers';

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

  it('a certificate rotation stage reads in the display language (health findings, status bar); the record keeps English', () => {
    for (const stage of ROTATION_STAGES) {
      assert.equal(stageTitle(stage), STAGE_TITLES[stage], `${stage}: the source text without a bundle`);
      assert.equal(bundle[STAGE_TITLES[stage]], STAGE_TITLES[stage], `${stage}: extracted into the bundle`);
    }
    l10n.config({ contents: { 'Verify with a token signed for the new certificate': 'Vérifier avec un jeton signé pour le nouveau certificat' } });
    assert.equal(stageTitle('verify'), 'Vérifier avec un jeton signé pour le nouveau certificat');
    assert.equal(STAGE_TITLES.verify, 'Verify with a token signed for the new certificate');
  });
});

/**
 * The day-two tools (health, why, probe) build their findings through l10n.t too: run against the
 * sandbox over real HTTP with a bundle configured, their texts come out translated, and the
 * extracted bundle holds their keys. The CLI never configures a bundle, so its --json stays English.
 */
describe('day-two findings are localisable (health, why, probe)', function () {
  this.timeout(90_000);
  const bundle = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  let p: SetUpPod;
  const options = async () => ({ plan: p.plan, planDir: p.dir, environment: 'sandbox', credentials: p.credentials, state: await loadState(statePath(p.dir, 'sandbox'), 'sandbox') });
  before(async () => {
    p = await setUpPod();
  });
  after(async () => p?.close());
  afterEach(() => l10n.config({ contents: {} }));

  it('the extracted bundle holds the health, why and probe keys', () => {
    for (const key of [
      'Content sync',
      'Daily schedule {0}; {1}{2}.',
      'Request {0}{1} ended in {2}{3}{4}. {5}',
      '{0}: NOT LANDED. Cause: {1} Next step: {2}',
      'No Oracle user has the {0}: {1} identifies the learner by it, so Oracle cannot match the completion to anyone.',
      'Coursera sends statements at start and at completion only, in batches every 4 hours',
      'Not landed',
      'The pod accepted the administrator {0}.',
      'Sign-in (Basic, administrator)',
      '{0} confirmed, {1} contradicted, {2} refused, {3} not available',
    ]) {
      assert.equal(bundle[key], key, key);
    }
  });

  it('oli health: the findings read in the bundle language; without a bundle, in English', async () => {
    const english = await runHealth(await options());
    const sync = english.findings.find((f) => f.id === 'content-sync')!;
    assert.equal(sync.title, 'Content sync');
    const schedule = english.findings.find((f) => f.id === 'schedule:processLearningExperienceStatements')!;
    assert.match(schedule.message, /^Daily schedule \d+; last run \d+ SUCCEEDED at /);
    l10n.config({
      contents: {
        'Content sync': 'Synchronisation du contenu',
        'Daily schedule {0}; {1}{2}.': 'Planification quotidienne {0} ; {1}{2}.',
        'last run {0} {1} at {2}': 'dernière exécution {0} {1} à {2}',
      },
    });
    const french = await runHealth(await options());
    assert.equal(french.findings.find((f) => f.id === 'content-sync')!.title, 'Synchronisation du contenu');
    const translated = french.findings.find((f) => f.id === 'schedule:processLearningExperienceStatements')!;
    assert.match(translated.message, /^Planification quotidienne \d+ ; dernière exécution \d+ SUCCEEDED à .+\.$/);
    // The ids, levels and areas a machine reads stay the same.
    assert.deepEqual(
      french.findings.map((f) => [f.id, f.area, f.level]),
      english.findings.map((f) => [f.id, f.area, f.level]),
    );
  });

  it('oli why: the timeline, the delivery profile and the verdict read in the bundle language', async () => {
    l10n.config({
      contents: {
        'primary work email {0}': 'adresse e-mail professionnelle {0}',
        'No Oracle user has the {0}: {1} identifies the learner by it, so Oracle cannot match the completion to anyone.': "Aucun utilisateur Oracle n'a l'{0} : {1} identifie l'apprenant par elle.",
        'Learner {0}, {1} course {2}': 'Apprenant {0}, cours {1} {2}',
        '{0}: NOT LANDED. Cause: {1} Next step: {2}': '{0} : NON ARRIVÉ. Cause : {1} Étape suivante : {2}',
        'Coursera sends statements at start and at completion only, in batches every 4 hours': 'Coursera envoie ses relevés au début et à la fin seulement, par lots toutes les 4 heures',
        'Not landed': 'Non arrivé',
      },
    });
    const r = await runWhy({ ...(await options()), learner: 'nobody.here@example.com', content: COURSE.externalContentId });
    const learner = r.links.find((l) => l.id === 'learner')!;
    assert.equal(learner.status, 'broken');
    assert.equal(learner.message, "Aucun utilisateur Oracle n'a l'adresse e-mail professionnelle nobody.here@example.com : Coursera identifie l'apprenant par elle.");
    assert.equal(r.verdict.outcome, 'not-landed');
    assert.ok(r.verdict.text.startsWith(`Apprenant nobody.here@example.com, cours Coursera "${COURSE.title}" (${COURSE.externalContentId}) : NON ARRIVÉ. Cause : Aucun utilisateur`), r.verdict.text);
    assert.match(r.verdict.text, / Étape suivante : Make the learner's primary work email/);
    // The delivery profile is built when asked, so the bundle configured now applies.
    assert.match(r.links.find((l) => l.id === 'delivery')!.message, /^Coursera envoie ses relevés au début et à la fin seulement/);
    assert.equal(verdictWord(r), 'Non arrivé');
    assert.match(whyToText(r), /Verdict: Non arrivé/);
  });

  it('oli probe: the assumptions and the summary read in the bundle language', async () => {
    l10n.config({
      contents: {
        'Sign-in (Basic, administrator)': 'Connexion (Basic, administrateur)',
        'The pod accepted the administrator {0}.': "Le pod a accepté l'administrateur {0}.",
        '{0} confirmed, {1} contradicted, {2} refused, {3} not available': '{0} confirmées, {1} contredites, {2} refusées, {3} non disponibles',
      },
    });
    const r = await probeEnvironment({ plan: p.plan, planDir: p.dir, environment: 'sandbox', credentials: p.credentials });
    const signIn = r.assumptions.find((a) => a.id === 'sign-in')!;
    assert.equal(signIn.outcome, 'confirmed');
    assert.equal(signIn.title, 'Connexion (Basic, administrateur)');
    assert.equal(signIn.detail, `Le pod a accepté l'administrateur ${p.credentials.admin.username}.`);
    assert.equal(r.learned.summary, `${r.summary.confirmed} confirmées, ${r.summary.contradicted} contredites, ${r.summary.refused} refusées, ${r.summary['not-available']} non disponibles`);
    // A finding the bundle does not translate stays in the source language.
    assert.equal(r.assumptions.find((a) => a.id === 'scim.filter.userName')!.detail, 'Users are found by user name (ListResponse with Resources).');
  });
});
