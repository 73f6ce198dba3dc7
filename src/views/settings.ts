import * as vscode from 'vscode';
import { Disposable } from './disposable';

/** The extension's settings section (package.json contributes.configuration). */
export const SETTINGS_SECTION = 'oracleLearning';

/** Every setting of the extension, typed, with its default (the same values as the CLI's flags: README, "Settings"). */
export interface OliSettings {
  /** oracleLearning.network.requestTimeout: seconds a request may take in all (CLI --timeout, OLI_TIMEOUT). */
  requestTimeoutSeconds: number;
  /** oracleLearning.network.connectTimeout: seconds for the connection and the first byte (CLI --connect-timeout, OLI_CONNECT_TIMEOUT). */
  connectTimeoutSeconds: number;
  /** oracleLearning.network.proxy, else VS Code's http.proxy (unless http.proxySupport is off); undefined: HTTPS_PROXY. */
  proxy: string | undefined;
  /** Where the proxy came from, for the log and the Settings screenshot. */
  proxySource: 'oracleLearning.network.proxy' | 'http.proxy' | undefined;
  /** VS Code's http.noProxy: hosts reached without the proxy (added to NO_PROXY). */
  noProxy: string[];
  /** oracleLearning.certificates.warningDays (CLI --cert-warning-days, OLI_CERT_WARNING_DAYS). */
  certificateWarningDays: number;
  /** oracleLearning.jwt.clockTolerance: seconds (CLI --clock-tolerance, OLI_CLOCK_TOLERANCE). */
  jwtClockToleranceSeconds: number;
  /** oracleLearning.refreshOnOpen: read the active environment's status when the window opens. */
  refreshOnOpen: boolean;
  /** oracleLearning.defaultEnvironment: the environment active when this workspace has none chosen (CLI OLI_ENV). */
  defaultEnvironment: string | undefined;
}

export const DEFAULTS: OliSettings = {
  requestTimeoutSeconds: 30,
  connectTimeoutSeconds: 10,
  proxy: undefined,
  proxySource: undefined,
  noProxy: [],
  certificateWarningDays: 30,
  jwtClockToleranceSeconds: 60,
  refreshOnOpen: false,
  defaultEnvironment: undefined,
};

/** Keys of the settings (relative to the section), for affectsConfiguration. */
export const SETTING_KEYS = {
  requestTimeout: 'network.requestTimeout',
  connectTimeout: 'network.connectTimeout',
  proxy: 'network.proxy',
  certificateWarningDays: 'certificates.warningDays',
  jwtClockTolerance: 'jwt.clockTolerance',
  refreshOnOpen: 'refreshOnOpen',
  defaultEnvironment: 'defaultEnvironment',
} as const;

function bounded(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

/** A proxy URL without a user name or password (those go in HTTPS_PROXY, never in a settings file). */
function usableProxy(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const v = value.trim();
  return /\/\/[^/]*@/.test(v) ? undefined : v;
}

/** Reads every setting now (values out of range fall back to the default, as VS Code's Settings editor also warns). */
export function readSettings(): OliSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const http = vscode.workspace.getConfiguration('http');
  const own = usableProxy(c.get<string>(SETTING_KEYS.proxy));
  const vscodeProxy = http.get<string>('proxySupport') === 'off' ? undefined : http.get<string>('proxy')?.trim() || undefined;
  const proxy = own ?? vscodeProxy;
  const noProxy = http.get<unknown>('noProxy');
  const env = c.get<string>(SETTING_KEYS.defaultEnvironment)?.trim();
  return {
    requestTimeoutSeconds: bounded(c.get(SETTING_KEYS.requestTimeout), DEFAULTS.requestTimeoutSeconds, 1, 600),
    connectTimeoutSeconds: bounded(c.get(SETTING_KEYS.connectTimeout), DEFAULTS.connectTimeoutSeconds, 1, 600),
    proxy,
    proxySource: own ? 'oracleLearning.network.proxy' : vscodeProxy ? 'http.proxy' : undefined,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((h): h is string => typeof h === 'string' && h.trim() !== '').map((h) => h.trim()) : [],
    certificateWarningDays: Math.round(bounded(c.get(SETTING_KEYS.certificateWarningDays), DEFAULTS.certificateWarningDays, 0, 3650)),
    jwtClockToleranceSeconds: Math.round(bounded(c.get(SETTING_KEYS.jwtClockTolerance), DEFAULTS.jwtClockToleranceSeconds, 0, 3600)),
    refreshOnOpen: c.get<boolean>(SETTING_KEYS.refreshOnOpen) === true,
    defaultEnvironment: env || undefined,
  };
}

/** What the engine and the Oracle client take from the settings (read at each command: a change applies to the next request). */
export function engineSettings(s: OliSettings = readSettings()): {
  timeoutMs: number;
  firstByteTimeoutMs: number;
  defaultProxy?: string;
  noProxy?: string[];
  certificateWarningDays: number;
  clockToleranceSeconds: number;
} {
  return {
    timeoutMs: s.requestTimeoutSeconds * 1000,
    firstByteTimeoutMs: s.connectTimeoutSeconds * 1000,
    ...(s.proxy ? { defaultProxy: s.proxy } : {}),
    ...(s.noProxy.length ? { noProxy: s.noProxy } : {}),
    certificateWarningDays: s.certificateWarningDays,
    clockToleranceSeconds: s.jwtClockToleranceSeconds,
  };
}

export interface SettingsChange {
  settings: OliSettings;
  /** Network settings (timeouts, proxy, http.noProxy): they apply to the next request. */
  network: boolean;
  /** How certificates and tokens are judged: the findings change, so the status is read again. */
  judgement: boolean;
  defaultEnvironment: boolean;
  refreshOnOpen: boolean;
}

/**
 * The one typed accessor of the settings: `current` is always up to date (read again on every
 * change), and `onDidChange` says which group changed, so each consumer applies it at once.
 */
export class Settings extends Disposable {
  private value = readSettings();
  private readonly changed = this.register(new vscode.EventEmitter<SettingsChange>());
  readonly onDidChange = this.changed.event;

  constructor() {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const k = (key: string) => e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`);
        const network = k(SETTING_KEYS.requestTimeout) || k(SETTING_KEYS.connectTimeout) || k(SETTING_KEYS.proxy) || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.noProxy') || e.affectsConfiguration('http.proxySupport');
        const judgement = k(SETTING_KEYS.certificateWarningDays) || k(SETTING_KEYS.jwtClockTolerance);
        const defaultEnvironment = k(SETTING_KEYS.defaultEnvironment);
        const refreshOnOpen = k(SETTING_KEYS.refreshOnOpen);
        if (!network && !judgement && !defaultEnvironment && !refreshOnOpen) return;
        this.value = readSettings();
        this.changed.fire({ settings: this.value, network, judgement, defaultEnvironment, refreshOnOpen });
      }),
    );
  }

  get current(): OliSettings {
    return this.value;
  }

  /** One line for the log: the values in use (no secret: a proxy with a password is never taken from settings). */
  describe(s: OliSettings = this.value): string {
    return [
      `request timeout ${s.requestTimeoutSeconds} s`,
      `connection/first byte ${s.connectTimeoutSeconds} s`,
      `proxy ${s.proxy ? `${s.proxy} (${s.proxySource})` : 'HTTPS_PROXY or none'}`,
      `no proxy for ${s.noProxy.length ? s.noProxy.join(', ') : 'NO_PROXY only'}`,
      `certificate warning ${s.certificateWarningDays} days`,
      `JWT clock tolerance ${s.jwtClockToleranceSeconds} s`,
      `refresh on open ${s.refreshOnOpen ? 'on' : 'off'}`,
      `default environment ${s.defaultEnvironment ?? '(the plan\'s)'}`,
    ].join(', ');
  }
}
