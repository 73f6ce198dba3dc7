import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors';
import { updateState } from '../../core/plan/stateStore';
import { abandonRotation, attestStage, nextSteps, startRotation, updatePlanCertificate, verifyRotation } from '../../core/rotation/rotation';
import { rotationToText } from '../../core/rotation/render';
import type { CliCommand } from './registry';
import { actorName, PLAN_OPTIONS, sessionFor, TIMEOUT_HELP } from './planCommon';

const STAGES = ['status', 'registered', 'verify', 'update-plan', 'old-removed', 'abandon'] as const;

export const rotateCertCommand: CliCommand = {
  name: 'rotate-cert',
  summary: "Rotate the provider's inbound certificate, guided: inspect, register, verify, update the plan, remove the old",
  help: `Usage: oli rotate-cert --new FILE [--alias NAME] [--old-alias NAME] [--env NAME] [--plan FILE]
       oli rotate-cert [status | registered --note TEXT | verify (--token FILE | --note TEXT) | update-plan | old-removed --note TEXT | abandon --note TEXT]

Oracle's API Authentication keeps several inbound certificates per trusted issuer, each under its
own alias: the provider's new certificate is registered next to the old one, then the old one is
removed once the provider signs with the new key. Stages, each recorded with its evidence in
.oracle-learning/<env>.state.json (and in oli report):
  1. --new FILE      inspects the new certificate (RSA for RS256, validity, not the one in use)
  2. registered      you added it in the Security Console under a new alias (no API: attested)
  3. verify          a token the provider signed with the new key is checked offline, then sent to
                     the pod once (200 proves the registration; the token is never stored); or
                     --note to record what the provider confirmed when it cannot send a token
  4. update-plan     the plan names the new certificate (this environment's own when the plan has several)
  5. old-removed     you removed the old alias once the provider uses the new key (attested)
Without a stage: where the rotation stands and what to do next. Exit 0 when the stage is done,
1 when the verification failed, 2 on a usage error or a stage out of order.
${TIMEOUT_HELP}`,
  options: { ...PLAN_OPTIONS, new: { type: 'string' }, alias: { type: 'string' }, 'old-alias': { type: 'string' }, note: { type: 'string' }, token: { type: 'string' } },
  async run(values, positionals, io) {
    const stage = (positionals[0] ?? 'status') as (typeof STAGES)[number];
    if (!STAGES.includes(stage) || positionals.length > 1) throw new UsageError(`Unknown stage "${positionals.join(' ')}": use ${STAGES.join(', ')} (or --new FILE to start).`);
    if (values.new && stage !== 'status') throw new UsageError('--new FILE starts a rotation; give it without a stage.');
    const { loaded, options, statePath } = await sessionFor(values, io);
    const state = options.state;
    const historyBefore = state.history.length;
    const actor = actorName(io);
    const note = (values.note as string | undefined) ?? '';
    let verdict: number = ExitCode.ok;
    let message: string | undefined;
    if (values.new) {
      await startRotation({
        plan: loaded.plan,
        planDir: loaded.planDir,
        environment: loaded.environment,
        state,
        newFile: resolve(io.cwd, values.new as string),
        actor,
        ...(values.alias ? { newAlias: values.alias as string } : {}),
        ...(values['old-alias'] ? { oldAlias: values['old-alias'] as string } : {}),
      });
    } else if (stage === 'registered') attestStage(state, 'register', note, actor);
    else if (stage === 'old-removed') attestStage(state, 'remove-old', note, actor);
    else if (stage === 'abandon') abandonRotation(state, note, actor);
    else if (stage === 'update-plan') await updatePlanCertificate({ planPath: loaded.planPath, planDir: loaded.planDir, environment: loaded.environment, state, actor });
    else if (stage === 'verify') {
      let token: string | undefined;
      if (values.token) {
        const path = resolve(io.cwd, values.token as string);
        if ((await stat(path).catch(() => undefined))?.isFile() !== true) throw new UsageError(`Cannot read the token file ${values.token as string}.`);
        token = (await readFile(path, 'utf8')).trim();
      }
      const result = await verifyRotation({ ...options, ...(token ? { token } : {}), ...(note ? { note } : {}), actor });
      message = result.message;
      if (!result.ok) verdict = ExitCode.problem;
    }
    // The rotation and its new history entries, under the state file's lock, on top of what another command saved meanwhile.
    const added = state.history.slice(historyBefore);
    if (added.length)
      await updateState(
        statePath,
        loaded.environment,
        (s) => {
          if (state.rotation) s.rotation = state.rotation;
          s.history.push(...added);
        },
        { owner: `oli rotate-cert (process ${process.pid})` },
      );
    const rotation = state.rotation;
    if (values.json) io.stdout(JSON.stringify({ environment: loaded.environment, rotation: rotation ?? null, ...(message ? { result: message } : {}), next: rotation ? nextSteps(rotation, loaded.plan) : [] }, null, 2) + '\n');
    else {
      if (message) io.stdout(`${verdict === ExitCode.ok ? '✔' : '✖'} ${message}\n\n`);
      io.stdout(rotation ? rotationToText(rotation, loaded.plan, loaded.environment) : `No certificate rotation on ${loaded.environment}. Start one with: oli rotate-cert --new FILE\n`);
    }
    return verdict;
  },
};
