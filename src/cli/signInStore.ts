/**
 * Where `oli login` keeps the administrator's OAuth session and private key: the OS keyring when
 * this machine has one (libsecret's `secret-tool` on Linux, the Keychain's `security` on macOS),
 * else one file, `sign-in.json`, mode 0600 in a 0700 folder under the user's configuration folder
 * (`$OLI_CONFIG_DIR`, else `$XDG_CONFIG_HOME` or `~/.config`, `~/Library/Application Support`,
 * `%APPDATA%`, each `/oracle-learning-integrations`). Never in the workspace. Secrets reach the
 * keyring tools on their standard input, never on a command line (other users can read those).
 * `OLI_KEYRING=file` uses the file even where a keyring exists.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../core/io/writeAtomic';
import type { SignInStore } from '../core/auth/signInStore';

const APP = 'oracle-learning-integrations';

/** The folder of the CLI's own files (never the workspace). */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.OLI_CONFIG_DIR) return env.OLI_CONFIG_DIR;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform() === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP);
  if (platform() === 'darwin') return join(home, 'Library', 'Application Support', APP);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP);
}

/** One JSON file of `key -> value`, mode 0600, written atomically. */
export class FileSignInStore implements SignInStore {
  readonly path: string;
  constructor(readonly dir: string) {
    this.path = join(dir, 'sign-in.json');
  }

  describe(): string {
    return `${this.path} (readable only by you, mode 0600)`;
  }

  private async all(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }

  private async save(all: Record<string, string>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700).catch(() => undefined);
    await writeFileAtomic(this.path, JSON.stringify(all, null, 2) + '\n', 0o600);
    await chmod(this.path, 0o600).catch(() => undefined);
  }

  async read(key: string): Promise<string | undefined> {
    return (await this.all())[key];
  }

  async write(key: string, value: string): Promise<void> {
    await this.save({ ...(await this.all()), [key]: value });
  }

  async remove(key: string): Promise<void> {
    const all = await this.all();
    if (!(key in all)) return;
    delete all[key];
    await this.save(all);
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input: string | undefined, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: null, stdout: '', stderr: (err as Error).message });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, command)));
}

/** libsecret (GNOME Keyring, KWallet through its Secret Service): `secret-tool`, the secret on stdin. */
export class SecretToolStore implements SignInStore {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  describe(): string {
    return 'the OS keyring (Secret Service, through secret-tool)';
  }

  async read(key: string): Promise<string | undefined> {
    const r = await run('secret-tool', ['lookup', 'service', APP, 'account', key], undefined, this.env);
    return r.code === 0 && r.stdout ? r.stdout : undefined;
  }

  async write(key: string, value: string): Promise<void> {
    const r = await run('secret-tool', ['store', `--label=Oracle Learning Integrations: ${key}`, 'service', APP, 'account', key], value, this.env);
    if (r.code !== 0) throw new Error(`the OS keyring refused to store the sign-in (secret-tool: ${r.stderr.trim() || `exit ${r.code}`}); set OLI_KEYRING=file to keep it in a 0600 file instead`);
  }

  async remove(key: string): Promise<void> {
    await run('secret-tool', ['clear', 'service', APP, 'account', key], undefined, this.env);
  }

  /** Whether the keyring answers (a D-Bus session with a Secret Service): a lookup of nothing exits quietly. */
  static async available(env: NodeJS.ProcessEnv): Promise<boolean> {
    if (!onPath('secret-tool', env)) return false;
    const r = await run('secret-tool', ['lookup', 'service', APP, 'account', '__oli_probe__'], undefined, env);
    return r.code !== null && r.stderr.trim() === '';
  }
}

/** The macOS Keychain through `security -i`: commands (and the secret, hex-encoded) on stdin. */
export class KeychainStore implements SignInStore {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  describe(): string {
    return 'the macOS Keychain';
  }

  async read(key: string): Promise<string | undefined> {
    const r = await run('security', ['find-generic-password', '-s', APP, '-a', key, '-w'], undefined, this.env);
    if (r.code !== 0) return undefined;
    const out = r.stdout.replace(/\n$/, '');
    // Stored hex-encoded (security prints non-text data as hex): decode when it is.
    return /^[0-9a-f]+$/i.test(out) && out.length % 2 === 0 ? Buffer.from(out, 'hex').toString('utf8') : out;
  }

  async write(key: string, value: string): Promise<void> {
    const hex = Buffer.from(value, 'utf8').toString('hex');
    const r = await run('security', ['-i'], `add-generic-password -U -s ${APP} -a ${key} -X ${hex}\n`, this.env);
    if (r.code !== 0 || /error/i.test(r.stderr)) throw new Error(`the macOS Keychain refused to store the sign-in (${r.stderr.trim() || `exit ${r.code}`}); set OLI_KEYRING=file to keep it in a 0600 file instead`);
  }

  async remove(key: string): Promise<void> {
    await run('security', ['delete-generic-password', '-s', APP, '-a', key], undefined, this.env);
  }
}

export type DescribedStore = SignInStore & { describe(): string };

/** The keyring when this machine has one (and OLI_KEYRING is not `file`), else the 0600 file. */
export async function cliSignInStore(env: NodeJS.ProcessEnv): Promise<DescribedStore> {
  const choice = (env.OLI_KEYRING ?? 'auto').toLowerCase();
  if (choice !== 'file') {
    if (platform() === 'darwin' && onPath('security', env)) return new KeychainStore(env);
    if (platform() === 'linux' && (await SecretToolStore.available(env))) return new SecretToolStore(env);
  }
  return new FileSignInStore(configDir(env));
}
