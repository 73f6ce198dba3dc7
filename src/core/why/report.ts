import * as z from 'zod';
import { BASES } from '../../oracle/basis';

/** A link of the "why didn't this land?" timeline: what must be true, checked against the pod. */
export const WHY_LINK_STATUSES = ['ok', 'broken', 'waiting', 'unknown', 'info'] as const;
export type WhyLinkStatus = (typeof WHY_LINK_STATUSES)[number];

export const WHY_OUTCOMES = ['landed', 'not-landed', 'not-yet', 'should-have-landed', 'cannot-tell'] as const;
export type WhyOutcome = (typeof WHY_OUTCOMES)[number];

export const whyLinkSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  status: z.enum(WHY_LINK_STATUSES),
  message: z.string(),
  /** What to do when the link is broken, waiting or unknown. */
  check: z.string().optional(),
  basis: z.enum(BASES),
  /** The time this link stands at on the timeline (the completion, the delivery, a run, the record). */
  at: z.string().optional(),
});
export type WhyLink = z.infer<typeof whyLinkSchema>;

export const whyReportSchema = z.strictObject({
  environment: z.string(),
  url: z.string(),
  at: z.string(),
  requests: z.number().int().nonnegative(),
  provider: z.string(),
  learner: z.string(),
  content: z.string(),
  /** When the learner completed (--since), when given. */
  since: z.string().nullable(),
  links: z.array(whyLinkSchema),
  verdict: z.strictObject({
    outcome: z.enum(WHY_OUTCOMES),
    /** The first broken (or waiting) link the verdict rests on. */
    link: z.string().optional(),
    /** In words a support desk can paste into a ticket. */
    text: z.string(),
  }),
});
export type WhyReport = z.infer<typeof whyReportSchema>;
