import * as vscode from 'vscode';
import type { StepId } from '../core/plan/stepIds';
import { Disposable } from './disposable';

/**
 * Transient UI state, kept apart from the model (vscode-azureresourcegroups' pattern): which steps
 * are being checked or applied right now, with a short description shown instead of the status.
 */
export class RunningSteps extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly running = new Map<string, string>();

  private key(environment: string, step: StepId): string {
    return `${environment}\u0000${step}`;
  }

  get(environment: string, step: StepId): string | undefined {
    return this.running.get(this.key(environment, step));
  }

  isBusy(environment: string): boolean {
    for (const k of this.running.keys()) if (k.startsWith(`${environment}\u0000`)) return true;
    return false;
  }

  /** Marks steps as running until the returned disposable (or `clear`) ends it. */
  start(environment: string, steps: StepId[], description: string): vscode.Disposable {
    for (const s of steps) this.running.set(this.key(environment, s), description);
    this.changed.fire();
    return { dispose: () => this.clear(environment, steps) };
  }

  clear(environment: string, steps: StepId[]): void {
    let any = false;
    for (const s of steps) any = this.running.delete(this.key(environment, s)) || any;
    if (any) this.changed.fire();
  }
}
