import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxProcessConfig, SandboxProcessMessage } from '../commands/localSandbox';
import { Disposable } from './disposable';
import type { ComponentLog } from './logger';
import { isLoopbackUrl, localSandboxRecordSchema, practiceOrigin, sandboxInfoAnswerSchema, type LocalSandboxRecord } from './practice';

/** The environment "Start Local Sandbox" adds to the plan. */
export const SANDBOX_ENVIRONMENT = 'sandbox';
/**
 * The URL the plan keeps for it: stable, so starting the sandbox never rewrites the plan (which a
 * user may commit). It is also `oli sandbox`'s default port. When that port is taken, the sandbox
 * runs on another one, remembered in workspace state, and the extension resolves the environment
 * to it (IntegrationModel's URL override).
 */
export const SANDBOX_PLAN_URL = 'http://127.0.0.1:8642';
const SANDBOX_DEFAULT_PORT = 8642;

const RECORD_KEY = 'oli.localSandbox';
/** The sandbox stops by itself once no window has touched the heartbeat file for this long (VS Code closed). */
export const SANDBOX_IDLE_MS = 15 * 60_000;
const HEARTBEAT_EVERY_MS = 30_000;

export class LocalSandboxError extends Error {
  override readonly name = 'LocalSandboxError';
  constructor(
    readonly reason: 'no-storage' | 'not-built' | 'start-failed' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

export interface StartedSandbox {
  url: string;
  adminUser: string;
  adminPassword: string;
}

/** GET /__sandbox/info with a short timeout; undefined when nothing (or something else) answers. */
export async function probeSandbox(url: string, timeoutMs = 1500): Promise<{ pid: number } | undefined> {
  try {
    const res = await fetch(`${url}/__sandbox/info`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!res.ok) return undefined;
    const info = sandboxInfoAnswerSchema.safeParse(await res.json());
    return info.success ? { pid: info.data.pid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local sandbox this workspace's extension started: a separate process (dist/sandbox.js run
 * with OLI_LOCAL_SANDBOX_PROCESS=1), detached so it outlives a window reload. Its port and process
 * id are remembered in workspace state; a new extension host reattaches when the process still
 * answers GET /__sandbox/info with that id. The extension touches a heartbeat file while a window
 * uses it; the process stops by itself once the heartbeat is stale (VS Code was closed).
 */
export class LocalSandboxSession extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private live = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly storageDir: string | undefined,
    private readonly extensionPath: string,
    private readonly log: ComponentLog,
  ) {
    super();
    this.register({ dispose: () => this.heartbeat && clearInterval(this.heartbeat) });
  }

  /** The last sandbox started from this workspace (kept after it stopped, for its port). */
  get record(): LocalSandboxRecord | undefined {
    const parsed = localSandboxRecordSchema.safeParse(this.memento.get(RECORD_KEY));
    return parsed.success ? parsed.data : undefined;
  }

  /** True while the recorded process answers as the sandbox emulator (checked at start, attach and probe). */
  get running(): boolean {
    return this.live && !!this.record;
  }

  /** The live URL of the running sandbox. */
  get url(): string | undefined {
    return this.running ? this.record!.url : undefined;
  }

  /** Whether an environment of the plan is the local sandbox (running or not). */
  isSandboxEnvironment(environment: string, planUrl: string | undefined): boolean {
    if (!planUrl || !isLoopbackUrl(planUrl)) return false;
    return environment === (this.record?.environment ?? SANDBOX_ENVIRONMENT);
  }

  /** The local sandbox environment whose process is not running (the tree says so and offers Start). */
  isStopped(environment: string, planUrl: string | undefined): boolean {
    return this.isSandboxEnvironment(environment, planUrl) && !this.running;
  }

  /**
   * Whether practice actions are offered for an environment: the sandbox this window started is
   * running (it answered as the emulator with its process id) and the environment's live URL is its
   * origin. The command checks again, asking the pod, before it acts.
   */
  offersPractice(environment: string, liveUrl: string | undefined): boolean {
    if (!liveUrl || !this.running) return false;
    try {
      practiceOrigin(environment, liveUrl, this.record);
      return true;
    } catch {
      return false;
    }
  }

  private paths(): { dir: string; state: string; heartbeat: string; log: string } {
    if (!this.storageDir) throw new LocalSandboxError('no-storage', vscode.l10n.t('Open a folder first: the local sandbox keeps its data in the workspace storage.'));
    const dir = join(this.storageDir, 'local-sandbox');
    return { dir, state: join(dir, 'pod-state.json'), heartbeat: join(dir, 'heartbeat'), log: join(dir, 'sandbox.log') };
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    if (live) this.beat();
    else if (this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
    this.changed.fire();
  }

  private beat(): void {
    const touch = () => {
      try {
        const { dir, heartbeat } = this.paths();
        mkdirSync(dir, { recursive: true });
        const now = new Date();
        if (existsSync(heartbeat)) utimesSync(heartbeat, now, now);
        else writeFileSync(heartbeat, '');
      } catch (err) {
        this.log.warn(`local sandbox heartbeat: ${(err as Error).message}`);
      }
    };
    touch();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(touch, HEARTBEAT_EVERY_MS);
    this.heartbeat.unref?.();
  }

  /** Re-checks that the recorded process still answers (after a reload, or after a connection failure). */
  async probe(): Promise<boolean> {
    const r = this.record;
    const info = r ? await probeSandbox(r.url) : undefined;
    const alive = !!r && info?.pid === r.pid;
    this.setLive(alive);
    return alive;
  }

  /** At activation: reattach to the sandbox a previous window started, if it still runs. */
  async attach(): Promise<boolean> {
    if (!this.record) return false;
    const alive = await this.probe();
    this.log.info(alive ? `reattached to the local sandbox on ${this.record.url} (process ${this.record.pid})` : `the local sandbox last started on ${this.record.url} is not running`);
    return alive;
  }

  /** Starts the sandbox process (on the remembered port when free) and records it. */
  async start(o: { signal?: AbortSignal; idleMs?: number } = {}): Promise<StartedSandbox> {
    const paths = this.paths();
    const script = join(this.extensionPath, 'dist', 'sandbox.js');
    if (!existsSync(script)) throw new LocalSandboxError('not-built', vscode.l10n.t('The local sandbox is not part of this build ({0} is missing). Rebuild with "npm run build".', script));
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.heartbeat, '');
    const adminPassword = randomBytes(18).toString('base64url');
    const remembered = this.record?.port;
    const ports = [...new Set([remembered ?? SANDBOX_DEFAULT_PORT, SANDBOX_DEFAULT_PORT, 0])];
    const out = openSync(paths.log, 'a');
    let ready: Extract<SandboxProcessMessage, { type: 'ready' }>;
    try {
      // The extension host's own runtime (Node, or Electron acting as Node), without its debug flags.
      const child = spawn(process.execPath, [script], {
        detached: true,
        windowsHide: true,
        stdio: ['ignore', out, out, 'ipc'],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', OLI_LOCAL_SANDBOX_PROCESS: '1' },
      });
      const config: SandboxProcessConfig = { type: 'start', ports, adminPassword, statePath: paths.state, heartbeatPath: paths.heartbeat, idleMs: o.idleMs ?? SANDBOX_IDLE_MS };
      ready = await new Promise<Extract<SandboxProcessMessage, { type: 'ready' }>>((resolve, reject) => {
        const fail = (reason: LocalSandboxError['reason'], message: string) => {
          cleanup();
          try {
            child.kill();
          } catch {
            /* already gone */
          }
          reject(new LocalSandboxError(reason, message));
        };
        const timer = setTimeout(() => fail('timeout', vscode.l10n.t('The local sandbox did not start within 30 seconds; see {0}.', paths.log)), 30_000);
        const onAbort = () => fail('start-failed', vscode.l10n.t('Cancelled.'));
        const cleanup = () => {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          child.removeAllListeners('message');
          child.removeAllListeners('exit');
          child.removeAllListeners('error');
        };
        o.signal?.addEventListener('abort', onAbort, { once: true });
        child.on('error', (err) => fail('start-failed', vscode.l10n.t('The local sandbox could not start: {0}', err.message)));
        child.on('exit', (code) => fail('start-failed', vscode.l10n.t('The local sandbox stopped at start (exit code {0}); see {1}.', String(code), paths.log)));
        child.on('message', (m: SandboxProcessMessage) => {
          if (m.type === 'ready') {
            cleanup();
            resolve(m);
          } else fail('start-failed', vscode.l10n.t('The local sandbox could not start: {0}', m.message));
        });
        child.send(config);
      });
      // Detach for good: the sandbox keeps running when this extension host goes (a window reload).
      child.disconnect();
      child.unref();
    } finally {
      closeSync(out);
    }
    const record: LocalSandboxRecord = { environment: SANDBOX_ENVIRONMENT, url: ready.url, port: ready.port, pid: ready.pid, startedAt: new Date().toISOString() };
    await this.memento.update(RECORD_KEY, record);
    this.live = false;
    this.setLive(true);
    this.log.info(`local sandbox started on ${ready.url} (process ${ready.pid}; an emulator, not Oracle; log ${paths.log})`);
    return { url: ready.url, adminUser: ready.adminUser, adminPassword };
  }

  /** Stops the recorded process, after checking that it is the sandbox this workspace started. */
  async stop(): Promise<boolean> {
    const r = this.record;
    if (!r) return false;
    const info = await probeSandbox(r.url);
    if (info?.pid !== r.pid) {
      this.setLive(false);
      return false;
    }
    try {
      process.kill(r.pid, 'SIGTERM');
    } catch (err) {
      this.log.warn(`stopping the local sandbox (process ${r.pid}): ${(err as Error).message}`);
    }
    for (let i = 0; i < 50 && (await probeSandbox(r.url, 300)); i++) await new Promise((res) => setTimeout(res, 100));
    this.setLive(false);
    this.log.info(`local sandbox on ${r.url} stopped`);
    return true;
  }
}
