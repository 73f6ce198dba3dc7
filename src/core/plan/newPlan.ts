// The defaults of a new integration plan, shared by `oli init` and the extension's "Create Plan".
// Pure: no I/O; the caller writes the file.
import { formatIssues, planFileSchema, type PlanFile, type ProviderId } from './planFile';
import { findProfile, getProfile, type AuthVariant } from './profiles';

export interface NewPlanInput {
  provider: ProviderId;
  /** Default: the provider's first documented variant. */
  auth?: AuthVariant;
  /** In order; the first one is the default environment. Trailing slashes of the URL are dropped. */
  environments: { name: string; url: string }[];
  /** Default: `user.<provider>` (e.g. user.coursera). */
  integrationUser?: string;
  /** Default: `<integrationUser>@example.com` (a placeholder: `emailIsPlaceholder` says so). */
  email?: string;
  /** Job role code. Default: `XX_<PROVIDER>_CONTENT_PROVIDER_JOB`. */
  jobRole?: string;
  issuer?: string;
  /** Provider certificate path, relative to the plan. Default: `<provider>.cer`. */
  certificate?: string;
  clientId?: string;
  tokenUrl?: string;
  scope?: string;
  learnerIdentifier?: 'email' | 'username';
  visibility?: 'public' | 'private';
  catalogProfile?: string;
}

export type NewPlanErrorReason = 'invalid-plan';

/** The input does not make a valid plan (e.g. the jwt variant without an issuer). `issues` is human-readable. */
export class NewPlanError extends Error {
  override readonly name = 'NewPlanError';
  constructor(
    readonly reason: NewPlanErrorReason,
    readonly issues: string,
  ) {
    super(`The plan would not be valid: ${issues}.`);
  }
}

export interface NewPlan {
  plan: PlanFile;
  /** The integration user's email is the generated placeholder: tell the user to set the real one. */
  emailIsPlaceholder: boolean;
}

/**
 * A new plan with the documented defaults (Oracle's Coursera procedure: one integration user,
 * a job role holding only the Learning Content Provider duty, daily scheduled processes at 02:00).
 * Throws ProfileError for an unknown provider or an undocumented variant, NewPlanError when the
 * result would not validate against the plan schema.
 */
export function newPlan(input: NewPlanInput): NewPlan {
  const profile = findProfile(input.provider);
  const auth = input.auth ?? profile.auths[0]!;
  getProfile(input.provider, auth);
  const short = input.provider.split('-')[0]!;
  const userName = input.integrationUser ?? `user.${short}`;
  const environments: PlanFile['environments'] = {};
  for (const e of input.environments) environments[e.name] = { url: e.url.replace(/\/+$/, '') };
  const candidate = {
    version: 1,
    provider: input.provider,
    auth,
    environments,
    defaultEnvironment: input.environments[0]?.name,
    integrationUser: { userName, email: input.email ?? `${userName}@example.com` },
    jobRole: { name: input.jobRole ?? `XX_${short.toUpperCase()}_CONTENT_PROVIDER_JOB`, displayName: `${profile.displayName} Content Provider` },
    learnerIdentifier: input.learnerIdentifier ?? 'email',
    ...(auth === 'jwt' && profile.family === 'xapi' ? { jwt: { issuer: input.issuer ?? '', certificate: input.certificate ?? `${short}.cer` } } : {}),
    ...(auth === 'oauth' && profile.family === 'xapi' ? { oauth: { clientId: input.clientId ?? '', tokenUrl: input.tokenUrl ?? '', scope: input.scope ?? '' } } : {}),
    catalogProfile: input.catalogProfile ?? 'Default',
    visibility: input.visibility ?? 'public',
    scheduledProcesses: {},
    ess: { application: 'EarHcmEss', startTime: '02:00' },
  };
  const parsed = planFileSchema.safeParse(candidate);
  if (!parsed.success) throw new NewPlanError('invalid-plan', formatIssues(parsed.error));
  return { plan: parsed.data, emailIsPlaceholder: input.email === undefined };
}
