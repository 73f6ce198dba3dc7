/**
 * A reverse proxy in front of the sandbox that rewrites chosen JSON answers: it plays a pod that
 * differs from the sandbox in one detail nobody has seen yet (a field name, a missing field, a
 * word), so the product's real code path runs against it over real HTTP.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Rewrite {
  /** Which answers: method and a path test (the query string is included in `url`). */
  match(method: string, url: string): boolean;
  /** The new JSON body (given the parsed original); return undefined to keep it. */
  body(json: any, url: string): unknown;
}

export interface RewritingProxy {
  url: string;
  /** Every request that went through: "METHOD /path?query". */
  seen: string[];
  close(): Promise<void>;
}

export async function startRewritingProxy(target: string, rewrites: Rewrite[]): Promise<RewritingProxy> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      seen.push(`${req.method} ${req.url}`);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      try {
        const up = await fetch(new URL(req.url ?? '/', target), { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
        let text = await up.text();
        const rule = rewrites.find((r) => r.match(req.method ?? 'GET', req.url ?? ''));
        if (rule && up.ok && text) {
          const next = rule.body(JSON.parse(text), req.url ?? '');
          if (next !== undefined) text = JSON.stringify(next);
        }
        const out: Record<string, string> = {};
        up.headers.forEach((v, k) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
        });
        res.writeHead(up.status, { ...out, 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
      } catch (err) {
        res.writeHead(502).end(String(err));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
