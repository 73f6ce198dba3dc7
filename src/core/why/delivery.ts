import type { ProviderId } from '../plan/planFile';

/**
 * How each provider delivers progress, as Oracle documents it (faiol "Handling ... Completions"
 * pages, and the data exchange reference). `delayMs`: the longest documented time between a
 * completion and its statement reaching Oracle (undefined: not documented).
 */
export interface DeliveryProfile {
  /** One sentence, in Oracle's words as far as possible. */
  sends: string;
  delayMs?: number;
  /** How the delay is said to a support desk. */
  delayText?: string;
  /** What a retake does. */
  retake?: string;
  basis: 'documented' | 'inferred';
}

const HOUR = 3_600_000;

export const DELIVERY: Partial<Record<ProviderId, DeliveryProfile>> = {
  coursera: {
    sends: 'Coursera sends statements at start and at completion only, in batches every 4 hours',
    delayMs: 4 * HOUR,
    delayText: 'up to 4 hours after the completion',
    retake: 'an assessment retake with a new score creates another enrollment rather than updating the first',
    basis: 'documented',
  },
  'udemy-business': {
    sends: 'Udemy Business sends completions only, in near real time',
    delayMs: 0,
    delayText: 'near real time',
    retake: 'Udemy Business sends no retakes',
    basis: 'documented',
  },
  edflex: {
    sends: 'Edflex sends statements at start and at completion; some content types send nothing',
    basis: 'documented',
  },
};

export function deliveryOf(provider: ProviderId, displayName: string): DeliveryProfile {
  return DELIVERY[provider] ?? { sends: `Oracle documents no delivery schedule for ${displayName}`, basis: 'documented' };
}
