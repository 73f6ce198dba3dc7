import type { OracleClient } from '../../oracle/client';
import { OracleError } from '../../oracle/errors';
import { adfEq } from '../../oracle/filters';
import type { FieldAliases } from '../../oracle/lenient';
import { readSelfPacedItems, SELF_PACED_ITEMS_PATH, type SelfPacedItemView } from '../../oracle/learning';
import { refusalOf } from '../../oracle/privileges';
import { findUsersBatched, primaryWorkEmail, ScimLookupError, type ScimLookupSettings, type ScimUser } from '../../oracle/scimUsers';
import { oracleReadingOfStatement, ResolverUnavailableError, type OracleContentItem, type OracleLearner, type XapiResolver } from './xapi-oracle';

const CONTENT_BATCH = 20;
/** Items read at most when the pod refuses the content filter and the catalog is matched here instead. */
const MAX_CATALOG_SCAN = 2000;

function toLearner(u: ScimUser): OracleLearner {
  return { id: u.id, userName: u.userName, email: primaryWorkEmail(u) ?? null, active: u.active };
}

function toContent(i: SelfPacedItemView): OracleContentItem {
  return {
    learningItemId: i.id ?? '',
    title: i.title ?? '',
    externalContentId: i.externalContentId ?? null,
    contentUrl: i.contentUrl ?? null,
    status: (i.status ?? 'ACTIVE').toUpperCase(),
  };
}

export interface ResolverSettings {
  /** How the pod lets users be looked up (from `oli probe`). */
  scim?: ScimLookupSettings;
  /** The learningSelfPacedItems field names the pod uses (from `oli probe`). */
  selfPacedAliases?: FieldAliases;
}

/**
 * Resolves xAPI learners and content against a connected pod: learners through batched SCIM `or`
 * filters, content through learningSelfPacedItems `q` on ExternalContentId / ContentUrl. Call
 * `prefetch` with all statements first so a file of thousands makes a few dozen requests, not one
 * per statement; lookups not prefetched are fetched (and cached) one by one.
 *
 * Where the pod refuses a lookup (a filter form, a privilege, a release without the API, an
 * answer in an unexpected shape), the lookup falls back (smaller batches, another filter form,
 * reading the catalog) or says it could not tell (ResolverUnavailableError): never "not found".
 */
export class OracleXapiResolver implements XapiResolver {
  private readonly learners = new Map<string, OracleLearner[] | ResolverUnavailableError>();
  private readonly content = new Map<string, OracleContentItem[] | ResolverUnavailableError>();

  constructor(
    private readonly client: OracleClient,
    private readonly signal?: AbortSignal,
    private readonly settings: ResolverSettings = {},
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
    let found: Map<string, ScimUser[]>;
    try {
      found = await findUsersBatched(this.client, by === 'email' ? 'email' : 'userName', values, {
        ...(this.signal ? { signal: this.signal } : {}),
        ...(this.settings.scim ? { settings: this.settings.scim } : {}),
      });
    } catch (err) {
      const refusal = refusalOf(err, 'scim-users');
      if (!(err instanceof ScimLookupError) && !refusal) throw err;
      const unavailable = new ResolverUnavailableError(refusal ? refusal.message : (err as Error).message);
      for (const v of values) this.learners.set(`${by}:${v.toLowerCase()}`, unavailable);
      return;
    }
    for (const v of values) {
      const users = (found.get(v.toLowerCase()) ?? []).filter((u) => (by === 'email' ? primaryWorkEmail(u)?.toLowerCase() === v.toLowerCase() : u.userName.toLowerCase() === v.toLowerCase()));
      this.learners.set(`${by}:${v.toLowerCase()}`, users.map(toLearner));
    }
  }

  private async fetchContent(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const aliases = this.settings.selfPacedAliases;
    const idField = aliases?.externalContentId ?? 'ExternalContentId';
    const urlField = aliases?.contentUrl ?? 'ContentUrl';
    try {
      for (let i = 0; i < ids.length; i += CONTENT_BATCH) {
        const batch = ids.slice(i, i + CONTENT_BATCH);
        const q = batch.flatMap((id) => [adfEq(idField, id), adfEq(urlField, id)]).join(' or ');
        const { items, shape } = await readSelfPacedItems(this.client, { q, ...(this.signal ? { signal: this.signal } : {}), ...(aliases ? { aliases } : {}) });
        if (items.length && !shape.aliases.externalContentId && !shape.aliases.contentUrl) throw this.shapeError(shape.sample);
        for (const id of batch) this.content.set(id, items.filter((it) => it.externalContentId === id || it.contentUrl === id).map(toContent));
      }
    } catch (err) {
      if (err instanceof OracleError && err.status === 400) return this.matchInCatalog(ids.filter((id) => !this.content.has(id)));
      if (err instanceof ResolverUnavailableError) return this.markUnavailable(ids, err);
      const refusal = refusalOf(err, 'learning-self-paced-items');
      if (!refusal) throw err;
      this.markUnavailable(ids, new ResolverUnavailableError(refusal.message));
    }
  }

  /** The pod refused the content filter (its field names differ): read the catalog once and match here. */
  private async matchInCatalog(ids: string[]): Promise<void> {
    try {
      const aliases = this.settings.selfPacedAliases;
      const { items, shape } = await readSelfPacedItems(this.client, { maxItems: MAX_CATALOG_SCAN + 1, ...(this.signal ? { signal: this.signal } : {}), ...(aliases ? { aliases } : {}) });
      if (items.length > MAX_CATALOG_SCAN) throw new ResolverUnavailableError(`the pod refused a filter on the content id, and its catalog holds more than ${MAX_CATALOG_SCAN} items to read instead`);
      if (items.length && !shape.aliases.externalContentId && !shape.aliases.contentUrl) throw this.shapeError(shape.sample);
      for (const id of ids) this.content.set(id, items.filter((it) => it.externalContentId === id || it.contentUrl === id).map(toContent));
    } catch (err) {
      if (err instanceof ResolverUnavailableError) return this.markUnavailable(ids, err);
      const refusal = refusalOf(err, 'learning-self-paced-items');
      if (!refusal) throw err;
      this.markUnavailable(ids, new ResolverUnavailableError(refusal.message));
    }
  }

  private shapeError(sample: unknown): ResolverUnavailableError {
    return new ResolverUnavailableError(
      `GET ${SELF_PACED_ITEMS_PATH} answered in a shape we did not expect: no external content id or content URL field under any known name (first item: ${JSON.stringify(sample)})`,
    );
  }

  private markUnavailable(ids: string[], err: ResolverUnavailableError): void {
    for (const id of ids) this.content.set(id, err);
  }

  async findLearner(by: 'email' | 'username', value: string): Promise<OracleLearner[]> {
    const key = `${by}:${value.toLowerCase()}`;
    if (!this.learners.has(key)) await this.fetchLearners(by, [value]);
    const v = this.learners.get(key) ?? [];
    if (v instanceof ResolverUnavailableError) throw v;
    return v;
  }

  async findContent(contentId: string): Promise<OracleContentItem[]> {
    if (!this.content.has(contentId)) await this.fetchContent([contentId]);
    const v = this.content.get(contentId) ?? [];
    if (v instanceof ResolverUnavailableError) throw v;
    return v;
  }
}
