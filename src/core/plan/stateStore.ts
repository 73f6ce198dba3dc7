import { z } from 'zod';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { STEP_IDS } from './stepIds';
import { attestationSchema, stepResultSchema, type Attestation, type StepResult } from './result';
import { learnedSchema } from './learned';
import { healthReportSchema } from '../health/report';
import { rotationSchema } from '../rotation/state';

export const STATE_DIR = '.oracle-learning';

const historyEntrySchema = z.strictObject({
  // status, apply...: the engine; health, why: oli health / oli why (and VS Code); rotation: a stage of oli rotate-cert.
  at: z.string(),
  action: z.enum(['status', 'apply', 'attest', 'unattest', 'dry-run', 'probe', 'health', 'why', 'rotation']),
  step: z.enum(STEP_IDS).optional(),
  status: z.string().optional(),
  by: z.string().optional(),
  requests: z.number().int().nonnegative().optional(),
  detail: z.string().optional(),
  /** health and why: the level or verdict of the run (ok, warning, error, landed, not-landed...). */
  outcome: z.string().optional(),
  /** Where it ran: cli or vscode (health, why and rotation record it). */
  source: z.enum(['cli', 'vscode']).optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const environmentStateSchema = z.strictObject({
  version: z.literal(1),
  environment: z.string(),
  attestations: z.partialRecord(z.enum(STEP_IDS), attestationSchema),
  lastResults: z.partialRecord(z.enum(STEP_IDS), stepResultSchema),
  history: z.array(historyEntrySchema),
  /** What `oli probe` confirmed on the pod (issue 10); later status and apply use it. */
  probe: learnedSchema.optional(),
  /** The last `oli health` (issue 14): the VS Code tree shows it. */
  health: healthReportSchema.optional(),
  /** The certificate rotation in progress, or the last one (issue 14), stage by stage with its evidence. */
  rotation: rotationSchema.optional(),
});
/** Per-environment state: attestations, last results, history. Never secrets. */
export type EnvironmentState = z.infer<typeof environmentStateSchema>;

const MAX_HISTORY = 500;

export function emptyState(environment: string): EnvironmentState {
  return { version: 1, environment, attestations: {}, lastResults: {}, history: [] };
}

export function statePath(workspaceRoot: string, environment: string): string {
  return join(workspaceRoot, STATE_DIR, `${environment}.state.json`);
}

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
  readonly exitCode = 2;
}

/** Largest state file read (history is capped at 500 entries: a state file stays well under 1 MB). */
const MAX_STATE_BYTES = 10 * 1024 * 1024;

export async function loadState(path: string, environment: string): Promise<EnvironmentState> {
  let text: string;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_STATE_BYTES) throw new StateFileError(`${path} is larger than 10 MB, which no state file of this tool reaches. Move it aside to start over (attestations in it will be lost).`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof StateFileError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(environment);
    throw new StateFileError(`Cannot read ${path}: ${(err as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StateFileError(`${path} is not valid JSON. Delete it to start over (attestations in it will be lost).`);
  }
  const parsed = environmentStateSchema.safeParse(json);
  if (!parsed.success) throw new StateFileError(`${path} is not a valid state file (${parsed.error.issues[0]?.message}). Delete it to start over.`);
  return parsed.data;
}

/**
 * Writes atomically (temp file + rename). The temp name is unique per write, so two saves at once
 * (two operations in one VS Code window, or two `oli` runs) never rename each other's file.
 */
export async function saveState(path: string, state: EnvironmentState): Promise<void> {
  const trimmed = { ...state, history: state.history.slice(-MAX_HISTORY) };
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(trimmed, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
}

export function recordResults(state: EnvironmentState, results: StepResult[], action: HistoryEntry['action'], requests?: number, source?: HistoryEntry['source']): void {
  const at = new Date().toISOString();
  for (const r of results) {
    state.lastResults[r.id] = r;
  }
  state.history.push({ at, action, ...(requests !== undefined ? { requests } : {}), ...(source ? { source } : {}), detail: results.map((r) => `${r.id}=${r.status}`).join(' ') });
}

export function attestStep(state: EnvironmentState, step: (typeof STEP_IDS)[number], attestation: Attestation): void {
  state.attestations[step] = attestation;
  state.history.push({ at: attestation.at, action: 'attest', step, by: attestation.by, detail: attestation.note });
}
