import * as z from 'zod';

import { EMAIL_FILTER_FORMS } from '../../oracle/scimUsers';

const jobId = z.string().regex(/^JobDefinition:\/\/\S+$/);

/**
 * What `oli probe` confirmed on a pod, kept in the environment's state so that later status and
 * apply use it instead of guessing again: learning job ids, the field names the pod uses, how
 * SCIM filters may be written there, and the ESS words seen. Never secrets, never values.
 */
export const learnedSchema = z.lazy(() => z.strictObject({
  /** When the probe ran. */
  at: z.string(),
  /** Job definition ids found on requests the admin submitted, by process key. */
  jobDefinitionIds: z.record(z.string(), jobId).optional(),
  /** Per resource: logical field -> the key the pod uses (e.g. digitalLearningProviders.name -> "providerName"). */
  fieldAliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  scim: z
    .strictObject({
      /** How the pod lets users be found by email. */
      emailFilter: z.enum(EMAIL_FILTER_FORMS).optional(),
      /** Whether `a or b` filters are accepted. */
      orFilter: z.boolean().optional(),
      /** Values per `or` filter that the pod accepted. */
      batchSize: z.number().int().positive().max(1000).optional(),
      /** Longest filter (characters) the pod accepted. */
      maxFilterLength: z.number().int().positive().optional(),
    })
    .optional(),
  ess: z
    .strictObject({
      /** requestType words seen on schedules (requests with a schedule definition). */
      recurringWords: z.array(z.string().max(60)).max(20).optional(),
      /** requestType words seen on one-off requests. */
      oneOffWords: z.array(z.string().max(60)).max(20).optional(),
    })
    .optional(),
  /** One line for the tree and the status: "14 confirmed, 2 refused, 1 not available". */
  summary: z.string().max(300).optional(),
}));
export type Learned = z.infer<typeof learnedSchema>;

/** What the xAPI resolver can reuse from a probe: how users are looked up and the catalog's field names. */
export function resolverSettingsOf(learned: Learned | undefined): { scim?: NonNullable<Learned['scim']>; selfPacedAliases?: Record<string, string> } {
  return {
    ...(learned?.scim ? { scim: learned.scim } : {}),
    ...(learned?.fieldAliases?.learningSelfPacedItems ? { selfPacedAliases: learned.fieldAliases.learningSelfPacedItems } : {}),
  };
}
