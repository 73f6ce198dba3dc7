import * as l10n from '@vscode/l10n';
import * as z from 'zod';

/** The stages of a certificate rotation, in order (Oracle's way: the new certificate next to the old one, then the old one removed). */
export const ROTATION_STAGES = ['inspect', 'register', 'verify', 'update-plan', 'remove-old'] as const;
export type RotationStage = (typeof ROTATION_STAGES)[number];

export const STAGE_TITLES: Record<RotationStage, string> = {
  inspect: 'Inspect the new certificate',
  register: 'Register it under a new alias, next to the old one (Security Console, guided)',
  verify: 'Verify with a token signed for the new certificate',
  'update-plan': 'Update the plan to the new certificate',
  'remove-old': 'Remove the old alias once the provider uses the new one (guided)',
};

/**
 * A stage's title in the display language (VS Code's; English in the CLI), for what a person reads
 * (health findings, the certificate's status bar). Histories, reports and errors keep STAGE_TITLES.
 */
export function stageTitle(stage: RotationStage): string {
  switch (stage) {
    case 'inspect':
      return l10n.t('Inspect the new certificate');
    case 'register':
      return l10n.t('Register it under a new alias, next to the old one (Security Console, guided)');
    case 'verify':
      return l10n.t('Verify with a token signed for the new certificate');
    case 'update-plan':
      return l10n.t('Update the plan to the new certificate');
    case 'remove-old':
      return l10n.t('Remove the old alias once the provider uses the new one (guided)');
  }
}

const certificateFacts = z.lazy(() => z.strictObject({
  /** Path as given (relative to the plan folder when inside it). */
  file: z.string(),
  subject: z.string(),
  sha1: z.string(),
  x5t: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
}));
export type CertificateFacts = z.infer<typeof certificateFacts>;

const stageRecord = z.lazy(() => z.strictObject({
  at: z.string(),
  by: z.string(),
  /** What the stage rests on: an attestation note, a verification's answer, the plan's old and new values. Never a secret. */
  evidence: z.record(z.string(), z.unknown()),
}));
export type StageRecord = z.infer<typeof stageRecord>;

export const rotationSchema = z.lazy(() => z.strictObject({
  startedAt: z.string(),
  startedBy: z.string(),
  /** The certificate the plan named when the rotation started (null when it could not be read). */
  oldCertificate: certificateFacts.nullable(),
  newCertificate: certificateFacts,
  newAlias: z.string(),
  /** The alias the old certificate is registered under, when the user said it. */
  oldAlias: z.string().nullable(),
  stages: z.partialRecord(z.enum(ROTATION_STAGES), stageRecord),
  completedAt: z.string().optional(),
  abandonedAt: z.string().optional(),
}));
/** A certificate rotation of one environment, stage by stage with its evidence (kept in the state file). */
export type Rotation = z.infer<typeof rotationSchema>;

/** The first stage not done yet, or undefined when the rotation is complete. */
export function nextStage(r: Rotation): RotationStage | undefined {
  return ROTATION_STAGES.find((s) => !r.stages[s]);
}

export function isOpen(r: Rotation | undefined): r is Rotation {
  return !!r && !r.completedAt && !r.abandonedAt;
}
