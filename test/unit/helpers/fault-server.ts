/**
 * Tiny real HTTP(S) servers on 127.0.0.1 for the Oracle client tests: a scriptable server (status,
 * Retry-After, resets, stalls, echo), and a CONNECT / forward proxy that counts what it relays.
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type FaultHandler = (req: RecordedRequest, res: http.ServerResponse, n: number, raw: http.IncomingMessage) => unknown;

export interface FaultServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Highest number of requests being handled at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFaultServer(handler: FaultHandler, tlsOptions?: { key: string; cert: string }): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const listener = (raw: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const rec: RecordedRequest = { method: raw.method ?? '', url: raw.url ?? '', headers: raw.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(rec);
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          inFlight--;
        }
      };
      res.on('close', finish);
      Promise.resolve(handler(rec, res, requests.length, raw)).catch((err: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 599;
          res.end(String(err));
        }
      });
    });
  };
  const server = tlsOptions ? https.createServer(tlsOptions, listener) : http.createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tlsOptions ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON body. */
export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Drops the connection without any response (a reset / "socket hang up" for the client). */
export function drop(res: http.ServerResponse): void {
  res.socket?.destroy();
}

export interface TestProxy {
  url: string;
  /** CONNECT requests received, as host:port. */
  connects: string[];
  /** Absolute-URI (forward proxy) requests received. */
  forwarded: string[];
  close(): Promise<void>;
}

/** A minimal HTTP proxy: CONNECT tunnels (for https) and absolute-URI forwarding (for http). Maps any host to 127.0.0.1 when `mapTo` is set. */
export async function startTestProxy(mapHostsToLoopback = false): Promise<TestProxy> {
  const connects: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    forwarded.push(req.url ?? '');
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      { host: mapHostsToLoopback ? '127.0.0.1' : target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), mapHostsToLoopback ? '127.0.0.1' : host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
