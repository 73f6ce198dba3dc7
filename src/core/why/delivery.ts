import * as l10n from '@vscode/l10n';
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
  /** A retake creates another enrollment (the learner's latest enrollment is the one to read). */
  retakeIsAnotherEnrollment?: boolean;
  basis: 'documented' | 'inferred';
}

const HOUR = 3_600_000;

/** The documented profiles, their sentences in the language configured when asked (so built on each call). */
function deliveryProfiles(): Partial<Record<ProviderId, DeliveryProfile>> {
  return {
    coursera: {
      sends: l10n.t('Coursera sends statements at start and at completion only, in batches every 4 hours'),
      delayMs: 4 * HOUR,
      delayText: l10n.t('up to 4 hours after the completion'),
      retake: l10n.t('an assessment retake with a new score creates another enrollment rather than updating the first'),
      retakeIsAnotherEnrollment: true,
      basis: 'documented',
    },
    'udemy-business': {
      sends: l10n.t('Udemy Business sends completions only, in near real time'),
      delayMs: 0,
      delayText: l10n.t('near real time'),
      retake: l10n.t('Udemy Business sends no retakes'),
      basis: 'documented',
    },
    edflex: {
      sends: l10n.t('Edflex sends statements at start and at completion; some content types send nothing'),
      basis: 'documented',
    },
  };
}

export function deliveryOf(provider: ProviderId, displayName: string): DeliveryProfile {
  return deliveryProfiles()[provider] ?? { sends: l10n.t('Oracle documents no delivery schedule for {0}', displayName), basis: 'documented' };
}
