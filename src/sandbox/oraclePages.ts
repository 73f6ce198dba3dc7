import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context';
import { SEED_TIME } from './seed';
import { pageAnchor } from './pageAnchor';

export { pageAnchor };

/**
 * What "Open in Oracle" shows on the sandbox. A real pod answers the deep-link path
 * (`/fscmUI/faces/FuseWelcome`, Oracle Fusion's home page) with its sign-in and home page; the
 * sandbox has no Oracle pages, so it answers with a page that says so and describes, for each
 * Oracle page the integration steps send an administrator to, what the administrator does there in
 * Oracle and how the sandbox simulates it (the test-only hook behind "Do this in the sandbox" in
 * VS Code), with what the sandbox currently holds for that page. Labelled everywhere as a
 * simulation: nothing here pretends to be Oracle's UI.
 */
export const ORACLE_HOME_PATH = '/fscmUI/faces/FuseWelcome';

/** UI pages, not API routes: no fault injection, latency or request counting. */
export const isUiPageUrl = (url: string): boolean => url === ORACLE_HOME_PATH || url.startsWith(`${ORACLE_HOME_PATH}?`) || url.startsWith(`${ORACLE_HOME_PATH}#`);

export interface SimulatedPage {
  /** The menu path in Oracle, as the steps' deep links give it. */
  navigation: string;
  title: string;
  /** What an administrator does on this page in Oracle. */
  inOracle: string;
  /** How the sandbox simulates it (the hook "Do this in the sandbox" calls), or why nothing needs simulating. */
  inSandbox: string;
  /** What the sandbox holds now for this page (one line each). */
  now(ctx: SandboxContext): string[];
}

const created = (t: number) => t > SEED_TIME;

export const SIMULATED_PAGES: readonly SimulatedPage[] = [
  {
    navigation: 'Navigator > My Client Groups > Learning > Learning Setup',
    title: 'Learning Setup',
    inOracle: 'Enable self-paced learning, the Redwood learner pages and Redwood catalog management (24D or later).',
    inSandbox: 'POST /__sandbox/settings {"selfPacedLearning": true} (the sandbox has only this switch; there are no Redwood settings to simulate).',
    now: (ctx) => [`Self-paced learning: ${ctx.tenant.settings.selfPacedLearning ? 'enabled' : 'disabled'}`, `Single sign-on marked as configured: ${ctx.tenant.settings.sso ? 'yes' : 'no'}`],
  },
  {
    navigation: 'Navigator > Tools > Security Console > Roles',
    title: 'Security Console: Roles',
    inOracle: 'Create Role, category "HCM - Job Roles"; in Role Hierarchy add only the duty role "Learning Content Provider" (ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY); save.',
    inSandbox: 'POST /__sandbox/roles {"name", "displayName", "category": "JOB", "duties": ["ORA_WLF_LEARNING_CONTENT_PROVIDER_DUTY"]}. SCIM cannot create roles (405), in Oracle as in the sandbox.',
    now: (ctx) => {
      const roles = [...ctx.tenant.roles.values()].filter((r) => created(r.created));
      return roles.length ? roles.map((r) => `${r.name} (${r.displayName}), ${r.category}, duties: ${r.duties.join(', ') || 'none'}, ${r.members.size} member(s)`) : ['No role created yet.'];
    },
  },
  {
    navigation: 'Navigator > Tools > Security Console > Users',
    title: 'Security Console: Users',
    inOracle: 'The integration user is created through SCIM (a documented API): running the "Integration user" step does it, in Oracle as in the sandbox.',
    inSandbox: 'Nothing simulated: the step uses the SCIM Users and Roles APIs the sandbox emulates.',
    now: (ctx) => {
      const users = ctx.tenant.changedUsers().filter((u) => u.seedIndex === null && u.id !== ctx.tenant.adminId);
      return users.length ? users.map((u) => `${u.userName}${u.active ? '' : ' (inactive)'}${u.personId === null ? ', no person record' : ''}`) : ['No user created yet.'];
    },
  },
  {
    navigation: 'My Client Groups > Learning > Configure External Providers',
    title: 'Configure External Providers',
    inOracle: 'Select the provider; enter the integration user, the learning catalog profile and the visibility; Validate; review the attribute mappings; save.',
    inSandbox: 'POST /__sandbox/external-providers {"provider", "userName", "catalogProfile", "visibility", "learnerIdentifier"}. The provider then appears in digitalLearningProviders, which the step reads.',
    now: (ctx) => {
      const providers = [...ctx.tenant.externalProviders.values()];
      return providers.length ? providers.map((p) => `${p.providerName}: user ${p.userName}, catalog profile "${p.catalogProfile}", ${p.visibility}, learners by ${p.learnerIdentifier}`) : ['No provider configured yet.'];
    },
  },
  {
    navigation: 'Navigator > Tools > Security Console > API Authentication',
    title: 'Security Console: API Authentication',
    inOracle: 'Create Oracle API Authentication Provider: the trusted issuer exactly as the provider gave it, token type JWT, and the provider certificate as an inbound certificate with a unique alias.',
    inSandbox: 'POST /__sandbox/api-authentication-providers {"issuer", "alias", "certificate"} (PEM). The sandbox then accepts JWTs signed for that issuer and certificate, checked on every request.',
    now: (ctx) => {
      const regs = [...ctx.tenant.apiAuthProviders.values()];
      return regs.length ? regs.map((r) => `Issuer "${r.issuer}", alias ${r.alias}, x5t ${r.x5t}`) : ['No issuer registered yet.'];
    },
  },
  {
    navigation: 'Navigator > Tools > Scheduled Processes',
    title: 'Scheduled Processes',
    inOracle: 'Schedule New Process: submit each Learning process (once, or on a daily schedule). Oracle does not publish their job definition ids; the tool discovers them from requests submitted here.',
    inSandbox: 'POST /__sandbox/ess/submit {"jobDefinitionId", "schedule"?} with the sandbox\'s stand-in job definition ids (labelled "sandbox-standin").',
    now: (ctx) => {
      const requests = [...ctx.tenant.essRequests.values()].sort((a, b) => b.requestId - a.requestId).slice(0, 12);
      return requests.length
        ? requests.map((r) => `Request ${r.requestId}: ${r.jobDefinitionId.split('/').pop()}${r.schedule ? ` (daily from ${r.schedule.startTime})` : ' (once)'}${r.cancelledAt !== null ? ', cancelled' : ''}`)
        : ['No process submitted yet.'];
    },
  },
];

const PAGE_STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #1f1f1f; background: #ffffff; line-height: 1.45; }
  header { background: #7a2e00; color: #ffffff; padding: 12px 24px; position: sticky; top: 0; }
  header p { margin: 0; }
  header h1 { margin: 0 0 4px; font-size: 1.4em; }
  main { padding: 8px 24px 32px; max-width: 60em; }
  section { border: 1px solid #c8c8c8; border-radius: 6px; padding: 4px 16px 8px; margin: 16px 0; scroll-margin-top: 96px; }
  section:target { border: 2px solid #005fb8; background: #f2f7fc; }
  h2 { font-size: 1.15em; }
  .nav { font-family: ui-monospace, monospace; color: #3b3b3b; }
  dt { font-weight: 600; margin-top: 8px; }
  dd { margin: 2px 0 0 0; }
  ul { margin: 4px 0; padding-left: 20px; }
`;
/** The page's only style, allowed by its hash in the CSP (no inline allowance). */
const STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function oracleHomePage(ctx: SandboxContext): string {
  const sections = SIMULATED_PAGES.map((p) => {
    const items = p.now(ctx).map((line) => `<li>${escapeHtml(line)}</li>`).join('');
    return `<section id="${pageAnchor(p.navigation)}">
<h2>${escapeHtml(p.title)}</h2>
<p class="nav">In Oracle: ${escapeHtml(p.navigation)}</p>
<dl>
<dt>What an administrator does there in Oracle</dt><dd>${escapeHtml(p.inOracle)}</dd>
<dt>How this sandbox simulates it</dt><dd>${escapeHtml(p.inSandbox)}</dd>
<dt>In this sandbox now</dt><dd><ul>${items}</ul></dd>
</dl>
</section>`;
  }).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local sandbox: simulated Oracle pages (not Oracle)</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header role="banner">
<h1>Local sandbox: simulated Oracle pages (this is not Oracle)</h1>
<p>An offline emulator of an Oracle Fusion pod, running on your machine.</p>
</header>
<main>
<p>On a real pod, "Open in Oracle" opens Oracle Fusion's home page, and you follow the menu path VS Code shows. This sandbox has no Oracle pages. What an administrator does on them is simulated by <strong>Do this in the sandbox</strong> in the Oracle Learning view, through the sandbox's test-only hooks under <code>/__sandbox/</code>. Product code never calls those hooks against any other environment.</p>
${sections}
</main>
</body>
</html>
`;
}

export function registerOraclePages(app: FastifyInstance, ctx: SandboxContext): void {
  app.get(ORACLE_HOME_PATH, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', `default-src 'none'; style-src ${STYLE_HASH}; frame-ancestors 'none'`)
      .header('cache-control', 'no-store')
      .send(oracleHomePage(ctx)),
  );
}
