import type { OracleClient } from '../../oracle/client';
import { adfEq } from '../../oracle/filters';
import { listSelfPacedItems, type SelfPacedItem } from '../../oracle/learning';
import { findUsersBatched, primaryWorkEmail, type ScimUser } from '../../oracle/scimUsers';
import { oracleReadingOfStatement, type OracleContentItem, type OracleLearner, type XapiResolver } from './xapi-oracle';

const CONTENT_BATCH = 20;

function toLearner(u: ScimUser): OracleLearner {
  return { id: u.id, userName: u.userName, email: primaryWorkEmail(u) ?? null, active: u.active };
}

function toContent(i: SelfPacedItem): OracleContentItem {
  const r = i as Record<string, unknown>;
  return {
    learningItemId: (r.LearningItemId as number | string | undefined) ?? '',
    title: String(r.Title ?? ''),
    externalContentId: (r.ExternalContentId as string | undefined) ?? null,
    contentUrl: (r.ContentUrl as string | undefined) ?? null,
    status: String(r.Status ?? 'ACTIVE'),
  };
}

/**
 * Resolves xAPI learners and content against a connected pod: learners through batched SCIM `or`
 * filters, content through learningSelfPacedItems `q` on ExternalContentId / ContentUrl. Call
 * `prefetch` with all statements first so a file of thousands makes a few dozen requests, not one
 * per statement; lookups not prefetched are fetched (and cached) one by one.
 */
export class OracleXapiResolver implements XapiResolver {
  private readonly learners = new Map<string, OracleLearner[]>();
  private readonly content = new Map<string, OracleContentItem[]>();

  constructor(
    private readonly client: OracleClient,
    private readonly signal?: AbortSignal,
  ) {}

  async prefetch(statements: unknown[]): Promise<void> {
    const byEmail = new Set<string>();
    const byUserName = new Set<string>();
    const contentIds = new Set<string>();
    for (const s of statements) {
      const r = oracleReadingOfStatement(s);
      if (r.learner.mappable && r.learner.value) {
        const key = `${r.learner.by}:${r.learner.value.toLowerCase()}`;
        if (!this.learners.has(key)) (r.learner.by === 'email' ? byEmail : byUserName).add(r.learner.value);
      }
      if (r.contentId && !this.content.has(r.contentId)) contentIds.add(r.contentId);
    }
    await Promise.all([this.fetchLearners('email', [...byEmail]), this.fetchLearners('username', [...byUserName]), this.fetchContent([...contentIds])]);
  }

  private async fetchLearners(by: 'email' | 'username', values: string[]): Promise<void> {
    if (!values.length) return;
    const found = await findUsersBatched(this.client, by === 'email' ? 'email' : 'userName', values, this.signal ? { signal: this.signal } : {});
    for (const v of values) {
      const users = (found.get(v.toLowerCase()) ?? []).filter((u) => (by === 'email' ? primaryWorkEmail(u)?.toLowerCase() === v.toLowerCase() : u.userName.toLowerCase() === v.toLowerCase()));
      this.learners.set(`${by}:${v.toLowerCase()}`, users.map(toLearner));
    }
  }

  private async fetchContent(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CONTENT_BATCH) {
      const batch = ids.slice(i, i + CONTENT_BATCH);
      const q = batch.flatMap((id) => [adfEq('ExternalContentId', id), adfEq('ContentUrl', id)]).join(' or ');
      const items = (await listSelfPacedItems(this.client, { q, ...(this.signal ? { signal: this.signal } : {}) })).map(toContent);
      for (const id of batch) this.content.set(id, items.filter((it) => it.externalContentId === id || it.contentUrl === id));
    }
  }

  async findLearner(by: 'email' | 'username', value: string): Promise<OracleLearner[]> {
    const key = `${by}:${value.toLowerCase()}`;
    if (!this.learners.has(key)) await this.fetchLearners(by, [value]);
    return this.learners.get(key) ?? [];
  }

  async findContent(contentId: string): Promise<OracleContentItem[]> {
    if (!this.content.has(contentId)) await this.fetchContent([contentId]);
    return this.content.get(contentId) ?? [];
  }
}
