import type { FastifyReply, FastifyRequest } from 'fastify';

/** Which error body a route answers with: each Oracle API family has its own documented shape. */
export type ErrorFamily = 'adf' | 'scim' | 'ess' | 'oauth' | 'hook';

export interface HttpErrorOptions {
  /** ADF `o:errorCode`, ESS `errorCode` (ESS-xxxxx) or OAuth `error`. */
  code?: string;
  /** SCIM `scimType` (e.g. invalidFilter, uniqueness). */
  scimType?: string;
  title?: string;
  headers?: Record<string, string>;
}

/** An error a sandbox route answers with; `reason` becomes the body's detail (never contains secrets). */
export class SandboxHttpError extends Error {
  override readonly name = 'SandboxHttpError';
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly options: HttpErrorOptions = {},
  ) {
    super(reason);
  }
}

/** Why the sandbox could not start (bad state file, port in use, bad option). */
export class SandboxStartError extends Error {
  override readonly name = 'SandboxStartError';
  constructor(
    readonly reason: 'state-file' | 'port-in-use' | 'options',
    message: string,
  ) {
    super(message);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function familyOf(url: string): ErrorFamily {
  if (url.startsWith('/hcmRestApi/scim/')) return 'scim';
  if (url.startsWith('/ess/')) return 'ess';
  if (url.startsWith('/oauth2/')) return 'oauth';
  if (url.startsWith('/__sandbox/')) return 'hook';
  return 'adf';
}

/** `REST-Framework-Version` header: 1 (default) to 8; anything else is a 400. */
export function frameworkVersion(request: FastifyRequest): number {
  const raw = request.headers['rest-framework-version'];
  if (raw === undefined) return 1;
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) return 1;
  return n;
}

/** Stand-in ESS error codes for answers no route gives a code (Oracle's are not published). */
const ESS_DEFAULT_CODES: Record<number, string> = { 403: 'ESS-01006' };

export const ADF_ERROR_TYPE = 'application/vnd.oracle.adf.error+json';

/** Writes `err` in the shape of the request's API family. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: SandboxHttpError): FastifyReply {
  const { status, reason, options } = err;
  reply.code(status);
  for (const [k, v] of Object.entries(options.headers ?? {})) reply.header(k, v);
  const title = options.title ?? titleFor(status);
  if (status === 401) {
    // Always JSON, whatever the family: see docs/SANDBOX.md "Authentication".
    reply.header('WWW-Authenticate', 'Basic realm="oracle-pod-sandbox", Bearer realm="oracle-pod-sandbox"');
    return reply.type(ADF_ERROR_TYPE).send({ title, status, 'o:errorDetails': [{ detail: reason, 'o:errorCode': options.code ?? 'SANDBOX-401' }] });
  }
  switch (familyOf(request.url)) {
    case 'scim':
      return reply.type('application/json').send({
        schemas: ['urn:scim:api:messages:2.0:Error'],
        status: String(status),
        detail: reason,
        ...(options.scimType ? { scimType: options.scimType } : {}),
      });
    case 'ess':
      return reply.type('application/json').send({ title, detail: reason, errorCode: options.code ?? ESS_DEFAULT_CODES[status] ?? 'ESS-00000', status });
    case 'oauth':
      return reply.type('application/json').send({ error: options.code ?? 'invalid_request', error_description: reason });
    case 'hook':
      return reply.type('application/json').send({ error: reason });
    case 'adf':
      if (frameworkVersion(request) >= 4) {
        return reply.type(ADF_ERROR_TYPE).send({ title, status, 'o:errorDetails': [{ detail: reason, 'o:errorCode': options.code ?? `SANDBOX-${status}` }] });
      }
      return reply.type('text/plain; charset=utf-8').send(reason);
  }
}
