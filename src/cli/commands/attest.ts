import { ExitCode, UsageError } from '../errors';
import { STEP_IDS, type StepId } from '../../core/plan/stepIds';
import type { CliCommand } from './registry';
import { engineFor, formatResults, PLAN_OPTIONS } from './planCommon';

export const attestCommand: CliCommand = {
  name: 'attest',
  summary: 'Record that a person completed a guided step, with evidence',
  help: `Usage: oli attest STEP --note TEXT [--env NAME] [--plan FILE] [--json]

Records who (OLI_ACTOR or your login), when, and the evidence note in
.oracle-learning/<env>.state.json, then re-checks the step: a live check that contradicts the
attestation (e.g. the role does not exist) still wins.`,
  options: { ...PLAN_OPTIONS, note: { type: 'string' } },
  async run(values, positionals, io) {
    const step = positionals[0];
    if (!step || !(STEP_IDS as readonly string[]).includes(step)) throw new UsageError(`Name the step to attest: one of ${STEP_IDS.join(', ')}.`);
    const note = values.note as string | undefined;
    if (!note?.trim()) throw new UsageError('--note TEXT is required: say what you checked and where (the evidence).');
    const { engine } = await engineFor(values, io);
    const r = await engine.attest(step as StepId, note);
    if (values.json) io.stdout(JSON.stringify(r, null, 2) + '\n');
    else io.stdout(formatResults([r], new Map(engine.steps.map((s) => [s.id, s.title]))));
    return r.status === 'attested' ? ExitCode.ok : ExitCode.problem;
  },
};
