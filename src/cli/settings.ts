// The settings the CLI shares with the VS Code extension (README, "Settings"): each is a flag, or
// an environment variable when the flag is absent. Light on purpose: `oli inspect` imports it too.
import { UsageError } from './errors';
import { printable } from '../core/text/printable';

interface NumberSetting {
  flag: string;
  env: string;
  min: number;
  max: number;
  unit: string;
  integer?: boolean;
}

/**
 * A number given as a flag, else in its environment variable (the same values as the VS Code
 * settings, see README), else undefined (the default applies). Out of range: a usage error naming
 * where it came from.
 */
export function numberSetting(values: Record<string, unknown>, env: NodeJS.ProcessEnv, o: NumberSetting): number | undefined {
  const fromFlag = values[o.flag] as string | undefined;
  const raw = fromFlag ?? env[o.env];
  if (raw === undefined || (fromFlag === undefined && raw.trim() === '')) return undefined;
  const where = fromFlag !== undefined ? `--${o.flag}` : o.env;
  const value = Number(raw.trim());
  const shape = o.integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!shape.test(raw.trim()) || !(value >= o.min && value <= o.max)) throw new UsageError(`${where} is ${o.integer ? 'a whole number' : 'a number'} of ${o.unit} from ${o.min} to ${o.max}, not "${printable(raw.slice(0, 40))}".`);
  return value;
}

export const SETTINGS = {
  timeout: { flag: 'timeout', env: 'OLI_TIMEOUT', min: 1, max: 600, unit: 'seconds' },
  connectTimeout: { flag: 'connect-timeout', env: 'OLI_CONNECT_TIMEOUT', min: 1, max: 600, unit: 'seconds' },
  certWarningDays: { flag: 'cert-warning-days', env: 'OLI_CERT_WARNING_DAYS', min: 0, max: 3650, unit: 'days', integer: true },
  clockTolerance: { flag: 'clock-tolerance', env: 'OLI_CLOCK_TOLERANCE', min: 0, max: 3600, unit: 'seconds', integer: true },
} satisfies Record<string, NumberSetting>;

/** `--cert-warning-days N` (or OLI_CERT_WARNING_DAYS), `--clock-tolerance SECONDS` (or OLI_CLOCK_TOLERANCE). */
export function inspectionSettings(values: Record<string, unknown>, env: NodeJS.ProcessEnv): { certificateWarningDays?: number; clockToleranceSeconds?: number } {
  const days = numberSetting(values, env, SETTINGS.certWarningDays);
  const tolerance = numberSetting(values, env, SETTINGS.clockTolerance);
  return { ...(days !== undefined ? { certificateWarningDays: days } : {}), ...(tolerance !== undefined ? { clockToleranceSeconds: tolerance } : {}) };
}

