import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SandboxHttpError, sendError } from './errors';
import { isUiPageUrl } from './oraclePages';

/** The identity domain's sign-in pages (a person's browser, not the API): no faults, latency or counting either. */
const isSignInPageUrl = (url: string): boolean => /^\/(oauth2\/v1\/authorize|ui\/v1\/device)(\?|$)/.test(url);

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultKind = '429' | '500' | '503' | 'drop' | 'stall' | 'commit-then-drop';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '503', 'drop', 'stall', 'commit-then-drop'];
/** A stalled request is held at most this long, then its connection is dropped. */
export const STALL_MAX_MS = 60_000;

/** Decides, per request, whether and how to fail; deterministic for a given seed and request order. */
export class FaultInjector {
  private rng: () => number;
  private jitterRng: () => number;

  constructor(
    public rate: number,
    public seed: number,
    public latencyMs: number,
  ) {
    this.rng = mulberry32(seed);
    this.jitterRng = mulberry32(seed ^ 0x2545f491);
  }

  /** Changes the rate; a given seed restarts the sequence. */
  configure(rate: number, seed?: number): void {
    this.rate = rate;
    if (seed !== undefined) {
      this.seed = seed;
      this.rng = mulberry32(seed);
      this.jitterRng = mulberry32(seed ^ 0x2545f491);
    }
  }

  /** The fault for the next request, or null; "commit then drop" only for POST and PATCH. */
  draw(method: string): FaultKind | null {
    if (this.rate <= 0) return null;
    if (this.rng() >= this.rate) return null;
    const kinds = method === 'POST' || method === 'PATCH' ? FAULT_KINDS : FAULT_KINDS.filter((k) => k !== 'commit-then-drop');
    return kinds[Math.floor(this.rng() * kinds.length)]!;
  }

  /** Latency for the next request: latencyMs ± 25%, seeded. */
  delay(): number {
    if (this.latencyMs <= 0) return 0;
    return Math.round(this.latencyMs * (0.75 + 0.5 * this.jitterRng()));
  }
}

export interface StatsSnapshot {
  requests: { total: number; byRoute: Record<string, number>; maxInFlight: number };
  faults: Record<FaultKind, number>;
}

/** Request counters for GET /__sandbox/stats (hooks excluded). */
export class Stats {
  total = 0;
  byRoute = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  faults = new Map<FaultKind, number>();

  begin(route: string): void {
    this.total++;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  fault(kind: FaultKind): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.byRoute = new Map();
    this.maxInFlight = this.inFlight;
    this.faults = new Map();
  }

  snapshot(): StatsSnapshot {
    const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, this.faults.get(k) ?? 0])) as Record<FaultKind, number>;
    return { requests: { total: this.total, byRoute: Object.fromEntries(this.byRoute), maxInFlight: this.maxInFlight }, faults };
  }
}

export const isHookUrl = (url: string): boolean => url.startsWith('/__sandbox/') || url === '/__sandbox';

/** Counts requests, adds latency and injects faults on every non-hook route. Returns a function that releases stalled requests. */
export function registerTraffic(app: FastifyInstance, injector: FaultInjector, stats: Stats): () => void {
  const commitThenDrop = new WeakSet<FastifyRequest>();
  const stalled = new Set<{ timer: NodeJS.Timeout; destroy: () => void }>();

  app.addHook('onRequest', async (request, reply) => {
    if (isHookUrl(request.url) || isUiPageUrl(request.url) || isSignInPageUrl(request.url)) return;
    stats.begin(`${request.method} ${request.routeOptions.url ?? '(no route)'}`);
    reply.raw.once('close', () => stats.end());
    const delay = injector.delay();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const fault = injector.draw(request.method);
    if (!fault) return;
    stats.fault(fault);
    const socket = request.raw.socket;
    switch (fault) {
      case '429':
        sendError(request, reply, new SandboxHttpError(429, 'Too many requests (sandbox fault injection). Retry after 1 second.', { headers: { 'Retry-After': '1' } }));
        return reply;
      case '500':
        sendError(request, reply, new SandboxHttpError(500, 'Internal server error (sandbox fault injection).'));
        return reply;
      case '503':
        sendError(request, reply, new SandboxHttpError(503, 'Service unavailable (sandbox fault injection).'));
        return reply;
      case 'drop':
        reply.hijack();
        socket.destroy();
        return reply;
      case 'stall': {
        reply.hijack();
        const entry = {
          timer: setTimeout(() => entry.destroy(), STALL_MAX_MS),
          destroy: () => {
            clearTimeout(entry.timer);
            stalled.delete(entry);
            socket.destroy();
          },
        };
        stalled.add(entry);
        socket.once('close', () => entry.destroy());
        return reply;
      }
      case 'commit-then-drop':
        commitThenDrop.add(request);
        return;
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (commitThenDrop.has(request)) reply.raw.socket?.destroy();
    return payload;
  });

  return () => {
    for (const entry of [...stalled]) entry.destroy();
  };
}
