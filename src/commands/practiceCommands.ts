import * as vscode from 'vscode';
import type { PracticeStep } from '../sandbox/practice';
import type { StepResult } from '../core/plan/result';
import { isSatisfied } from '../core/plan/stepIds';
import { practicableSteps, verifyPracticeTarget } from '../views/practice';
import { statusLabel } from '../views/statusPresentation';
import { environmentArg, pickStep, requireTrust, stepArg, type CommandDeps } from './deps';
import { CommandPreconditionError, type CommandRegistry } from './registry';
import { loadLocalSandbox } from './sandboxCommands';

export interface PracticeCommandResult {
  step: string;
  /** What was simulated in the sandbox (labelled as such). */
  simulated: string;
  /** The step after the simulation (and the attestation, when one was recorded). */
  result?: StepResult;
}

/** The attestation note a practice action proposes: it says it was a simulation. */
export function practiceNote(simulated: string): string {
  return vscode.l10n.t('Practice on the local sandbox (a simulation of the Oracle UI, not Oracle): {0}', simulated);
}

/**
 * "Do this in the sandbox": performs through the local sandbox's hooks what the administrator does
 * in Oracle's pages for a step, then proposes the attestation (guided steps) or the run (automatic
 * steps). Only for the local sandbox this window started; the gate asks the pod itself first.
 */
export function registerPracticeCommands(registry: CommandRegistry, deps: CommandDeps): void {
  const { model, controller, sandbox } = deps;
  const log = deps.log.for('sandbox');

  // Third argument (tests, other extensions): the attestation note to record without asking, or false to record none.
  registry.add('oli.practiceStep', async (run, arg?: unknown, noteArg?: unknown) => {
    requireTrust(vscode.l10n.t('Do this in the sandbox'));
    const a = stepArg(arg);
    const env = controller.environment(a?.environment ?? environmentArg(arg));
    const { plan, root } = controller.requirePlan();
    const profile = model.profile!;
    const offered = practicableSteps(plan, profile.steps);
    const step = a?.step ?? (await pickStep(deps, (s) => offered.includes(s.id), vscode.l10n.t('Step to practise on the local sandbox (a simulation of the Oracle UI)')));
    const def = profile.steps.find((s) => s.id === step)!;
    if (!offered.includes(step)) throw new CommandPreconditionError('not-available', vscode.l10n.t('"{0}" has nothing to simulate in the sandbox: {1}', def.title, def.automation === 'automatic' ? vscode.l10n.t('run it instead.') : vscode.l10n.t('it does not apply to this plan.')));
    // The gate: the environment is the sandbox this window started (origin, loopback) and the pod says it is the emulator.
    const origin = await verifyPracticeTarget({ environment: env, environmentUrl: plan.environments[env]!.url, record: sandbox.record, signal: run.signal });
    const outcome = await run.withProgress(vscode.l10n.t('Oracle Learning: simulating the Oracle UI in the local sandbox for "{0}" (not Oracle)', def.title), async () => {
      if (step === 'api-authentication') {
        // The tool's own part first (a local test issuer and certificate for the verification call), so the simulation registers it too.
        run.progress(vscode.l10n.t('creating the test issuer for the verification call'));
        await controller.apply('api-authentication', env, { signal: run.signal });
      }
      run.progress(vscode.l10n.t('doing what an administrator does on the Oracle page, through the sandbox\'s hooks'));
      const done = await loadLocalSandbox(deps.context.extensionPath).practiseStep({ origin, step: step as PracticeStep, plan, planDir: root, environment: env });
      run.progress(vscode.l10n.t('reading the status again'));
      await controller.refreshStatus(env, { signal: run.signal });
      return done;
    });
    log.info(`"${def.title}" on ${env}: simulated in the local sandbox (not Oracle): ${outcome.simulated}`);
    const out: PracticeCommandResult = { step, simulated: outcome.simulated };
    const now = model.result(env, step);
    if (def.automation === 'automatic') {
      if (now) out.result = now;
      const runIt = vscode.l10n.t('Run Step');
      void vscode.window
        .showInformationMessage(vscode.l10n.t('Simulated in the local sandbox (not Oracle): {0} Now run "{1}".', outcome.simulated, def.title), runIt)
        .then((c) => c === runIt && vscode.commands.executeCommand('oli.runStep', { step, environment: env }));
      return out;
    }
    if (now && isSatisfied(now.status)) {
      // Attested earlier: the attestation now matches what the pod says.
      out.result = now;
      void vscode.window.showInformationMessage(vscode.l10n.t('Simulated in the local sandbox (not Oracle): {0} "{1}": {2}.', outcome.simulated, def.title, statusLabel(now.status)));
      return out;
    }
    const note =
      noteArg === false
        ? undefined
        : typeof noteArg === 'string' && noteArg.trim()
          ? noteArg
          : await vscode.window.showInputBox({
              ignoreFocusOut: true,
              title: vscode.l10n.t('Attest "{0}" on {1} (practice)', def.title, env),
              prompt: vscode.l10n.t('Simulated in the local sandbox. Press Enter to attest it with this note, as you would after doing it in Oracle; Escape to attest later.'),
              value: practiceNote(outcome.simulated),
              validateInput: (v) => (v.trim().length >= 3 ? undefined : vscode.l10n.t('Write what you checked and where (the evidence).')),
            });
    if (!note) {
      if (now) out.result = now;
      void vscode.window.showInformationMessage(vscode.l10n.t('Simulated in the local sandbox (not Oracle): {0} Attest "{1}" when ready.', outcome.simulated, def.title));
      return out;
    }
    const r = await controller.attest(step, note, env, run);
    out.result = r;
    const text = vscode.l10n.t('{0}: {1}. {2}', def.title, statusLabel(r.status), r.detail);
    if (isSatisfied(r.status)) void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(text);
    return out;
  });
}
