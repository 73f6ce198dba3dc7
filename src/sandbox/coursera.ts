import { X509Certificate, createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';

/**
 * A Coursera simulator: plays the provider's side against a pod (the sandbox). It pushes catalog
 * content through digitalLearningProviders and learner progress as xAPI statements, signed with
 * its own key and issuer (JWT variant) or with an OAuth client-credentials token.
 *
 * It has its own small HTTP and JWT code and never uses the product's client (src/oracle,
 * src/core): a bug there must not hide itself by being on both sides of the wire. It reads the
 * pod's answers leniently (any field casing or variant name), as a provider's client would have to.
 *
 * The xAPI path is the sandbox's STAND-IN: Oracle does not publish the real one (MOS 3041803.1).
 */
export const XAPI_STANDIN_PATH = '/hcmRestApi/sandbox-standin/xapi/statements';

export type ProviderIdentity =
  | { kind: 'jwt'; issuer: string; privateKeyPem: string; certificatePem: string; userName: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string; scope: string };

export interface CatalogItem {
  externalContentId: string;
  title: string;
  contentUrl: string;
  summary?: string;
  expectedEffortInHours?: number;
}

export interface ProgressEvent {
  learner: { by: 'email'; email: string } | { by: 'username'; userName: string; homePage?: string };
  contentId: string;
  title: string;
  verb: 'completed' | 'progressed' | 'initialized' | 'passed' | 'failed';
  timestamp: string;
  durationSeconds?: number;
  scaledScore?: number;
}

const ADL = 'http://adlnet.gov/expapi/verbs/';

/** Coursera's batch period [DOC: statements are sent in batches every 4 hours]. */
export const COURSERA_BATCH_MS = 4 * 3_600_000;

/** When the batch holding an event leaves: the first 4-hour boundary (UTC) after its timestamp. */
export function batchTime(timestamp: string, periodMs: number = COURSERA_BATCH_MS): number {
  const t = Date.parse(timestamp);
  return (Math.floor(t / periodMs) + 1) * periodMs;
}

/**
 * A learner who completed a course, then retook its assessment and completed again: Coursera
 * reports the retake as another enrollment [DOC], so Oracle keeps two records.
 */
export function retakeEvents(learner: ProgressEvent['learner'], contentId: string, title: string, firstCompletion: Date, retakeCompletion: Date): ProgressEvent[] {
  const at = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000).toISOString();
  return [
    { learner, contentId, title, verb: 'initialized', timestamp: at(firstCompletion, -120) },
    { learner, contentId, title, verb: 'completed', timestamp: firstCompletion.toISOString(), durationSeconds: 7200, scaledScore: 0.62 },
    { learner, contentId, title, verb: 'initialized', timestamp: at(retakeCompletion, -60) },
    { learner, contentId, title, verb: 'completed', timestamp: retakeCompletion.toISOString(), durationSeconds: 3600, scaledScore: 0.91 },
  ];
}

/** An xAPI 1.0.3 statement as Coursera sends it: the learner, the content id, a timestamp, optional duration and score. */
export function xapiStatement(e: ProgressEvent): Record<string, unknown> {
  const actor =
    e.learner.by === 'email'
      ? { objectType: 'Agent', mbox: `mailto:${e.learner.email}` }
      : { objectType: 'Agent', account: { homePage: e.learner.homePage ?? 'https://www.coursera.org', name: e.learner.userName } };
  const result: Record<string, unknown> = {};
  if (e.verb === 'completed' || e.verb === 'passed') result.completion = true;
  if (e.durationSeconds !== undefined) result.duration = `PT${e.durationSeconds}S`;
  if (e.scaledScore !== undefined) result.score = { scaled: e.scaledScore };
  return {
    id: randomUUID(),
    actor,
    verb: { id: `${ADL}${e.verb}`, display: { 'en-US': e.verb } },
    object: { objectType: 'Activity', id: e.contentId, definition: { name: { 'en-US': e.title } } },
    ...(Object.keys(result).length ? { result } : {}),
    timestamp: e.timestamp,
  };
}

/** A pod's answer the simulator could not use. */
export class CourseraSimulatorError extends Error {
  override readonly name = 'CourseraSimulatorError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const b64url = (v: Buffer | string): string => Buffer.from(v).toString('base64url');

/** An RS256 JWT in the Security Console API Authentication shape: header x5t, claims iss, prn, sub, iat, exp. */
export function signProviderJwt(identity: { privateKeyPem: string; certificatePem: string; issuer: string; userName: string }, nowMs = Date.now()): string {
  const x5t = createHash('sha1').update(new X509Certificate(identity.certificatePem).raw).digest('base64url');
  const iat = Math.floor(nowMs / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5t }));
  const claims = b64url(JSON.stringify({ iss: identity.issuer, prn: identity.userName, sub: identity.userName, iat, exp: iat + 300 }));
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), createPrivateKey(identity.privateKeyPem));
  return `${header}.${claims}.${b64url(signature)}`;
}

/** A field whatever its casing or the pod's name for it (`ProviderName`, `providerName`, `Name`). */
function field(row: Record<string, unknown>, ...names: string[]): unknown {
  const wanted = names.map((n) => n.toLowerCase());
  for (const w of wanted) for (const [k, v] of Object.entries(row)) if (k.toLowerCase() === w) return v;
  return undefined;
}

export class CourseraSimulator {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly identity: ProviderIdentity,
  ) {}

  private async authorization(): Promise<string> {
    if (this.identity.kind === 'jwt') return `Bearer ${signProviderJwt(this.identity)}`;
    if (this.token && this.token.expiresAt > Date.now() + 30_000) return `Bearer ${this.token.value}`;
    const { tokenUrl, clientId, clientSecret, scope } = this.identity;
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token) throw new CourseraSimulatorError(`The token endpoint answered ${res.status}.`, res.status);
    this.token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return `Bearer ${body.access_token}`;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<unknown> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: await this.authorization(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new CourseraSimulatorError(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`, res.status);
    return text ? JSON.parse(text) : undefined;
  }

  /** Pushes one catalog item to the provider record Oracle created for Coursera. */
  async pushCatalogItem(item: CatalogItem, signal?: AbortSignal): Promise<{ providerId: string | number }> {
    const list = (await this.call('GET', '/hcmRestApi/resources/11.13.18.05/digitalLearningProviders?onlyData=true&limit=500', undefined, {}, signal)) as { items?: Record<string, unknown>[] };
    const coursera = (list.items ?? []).find((p) => String(field(p, 'ProviderName', 'Name') ?? '').toLowerCase() === 'coursera');
    const providerId = coursera ? (field(coursera, 'ProviderId', 'Id') as string | number | undefined) : undefined;
    if (providerId === undefined) throw new CourseraSimulatorError('Coursera is not configured on Configure External Providers in this pod (no provider record to push to).');
    await this.call(
      'POST',
      `/hcmRestApi/resources/11.13.18.05/digitalLearningProviders/${encodeURIComponent(String(providerId))}/child/content`,
      {
        ExternalContentId: item.externalContentId,
        Title: item.title,
        ContentUrl: item.contentUrl,
        ...(item.summary ? { Summary: item.summary } : {}),
        ...(item.expectedEffortInHours !== undefined ? { ExpectedEffortInHours: item.expectedEffortInHours } : {}),
        Publisher: 'Coursera',
        Status: 'ACTIVE',
      },
      {},
      signal,
    );
    return { providerId };
  }

  /**
   * Coursera's delivery: statements at start and at completion, sent in batches every 4 hours
   * [DOC "Handling Coursera learning completions"]. Sends the events whose batch has gone by `now`
   * (a batch leaves at the first 4-hour boundary, UTC, after the event) and returns those still
   * held for a later batch.
   */
  async deliverBatches(events: ProgressEvent[], now: number = Date.now(), signal?: AbortSignal): Promise<{ sent: ProgressEvent[]; held: ProgressEvent[] }> {
    const sent = events.filter((e) => batchTime(e.timestamp) <= now);
    const held = events.filter((e) => batchTime(e.timestamp) > now);
    if (sent.length) await this.sendStatements(sent, signal);
    return { sent, held };
  }

  /** Sends a batch of statements (Coursera sends at start and at completion, batched every 4 hours). */
  async sendStatements(events: ProgressEvent[], signal?: AbortSignal): Promise<string[]> {
    const ids = await this.call('POST', XAPI_STANDIN_PATH, events.map(xapiStatement), { 'X-Experience-API-Version': '1.0.3' }, signal);
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) throw new CourseraSimulatorError('The statements endpoint did not answer a list of statement ids.');
    return ids;
  }
}
