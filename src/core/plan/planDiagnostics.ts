// Problems of a plan file with exact places (issue 13): JSON syntax errors, schema errors and the
// plan's own rules (a default environment that does not exist, a secret written into the plan),
// each with the offset and length of the text it is about. Pure: the VS Code side turns them into
// Diagnostics and quick fixes; the CLI and the tests can use them as they are.
import { findNodeAtLocation, getNodePath, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { planFileSchema } from './planFile';

export type PlanProblemCode = 'json-syntax' | 'schema' | 'unknown-default-environment' | 'secret-in-plan';

/** What kind of secret was found, and where it would belong. */
export type SecretKind = 'admin-password' | 'client-secret' | 'private-key' | 'other';

export interface PlanProblem {
  code: PlanProblemCode;
  severity: 'error' | 'warning';
  message: string;
  /** Offset and length in the text (UTF-16 code units, as VS Code positions count). */
  offset: number;
  length: number;
  /** JSON path of the value concerned. */
  path: (string | number)[];
  /** `unknown-default-environment`: the environments to choose from. */
  environments?: string[];
  /** `secret-in-plan`: what it is, and the environment it was found under, if any. */
  secret?: { kind: SecretKind; key: string; environment?: string };
}

const SECRET_KEY = /^(password|passwd|clientSecret|client_secret|secret|privateKey|private_key|apiKey|api_key|token|accessToken|access_token)$/i;
const PRIVATE_KEY_PEM = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

function secretKind(key: string, value: unknown): SecretKind {
  if (typeof value === 'string' && PRIVATE_KEY_PEM.test(value)) return 'private-key';
  if (/^pass(wd|word)$/i.test(key)) return 'admin-password';
  if (/^client_?secret$/i.test(key)) return 'client-secret';
  if (/^private_?key$/i.test(key)) return 'private-key';
  return 'other';
}

/** The text range of a path: the value when it exists, else the nearest enclosing node (a missing field marks its object). */
function rangeOf(root: Node | undefined, path: (string | number)[], text: string): { offset: number; length: number } {
  for (let n = path.length; n >= 0 && root; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) {
      // A whole object or array is long: mark its first line only (its opening brace), not the whole text.
      if ((node.type === 'object' || node.type === 'array') && n < path.length) {
        const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
        return key ? { offset: key.offset, length: key.length } : { offset: node.offset, length: 1 };
      }
      return { offset: node.offset, length: Math.max(1, node.length) };
    }
  }
  return { offset: 0, length: Math.min(1, text.length) };
}

/** The range of a property's key (for an unknown field). */
function keyRange(root: Node | undefined, objectPath: (string | number)[], key: string): { offset: number; length: number } | undefined {
  const obj = root && findNodeAtLocation(root, objectPath);
  const prop = obj?.children?.find((p) => p.type === 'property' && p.children?.[0]?.value === key);
  const k = prop?.children?.[0];
  return k ? { offset: k.offset, length: k.length } : undefined;
}

/** Every property whose key or value looks like a secret (walks the whole tree). */
function secretsIn(root: Node): PlanProblem[] {
  const out: PlanProblem[] = [];
  const visit = (node: Node) => {
    if (node.type === 'property') {
      const [k, v] = node.children ?? [];
      const key = typeof k?.value === 'string' ? k.value : '';
      const value = v?.type === 'string' ? (v.value as string) : undefined;
      if (k && v && (SECRET_KEY.test(key) || (value !== undefined && PRIVATE_KEY_PEM.test(value)))) {
        const path = getNodePath(v);
        const environment = path[0] === 'environments' && typeof path[1] === 'string' ? path[1] : undefined;
        const kind = secretKind(key, value);
        const where = kind === 'admin-password' ? 'SecretStorage ("Set Credentials"), bound to the pod' : kind === 'client-secret' ? 'SecretStorage as the provider client secret, bound to the pod' : 'the provider (never in the plan)';
        out.push({
          code: 'secret-in-plan',
          severity: 'error',
          message: `"${key}" looks like a secret: the plan file is shared and must never hold one. Move it to ${where}, then remove it here.`,
          offset: k.offset,
          length: v.offset + v.length - k.offset,
          path,
          secret: { kind, key, ...(environment ? { environment } : {}) },
        });
      }
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(root);
  return out;
}

/** The problems of a plan file's text, in text order. An empty list: the plan is valid. */
export function diagnosePlan(text: string): PlanProblem[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = text.length - body.length;
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  if (errors.length || !root) {
    return errors.map((e) => ({
      code: 'json-syntax' as const,
      severity: 'error' as const,
      message: `Not valid JSON: ${syntaxMessage(e.error)}.`,
      offset: e.offset + shift,
      length: Math.max(1, e.length),
      path: [],
    }));
  }
  const problems: PlanProblem[] = secretsIn(root);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return [{ code: 'json-syntax', severity: 'error', message: `Not valid JSON: ${(err as Error).message}.`, offset: shift, length: 1, path: [] }];
  }
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      // The secret rule has no place in zod's answer: each secret is reported where it is, above.
      if (issue.code === 'custom' && path.length === 0 && /must not hold secrets/.test(issue.message)) {
        if (!problems.some((p) => p.code === 'secret-in-plan')) problems.push({ code: 'secret-in-plan', severity: 'error', message: `${issue.message}.`, offset: shift, length: 1, path: [] });
        continue;
      }
      if (issue.code === 'custom' && path.length === 1 && path[0] === 'defaultEnvironment') {
        const environments = root && findNodeAtLocation(root, ['environments'])?.children?.map((p) => p.children?.[0]?.value).filter((v): v is string => typeof v === 'string');
        const r = rangeOf(root, path, body);
        problems.push({
          code: 'unknown-default-environment',
          severity: 'error',
          message: `defaultEnvironment: ${issue.message}${environments?.length ? ` (the plan has ${environments.map((e) => `"${e}"`).join(', ')})` : ''}.`,
          offset: r.offset + shift,
          length: r.length,
          path,
          ...(environments ? { environments } : {}),
        });
        continue;
      }
      if (issue.code === 'unrecognized_keys') {
        for (const key of (issue as { keys?: string[] }).keys ?? []) {
          if (SECRET_KEY.test(key)) continue; // said above, with its fix
          const r = keyRange(root, path, key) ?? rangeOf(root, path, body);
          problems.push({ code: 'schema', severity: 'error', message: `${[...path, key].join('.')}: not a field of the plan${suggestion(key)}.`, offset: r.offset + shift, length: r.length, path: [...path, key] });
        }
        continue;
      }
      const r = rangeOf(root, path, body);
      problems.push({ code: 'schema', severity: 'error', message: `${path.length ? path.join('.') : '(the plan)'}: ${issue.message}.`, offset: r.offset + shift, length: r.length, path });
    }
  }
  return problems.sort((a, b) => a.offset - b.offset);
}

function suggestion(key: string): string {
  const known = ['version', 'provider', 'auth', 'environments', 'defaultEnvironment', 'integrationUser', 'jobRole', 'learnerIdentifier', 'jwt', 'oauth', 'catalogProfile', 'visibility', 'scheduledProcesses', 'ess', 'identitySample', 'url', 'caFile', 'proxy', 'production'];
  const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
  return near ? ` (did you mean "${near}"?)` : '';
}

function syntaxMessage(code: number): string {
  const name = printParseErrorCode(code as Parameters<typeof printParseErrorCode>[0]);
  const words: Record<string, string> = {
    InvalidSymbol: 'an unexpected character',
    InvalidNumberFormat: 'a number in the wrong form',
    PropertyNameExpected: 'a property name (in double quotes) was expected',
    ValueExpected: 'a value was expected',
    ColonExpected: 'a colon was expected',
    CommaExpected: 'a comma was expected',
    CloseBraceExpected: 'a closing brace } was expected',
    CloseBracketExpected: 'a closing bracket ] was expected',
    EndOfFileExpected: 'the text goes on after the end of the plan',
    InvalidCommentToken: 'comments are not allowed in a plan file',
    UnexpectedEndOfComment: 'a comment is not closed',
    UnexpectedEndOfString: 'a string is not closed',
    UnexpectedEndOfNumber: 'a number is cut short',
    InvalidUnicode: 'an invalid \\u escape',
    InvalidEscapeCharacter: 'an invalid escape character',
    InvalidCharacter: 'a character that must be escaped',
  };
  return words[name] ?? name;
}

/** The value at a path of a plan's text (the quick fixes read the secret to move from the document itself). */
export function valueAt(text: string, path: (string | number)[]): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const root = parseTree(body, [], { allowTrailingComma: false, disallowComments: true });
  const node = root && findNodeAtLocation(root, path);
  return node ? (node.type === 'object' || node.type === 'array' ? undefined : node.value) : undefined;
}

/** The plan's environments and their URLs as written, even when the plan is not valid (a quick fix needs them then). */
export function environmentsIn(text: string): { name: string; url: string | undefined }[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const root = parseTree(body, [], { allowTrailingComma: false, disallowComments: true });
  const envs = root && findNodeAtLocation(root, ['environments']);
  return (envs?.children ?? []).flatMap((p) => {
    const name = p.children?.[0]?.value;
    if (typeof name !== 'string') return [];
    const url = p.children?.[1] && findNodeAtLocation(p.children[1], ['url'])?.value;
    return [{ name, url: typeof url === 'string' ? url : undefined }];
  });
}
