/**
 * The CLI's side of a browser sign-in (RFC 8252): a one-shot HTTP server on 127.0.0.1 that receives
 * the identity domain's redirect, and the command that opens the person's browser.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { platform } from 'node:os';
import { readCallback, type CallbackResult } from '../oracle/oauthPkce';

export const CALLBACK_PATH = '/callback';

export interface Loopback {
  redirectUri: string;
  /** The first answer that carries this sign-in's state (or an error for it). */
  result: Promise<CallbackResult>;
  close(): void;
}

const PAGE = (title: string, text: string): string =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family: system-ui, sans-serif; margin: 2em"><h1>${title}</h1><p>${text}</p></body></html>`;

/** Listens on 127.0.0.1 (`port`, 0 = any free one) for the redirect of the sign-in whose state is `state`. */
export async function startLoopback(state: string, port = 0, signal?: AbortSignal, timeoutMs = 5 * 60_000): Promise<Loopback> {
  let settle!: (r: CallbackResult) => void;
  let fail!: (e: Error) => void;
  const result = new Promise<CallbackResult>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let done = false;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const r = readCallback(url.searchParams, state);
    // A stray request (another tab, an old link) is answered but does not end this sign-in.
    if (!r.ok && r.error === 'state_mismatch') {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE('Not this sign-in', 'This answer does not belong to the sign-in in progress. Go back to the terminal.'));
      return;
    }
    res
      .writeHead(r.ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(r.ok ? PAGE('Signed in', 'You can close this tab and go back to the terminal.') : PAGE('Sign-in not completed', `The identity domain answered ${r.error.replace(/[<>&"]/g, '')}. Go back to the terminal.`));
    if (!done) {
      done = true;
      settle(r);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(() => fail(new Error(`no answer from the browser within ${Math.round(timeoutMs / 60_000)} minutes; run the command again`)), timeoutMs);
  const onAbort = () => fail(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });
  const close = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    server.closeAllConnections?.();
    server.close();
  };
  result.then(close, close);
  const { port: bound } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${bound}${CALLBACK_PATH}`, result, close };
}

/**
 * Opens `url` in the person's browser ($BROWSER, else the platform's opener). Resolves false when
 * none could be started (a server, a container): the caller prints the URL instead.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (env.BROWSER === 'none') return Promise.resolve(false);
  const [cmd, args] = env.BROWSER
    ? [env.BROWSER, [url]]
    : platform() === 'darwin'
      ? ['open', [url]]
      : platform() === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { stdio: 'ignore', detached: true, env });
    } catch {
      resolve(false);
      return;
    }
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
    // An opener that keeps running (a browser started in the foreground) has opened it.
    setTimeout(() => resolve(true), 3000).unref();
    child.unref();
  });
}
