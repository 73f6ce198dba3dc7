import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import { inspectCertificates, type CertificateInfo } from '../inspect/certificates';
import { assertSize } from '../inspect/errors';
import { certificateOf, DEFAULT_HEALTH_SETTINGS, type PlanFile } from '../plan/planFile';

export type PlanCertificate =
  | { ok: true; file: string; info: CertificateInfo; warnDays: number; level: 'ok' | 'warning' | 'error' }
  | { ok: false; file: string; message: string };

/** Days left before which the certificate is an error rather than a warning (a week: the provider needs time to send a new one). */
export const CERTIFICATE_ERROR_DAYS = 7;

/**
 * The inbound certificate the plan names for an environment (its own, else jwt.certificate), read locally: what is registered under
 * API Authentication cannot be read (Oracle offers no API), so this is the plan's copy. Undefined
 * for the OAuth variant (no inbound certificate). Level: warning from `warnDays` before expiry (the plan's
 * health.certificateWarningDays, else `userWarnDays`, else 30),
 * error within CERTIFICATE_ERROR_DAYS or once expired.
 */
export async function planCertificate(plan: PlanFile, planDir: string, environment: string, now: Date = new Date(), userWarnDays?: number): Promise<PlanCertificate | undefined> {
  if (plan.auth !== 'jwt' || !plan.jwt) return undefined;
  const file = certificateOf(plan, environment) ?? plan.jwt.certificate;
  // The plan's threshold is the team's; without one, the user's (VS Code setting, --cert-warning-days / OLI_CERT_WARNING_DAYS).
  const warnDays = plan.health?.certificateWarningDays ?? userWarnDays ?? DEFAULT_HEALTH_SETTINGS.certificateWarningDays;
  try {
    const path = resolve(planDir, file);
    assertSize((await stat(path)).size, `The certificate file ${file}`);
    const report = inspectCertificates(await readFile(path), { now, warnDays });
    const info = report.certificates[0];
    if (!info) return { ok: false, file, message: l10n.t('{0} holds no certificate.', file) };
    const level = info.daysRemaining <= CERTIFICATE_ERROR_DAYS || info.status === 'expired' ? 'error' : info.daysRemaining <= warnDays ? 'warning' : 'ok';
    return { ok: true, file, info, warnDays, level };
  } catch (err) {
    return { ok: false, file, message: l10n.t('Cannot read {0}: {1}', file, (err as Error).message) };
  }
}
