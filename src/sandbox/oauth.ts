import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod';
import { verifySecret } from './auth';
import type { SandboxContext } from './context';
import { userGrant } from './identityDomain';

/** OAuth client credentials token endpoint [STAND-IN for the OCI IAM domain's /oauth2/v1/token]. */
export const OAUTH_TOKEN_PATH = '/oauth2/v1/token';
export const OAUTH_TOKEN_TTL_S = 3600;

/** The scope a client must ask for: Fusion's documented form with this pod's instance id. */
export function fusionScope(instanceId: string): string {
  return `urn:opc:resource:fa:instanceid=${instanceId}urn:opc:resource:consumer::all`;
}

const TokenForm = z.object({
  grant_type: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="oauth2-token-standin"');
  return reply.code(status).type('application/json').send({ error, error_description: description });
}

function basicClient(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.post(OAUTH_TOKEN_PATH, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oauthError(reply, 400, 'invalid_request', 'Send the token request as application/x-www-form-urlencoded.');
    }
    // The user grants of public applications (authorization code + PKCE, refresh token, device code).
    const answered = userGrant(ctx, ctx.identityDomain, request, reply);
    if (answered) return answered;
    const form = TokenForm.safeParse(request.body ?? {});
    if (!form.success) return oauthError(reply, 400, 'invalid_request', 'The form fields are not valid.');
    const { grant_type, scope, client_id, client_secret } = form.data;
    if (grant_type !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'Supported: client_credentials, authorization_code, refresh_token and the device code grant.');
    }
    const creds = basicClient(request.headers.authorization) ?? (client_id !== undefined && client_secret !== undefined ? { id: client_id, secret: client_secret } : null);
    if (!creds) return oauthError(reply, 401, 'invalid_client', 'Client authentication is required (Basic or client_id/client_secret).');
    const client = ctx.tenant.oauthClients.get(creds.id);
    if (!client || !verifySecret(creds.secret, client.secretHash)) {
      return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
    }
    const expected = fusionScope(ctx.tenant.instanceId);
    if ((scope ?? '').trim() !== expected) {
      return oauthError(reply, 400, 'invalid_scope', `The scope must be ${expected}.`);
    }
    const now = ctx.now();
    for (const [t, issued] of ctx.tenant.oauthTokens) if (issued.expiresAt <= now) ctx.tenant.oauthTokens.delete(t);
    const token = randomBytes(32).toString('base64url');
    ctx.tenant.oauthTokens.set(token, { userName: client.userName, clientId: client.clientId, expiresAt: now + OAUTH_TOKEN_TTL_S * 1000 });
    return reply.code(200).send({ access_token: token, token_type: 'Bearer', expires_in: OAUTH_TOKEN_TTL_S });
  });
}
