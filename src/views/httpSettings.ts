import { engineSettings, readSettings } from './settings';

/**
 * The network settings for a request made now (read at each call: a change of a setting applies to
 * the next request, without a reload): the timeouts, the proxy for environments whose plan entry
 * names none (oracleLearning.network.proxy, else VS Code's `http.proxy`; the client also honours
 * HTTPS_PROXY), and `http.noProxy` (added to NO_PROXY). TLS verification stays on whatever
 * `http.proxyStrictSSL` says: this tool never turns it off.
 */
export function networkSettings(): { timeoutMs: number; firstByteTimeoutMs: number; defaultProxy?: string; noProxy?: string[] } {
  const { timeoutMs, firstByteTimeoutMs, defaultProxy, noProxy } = engineSettings(readSettings());
  return { timeoutMs, firstByteTimeoutMs, ...(defaultProxy ? { defaultProxy } : {}), ...(noProxy ? { noProxy } : {}) };
}

/** How certificates and tokens are judged now (oracleLearning.certificates.warningDays, oracleLearning.jwt.clockTolerance). */
export function inspectionSettings(): { certificateWarningDays: number; clockToleranceSeconds: number } {
  const { certificateWarningDays, clockToleranceSeconds } = engineSettings(readSettings());
  return { certificateWarningDays, clockToleranceSeconds };
}
