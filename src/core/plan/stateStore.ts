import * as z from 'zod';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { writeFileAtomic } from '../io/writeAtomic';
import { STEP_IDS } from './stepIds';
import { attestationSchema, stepResultSchema, type Attestation, type StepResult } from './result';
import { learnedSchema } from './learned';
import { healthReportSchema } from '../health/report';
import { rotationSchema } from '../rotation/state';

export const STATE_DIR = '.oracle-learning';

/** One request of a history entry: method, path and query (filter values as placeholders), answer status, time. */
const historyCallSchema = z.lazy(() =>
  z.strictObject({
    request: z.string().max(2000),
    status: z.number().int().optional(),
    ms: z.number().nonnegative(),
    attempt: z.number().int().optional(),
    error: z.string().max(200).optional(),
  }),
);
export type HistoryCall = z.infer<typeof historyCallSchema>;

/** Actions recorded in the history (status, apply...: the engine; health, why: oli health / oli why and VS Code; rotation: a stage of oli rotate-cert). */
export const HISTORY_ACTIONS = ['status', 'apply', 'attest', 'unattest', 'dry-run', 'probe', 'health', 'why', 'rotation'] as const;

const historyEntrySchema = z.lazy(() => z.strictObject({
  at: z.string(),
  action: z.enum(HISTORY_ACTIONS),
  step: z.enum(STEP_IDS).optional(),
  status: z.string().optional(),
  /** Who ran it (the attesting person, the user running the CLI or VS Code). */
  by: z.string().optional(),
  /** From where: the CLI or VS Code (absent in entries older than issue 13). */
  via: z.enum(['cli', 'vscode']).optional(),
  requests: z.number().int().nonnegative().optional(),
  detail: z.string().optional(),
  /** The requests it made, redacted (at most 60; `callsDropped` counts the others). */
  calls: z.array(historyCallSchema).optional(),
  callsDropped: z.number().int().nonnegative().optional(),
  /** health and why: the level or verdict of the run (ok, warning, error, landed, not-landed...). */
  outcome: z.string().optional(),
}));
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** Failed sign-ins in a row of one credential (by user and pod; never the secret), reset by a success. */
const signInRecordSchema = z.lazy(() => z.strictObject({ refusedInARow: z.number().int().nonnegative(), lastRefusedAt: z.string() }));
export type SignInRecord = z.infer<typeof signInRecordSchema>;

export const environmentStateSchema = z.lazy(() => z.strictObject({
  version: z.literal(1),
  environment: z.string(),
  attestations: z.partialRecord(z.enum(STEP_IDS), attestationSchema),
  lastResults: z.partialRecord(z.enum(STEP_IDS), stepResultSchema),
  history: z.array(historyEntrySchema),
  /** What `oli probe` confirmed on the pod (issue 10); later status and apply use it. */
  probe: learnedSchema.optional(),
  signIns: z.record(z.string(), signInRecordSchema).optional(),
  /** The last `oli health` (issue 14): the VS Code tree shows it. */
  health: healthReportSchema.optional(),
  /** The certificate rotation in progress, or the last one (issue 14), stage by stage with its evidence. */
  rotation: rotationSchema.optional(),
}));
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
 * Writes the whole state atomically. Only for a new file or a test: a command updates the state
 * with `updateState`, which re-reads it under the lock so that nothing another writer saved is lost.
 */
export async function saveState(path: string, state: EnvironmentState): Promise<void> {
  const trimmed = { ...state, history: state.history.slice(-MAX_HISTORY) };
  await writeFileAtomic(path, JSON.stringify(trimmed, null, 2) + '\n');
}

/** What a lock file holds: who took it and when (no secret). */
const lockSchema = z.lazy(() => z.looseObject({ owner: z.string(), pid: z.number().int(), host: z.string(), since: z.string(), token: z.string() }));
type LockInfo = z.infer<typeof lockSchema>;

export interface StateLockOptions {
  /** Who takes the lock, shown to a writer that has to wait (e.g. "oli attest", "VS Code"). */
  owner?: string;
  /** A lock older than this is stale (its holder died without removing it), default 30 s; an update holds it for milliseconds. */
  staleMs?: number;
  /** How long to wait for another writer, default 15 s. */
  waitMs?: number;
}

export class StateLockError extends StateFileError {}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(lockPath: string): Promise<{ info?: LockInfo; ageMs: number } | undefined> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    let info: LockInfo | undefined;
    try {
      const parsed = lockSchema.safeParse(JSON.parse(text));
      if (parsed.success) info = parsed.data;
    } catch {
      /* being written, or garbage */
    }
    const since = info ? Date.parse(info.since) : NaN;
    return { ...(info ? { info } : {}), ageMs: Date.now() - (Number.isNaN(since) ? st.mtimeMs : since) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function staleReason(lock: { info?: LockInfo; ageMs: number }, staleMs: number): string | undefined {
  if (lock.info && lock.info.host === hostname() && lock.info.pid !== process.pid && !processAlive(lock.info.pid)) return `its process ${lock.info.pid} has ended`;
  if (lock.ageMs > staleMs) return `it is ${Math.round(lock.ageMs / 1000)} s old`;
  return undefined;
}

/**
 * Runs `work` holding `<path>.lock`, a lock file created exclusively with its owner, process, host
 * and time. A writer that finds it waits (polling) for it to go; a stale lock (its process ended,
 * or older than `staleMs`) is moved aside and taken over.
 */
export async function withStateLock<T>(path: string, work: () => Promise<T>, o: StateLockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const staleMs = o.staleMs ?? LOCK_STALE_MS;
  const deadline = Date.now() + (o.waitMs ?? LOCK_WAIT_MS);
  const mine: LockInfo = { owner: o.owner ?? 'oli', pid: process.pid, host: hostname(), since: '', token: randomBytes(8).toString('hex') };
  await mkdir(dirname(path), { recursive: true });
  for (let round = 0; ; round++) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        mine.since = new Date().toISOString();
        await handle.writeFile(JSON.stringify(mine) + '\n', 'utf8');
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateLockError(`Cannot lock ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Check that the folder is writable.`);
    }
    const held = await readLock(lockPath);
    if (!held) continue;
    const stale = staleReason(held, staleMs);
    if (stale) {
      // Moved aside under a unique name: of two writers recovering it at once, one wins the rename.
      const aside = `${lockPath}.${mine.token}.stale`;
      try {
        await rename(lockPath, aside);
        const moved = await readLock(aside);
        if (moved && moved.info?.token !== held.info?.token && !staleReason(moved, staleMs)) {
          // A fresh lock was taken between our read and the rename: give it back.
          await rename(aside, lockPath).catch(() => undefined);
        } else await unlink(aside).catch(() => undefined);
      } catch {
        /* someone else recovered it */
      }
      continue;
    }
    if (Date.now() > deadline) {
      const who = held.info ? `${held.info.owner} (process ${held.info.pid} on ${held.info.host}, since ${held.info.since})` : 'another writer';
      throw new StateLockError(`${path} is being updated by ${who}. Wait for it to finish and run this again; if no such process runs, delete ${lockPath}.`);
    }
    await new Promise((r) => setTimeout(r, Math.min(200, 10 + round * 5) + Math.random() * 20));
  }
  try {
    return await work();
  } finally {
    const now = await readLock(lockPath).catch(() => undefined);
    // Only our own lock is removed (a writer that judged ours stale may hold the file now).
    if (now?.info?.token === mine.token) await unlink(lockPath).catch(() => undefined);
  }
}

/**
 * Updates an environment's state under its lock: re-reads the file, applies `change`, writes it
 * atomically. Attestations, results and history written meanwhile by another command (the CLI,
 * VS Code, another window) are kept: each writer adds its own change to what is on disk.
 */
export async function updateState(path: string, environment: string, change: (state: EnvironmentState) => void, o: StateLockOptions = {}): Promise<EnvironmentState> {
  return withStateLock(
    path,
    async () => {
      const state = await loadState(path, environment);
      change(state);
      state.history = state.history.slice(-MAX_HISTORY);
      await saveState(path, state);
      return state;
    },
    o,
  );
}

/** Who ran an operation, from where, and the requests it made (for its history entry). */
export interface HistoryExtra {
  by?: string;
  via?: 'cli' | 'vscode';
  calls?: HistoryCall[];
  callsDropped?: number;
}

function extra(x: HistoryExtra): HistoryExtra {
  return {
    ...(x.by ? { by: x.by } : {}),
    ...(x.via ? { via: x.via } : {}),
    ...(x.calls?.length ? { calls: x.calls } : {}),
    ...(x.callsDropped ? { callsDropped: x.callsDropped } : {}),
  };
}

export function recordResults(state: EnvironmentState, results: StepResult[], action: HistoryEntry['action'], requests?: number, x: HistoryExtra = {}): void {
  const at = new Date().toISOString();
  for (const r of results) {
    state.lastResults[r.id] = r;
  }
  state.history.push({ at, action, ...(requests !== undefined ? { requests } : {}), detail: results.map((r) => `${r.id}=${r.status}`).join(' '), ...extra(x) });
}

export function attestStep(state: EnvironmentState, step: (typeof STEP_IDS)[number], attestation: Attestation, x: HistoryExtra = {}): void {
  state.attestations[step] = attestation;
  state.history.push({ at: attestation.at, action: 'attest', step, by: attestation.by, detail: attestation.note, ...extra({ ...x, by: attestation.by }) });
}

/** Appends an entry of another action (dry run, probe, health...). */
export function recordHistory(state: EnvironmentState, entry: Omit<HistoryEntry, 'at' | 'by' | 'via' | 'calls' | 'callsDropped'> & { at?: string }, x: HistoryExtra = {}): void {
  state.history.push({ ...entry, at: entry.at ?? new Date().toISOString(), ...extra(x) });
}
