/**
 * Network plumbing for the Oracle client: HTTP(S) agents with keep-alive, an optional extra CA
 * (added to Node's default roots, never replacing them), and proxy selection (explicit, or from
 * HTTPS_PROXY / HTTP_PROXY honouring NO_PROXY). HTTPS goes through the proxy with CONNECT
 * (https-proxy-agent); plain http is sent to the proxy in absolute-URI form. TLS verification is
 * never disabled.
 *
 * The settings are checked when the client is made (a bad CA file or proxy URL fails at once);
 * the agents and the modules under them (node:http, node:https, the CONNECT tunnel: agents.ts) are
 * loaded with the first request, as axios is, so that a command loads lighter (issue 13).
 */
import { X509Certificate } from 'node:crypto';
import type { AxiosProxyConfig } from 'axios';
import type * as http from 'node:http';
import type * as https from 'node:https';
import { CappedReadError, readFileCappedSync } from '../core/io/readCapped';
import type { Agents } from './agents';
import { OracleError } from './errors';
import { redactUrl } from './redact';

export interface TransportOptions {
  caFile?: string;
  /** Proxy URL; undefined: from the environment; '' disables. */
  proxy?: string;
  /** Comma-separated hosts that bypass the proxy; undefined: NO_PROXY / no_proxy from the environment. */
  noProxy?: string;
  env?: Record<string, string | undefined>;
}

/** What a single request needs from the transport. */
export interface RouteConfig {
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent | http.Agent;
  proxy: AxiosProxyConfig | false;
  /** Redacted proxy URL, for logs. */
  via?: string;
}

function configError(setting: string, detail: string, hint: string): OracleError {
  return new OracleError({ reason: 'config', method: 'CONFIG', path: setting, detail, hint });
}

/** Largest CA file read (a bundle of every public root is under 300 KB). */
const MAX_CA_FILE_BYTES = 5 * 1024 * 1024;

/** Reads a PEM CA bundle; returns Node's default roots plus its certificates. */
export function loadCaBundle(caFile: string): string[] {
  let pem: string;
  try {
    // A CA bundle is kilobytes: a device or a huge file named by mistake is refused while read, never loaded whole.
    pem = readFileCappedSync(caFile, MAX_CA_FILE_BYTES, { what: caFile, regularOnly: true }).toString('utf8');
  } catch (err) {
    const why = err instanceof CappedReadError && err.reason !== 'unreadable' && err.reason !== 'not-found' ? err.message : `cannot read ${caFile}: ${(err as CappedReadError).code ?? 'error'}`;
    throw configError('caFile', why, 'give the path of a readable PEM file holding your CA certificate');
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certs?.length) throw configError('caFile', `${caFile} holds no PEM certificate`, 'export the CA certificate as PEM (Base64, "-----BEGIN CERTIFICATE-----")');
  for (const c of certs) {
    try {
      new X509Certificate(c);
    } catch {
      throw configError('caFile', `${caFile} holds a certificate that cannot be parsed`, 'export the CA certificate again as PEM');
    }
  }
  // node:tls only when a CA file is configured (its roots are the defaults every request starts from).
  const { rootCertificates } = require('node:tls') as typeof import('node:tls');
  return [...rootCertificates, ...certs];
}

/** Whether `host[:port]` matches a NO_PROXY list (`*`, `host`, `.suffix`, `*.suffix`, `host:port`). */
export function noProxyMatches(hostname: string, port: string, noProxy: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (let entry of noProxy.split(/[,\s]+/).map((e) => e.trim().toLowerCase()).filter(Boolean)) {
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''));
    if (m && m[2] && !entry.includes('::')) {
      entry = m[1]!;
      entryPort = m[2];
    }
    if (entryPort && entryPort !== port) continue;
    entry = entry.replace(/^\*/, '');
    if (entry.startsWith('.')) {
      if (host.endsWith(entry) || host === entry.slice(1)) return true;
    } else if (host === entry || host.endsWith('.' + entry)) {
      return true;
    }
  }
  return false;
}

/** The proxy to use for a target URL, or undefined for a direct connection. */
export function proxyForUrl(target: URL, opts: TransportOptions): URL | undefined {
  const env = opts.env ?? process.env;
  let proxy: string | undefined;
  if (opts.proxy !== undefined) proxy = opts.proxy;
  else if (target.protocol === 'https:') proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  else proxy = env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return undefined;
  const noProxy = opts.noProxy ?? env.NO_PROXY ?? env.no_proxy ?? '';
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (noProxy && noProxyMatches(target.hostname, port, noProxy)) return undefined;
  return parseProxyUrl(proxy);
}

export function parseProxyUrl(proxy: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
  } catch {
    throw configError('proxy', `"${redactUrl(proxy)}" is not a valid URL`, 'set the proxy as http://host:port (or https://host:port)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError('proxy', `unsupported proxy protocol ${url.protocol}`, 'use an HTTP proxy (http://host:port) that supports CONNECT');
  }
  return url;
}

export class Transport {
  private readonly ca?: string[];
  private agents?: Agents;
  private loading?: Promise<Agents>;

  constructor(private readonly opts: TransportOptions) {
    if (opts.caFile) this.ca = loadCaBundle(opts.caFile);
    if (opts.proxy) parseProxyUrl(opts.proxy); // fail early on a bad explicit proxy
  }

  /** What a request to `target` goes through (the agents load with the first one). */
  async route(target: URL): Promise<RouteConfig> {
    const proxy = proxyForUrl(target, this.opts);
    const agents = this.agents ?? (await (this.loading ??= import('./agents').then((m) => (this.agents = new m.Agents(this.ca)))));
    return agents.route(target, proxy);
  }

  /** Closes the keep-alive sockets (those of agents still loading as soon as they are made). */
  close(): void {
    if (this.agents) this.agents.close();
    else void this.loading?.then((a) => a.close(), () => undefined);
  }
}
