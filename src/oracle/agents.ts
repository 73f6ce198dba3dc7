/**
 * The HTTP(S) agents of a Transport (transport.ts), loaded with the first request: keep-alive
 * agents for direct connections, and a CONNECT tunnel per HTTPS proxy that applies the extra CA to
 * the TLS session with the target. TLS verification is never disabled.
 */
import http from 'node:http';
import https from 'node:https';
import { HttpsProxyAgent, type HttpsProxyAgentOptions } from 'https-proxy-agent';
import { redactUrl } from './redact';
import type { RouteConfig } from './transport';

/** CONNECT-tunnelling agent that also applies the extra CA to the TLS session with the target. */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly targetTls: { ca?: string[] },
    opts: HttpsProxyAgentOptions<string>,
  ) {
    super(proxy, opts);
  }

  override connect(req: http.ClientRequest, opts: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    return super.connect(req, (this.targetTls.ca ? { ...opts, ca: this.targetTls.ca } : opts) as typeof opts);
  }
}

export class Agents {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent: https.Agent;
  private readonly tunnels = new Map<string, TunnelAgent>();

  /** @param ca Node's default roots plus the extra CA (loadCaBundle), or undefined for the defaults. */
  constructor(private readonly ca?: string[]) {
    this.httpsAgent = new https.Agent({ keepAlive: true, ...(ca && { ca }) });
  }

  /** The route to `target`: directly, or through `proxy` (from proxyForUrl). */
  route(target: URL, proxy: URL | undefined): RouteConfig {
    if (!proxy) return { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent, proxy: false };
    const via = redactUrl(proxy.href);
    if (target.protocol === 'https:') {
      let agent = this.tunnels.get(proxy.href);
      if (!agent) {
        agent = new TunnelAgent(proxy.href, { ...(this.ca && { ca: this.ca }) }, { keepAlive: true, ...(proxy.protocol === 'https:' && this.ca && { ca: this.ca }) });
        this.tunnels.set(proxy.href, agent);
      }
      return { httpsAgent: agent, proxy: false, via };
    }
    const auth = proxy.username ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } : undefined;
    return {
      httpAgent: this.httpAgent,
      proxy: {
        protocol: proxy.protocol.replace(':', ''),
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80)),
        ...(auth && { auth }),
      },
      via,
    };
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const a of this.tunnels.values()) a.destroy();
    this.tunnels.clear();
  }
}
