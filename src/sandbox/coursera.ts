import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OracleClient, type RequestLogEntry } from '../oracle/client';
import type { OracleAuth } from '../oracle/auth';
import { listDigitalLearningProviders, pushProviderContent } from '../oracle/learning';
import { signOracleJwt } from '../core/plan/oracleJwt';

/**
 * A Coursera simulator: plays the provider's side against a pod (the sandbox). It pushes catalog
 * content through digitalLearningProviders and learner progress as xAPI statements, signed with
 * its own key and issuer (JWT variant) or with an OAuth client-credentials token.
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

export class CourseraSimulator {
  private readonly client: OracleClient;

  constructor(baseUrl: string, identity: ProviderIdentity, onLog?: (e: RequestLogEntry) => void) {
    const auth: OracleAuth =
      identity.kind === 'jwt'
        ? {
            kind: 'bearer',
            token: () => signOracleJwt({ privateKeyPem: identity.privateKeyPem, certificatePem: identity.certificatePem, issuer: identity.issuer, userName: identity.userName }),
          }
        : { kind: 'oauth', tokenUrl: identity.tokenUrl, clientId: identity.clientId, clientSecret: identity.clientSecret, scope: identity.scope };
    this.client = new OracleClient({ baseUrl, auth, ...(onLog ? { onLog } : {}), userAgent: 'coursera-simulator' });
  }

  /** Pushes one catalog item to the provider record Oracle created for Coursera. */
  async pushCatalogItem(item: CatalogItem, signal?: AbortSignal): Promise<{ providerId: string | number }> {
    const providers = await listDigitalLearningProviders(this.client, signal ? { signal } : {});
    const coursera = providers.find((p) => String(p.ProviderName ?? '').toLowerCase() === 'coursera');
    if (!coursera?.ProviderId) throw new Error('Coursera is not configured on Configure External Providers in this pod (no provider record to push to).');
    await pushProviderContent(
      this.client,
      coursera.ProviderId,
      {
        ExternalContentId: item.externalContentId,
        Title: item.title,
        ContentUrl: item.contentUrl,
        ...(item.summary ? { Summary: item.summary } : {}),
        ...(item.expectedEffortInHours !== undefined ? { ExpectedEffortInHours: item.expectedEffortInHours } : {}),
        Publisher: 'Coursera',
        Status: 'ACTIVE',
      },
      signal ? { signal } : {},
    );
    return { providerId: coursera.ProviderId };
  }

  /** Sends a batch of statements (Coursera sends at start and at completion, batched every 4 hours). */
  async sendStatements(events: ProgressEvent[], signal?: AbortSignal): Promise<string[]> {
    const body = events.map(xapiStatement);
    const ids = await this.client.send('POST', XAPI_STANDIN_PATH, {
      body,
      schema: z.array(z.string()),
      headers: { 'X-Experience-API-Version': '1.0.3' },
      ...(signal ? { signal } : {}),
    });
    return ids ?? [];
  }
}
