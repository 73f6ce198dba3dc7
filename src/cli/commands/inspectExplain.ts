import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EnvCredentialStore } from '../../core/model/credentials';
import { adminAuth, clientFor } from '../../core/plan/context';
import { explainCompletion, onlyUnchecked, type CompletionExplanation } from '../../core/inspect/xapi-oracle';
import { loadState, statePath } from '../../core/plan/stateStore';
import { resolverSettingsOf } from '../../core/plan/learned';
import { OracleXapiResolver } from '../../core/inspect/oracleXapiResolver';
import { ExitCode, UsageError } from '../errors';
import type { CliIO } from '../io';
import { loadPlanFor } from './planCommon';

const MAX_BYTES = 10 * 1024 * 1024;
const MAX_STATEMENTS = 10_000;

function parseStatements(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new UsageError('The statements file is empty.');
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !trimmed.includes('\n{'))) {
    try {
      const doc = JSON.parse(trimmed) as unknown;
      return Array.isArray(doc) ? doc : [doc];
    } catch (err) {
      throw new UsageError(`Not valid JSON: ${(err as Error).message}.`);
    }
  }
  return trimmed.split(/\r?\n/).flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      throw new UsageError(`Line ${i + 1} is not valid JSON.`);
    }
  });
}

/**
 * `oli inspect xapi FILE --env NAME`: for each statement, whether its completion would land in
 * that environment, and exactly why not (learner and content resolved against the pod).
 */
export async function runXapiExplain(file: string, values: Record<string, unknown>, version: '1.0.3' | '2.0' | undefined, io: CliIO): Promise<number> {
  let text: string;
  if (file === '-') text = await io.readStdin();
  else {
    const path = resolve(io.cwd, file);
    const size = await stat(path).then(
      (s) => s.size,
      () => {
        throw new UsageError(`Cannot read ${file}: no such file.`);
      },
    );
    if (size > MAX_BYTES) throw new UsageError(`${file} is larger than 10 MB; explaining against a pod reads at most ${MAX_STATEMENTS} statements. Split the file.`);
    text = await readFile(path, 'utf8');
  }
  const statements = parseStatements(text);
  if (statements.length > MAX_STATEMENTS) throw new UsageError(`${statements.length} statements: explaining against a pod takes at most ${MAX_STATEMENTS}. Split the file.`);
  const loaded = await loadPlanFor(values, io);
  const credentials = await new EnvCredentialStore(io.env).get(loaded.environment);
  const client = clientFor(loaded.plan, loaded.planDir, loaded.environment, adminAuth(loaded.environment, credentials));
  // What `oli probe` learnt about this pod (filter forms, field names) spares refused requests.
  const learned = (await loadState(statePath(loaded.planDir, loaded.environment), loaded.environment)).probe;
  const resolver = new OracleXapiResolver(client, io.signal, resolverSettingsOf(learned));
  io.stderr(`Resolving ${statements.length} statement(s) against ${loaded.environment} (${loaded.url})…\n`);
  await resolver.prefetch(statements);
  const explained: CompletionExplanation[] = [];
  for (const s of statements) explained.push(await explainCompletion(s, resolver, { ...(version ? { version } : {}), learnerIdentifier: loaded.plan.learnerIdentifier }));
  const lands = explained.filter((e) => e.lands).length;
  if (values.json) {
    io.stdout(
      JSON.stringify(
        {
          environment: loaded.environment,
          results: explained.map((e, index) => ({
            index,
            valid: e.errors.length === 0,
            lands: e.lands,
            ...(onlyUnchecked(e) ? { unchecked: true } : {}),
            outcome: e.outcome,
            reasons: e.reasons,
            learner: e.learner,
            content: e.content,
          })),
          summary: { total: explained.length, lands, blocked: explained.filter((e) => !e.lands && !onlyUnchecked(e)).length, unchecked: explained.filter(onlyUnchecked).length },
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    explained.forEach((e, i) => {
      io.stdout(`#${i} ${e.lands ? 'lands  ' : e.outcome === 'progress' && !e.reasons.length ? 'progress' : onlyUnchecked(e) ? 'UNCHECKED' : 'BLOCKED'} ${e.learner ? e.learner.userName : e.reading.learner.value ?? '(no learner)'} / ${e.content ? e.content.title : e.reading.contentId ?? '(no content)'}\n`);
      for (const r of e.reasons) io.stdout(`    ${r.code}: ${r.message}\n`);
    });
    const unchecked = explained.filter(onlyUnchecked).length;
    io.stdout(`Summary: ${explained.length} statement(s), ${lands} completion(s) would land in ${loaded.environment}${unchecked ? `; ${unchecked} could not be checked against it (see the reasons)` : ''}.\n`);
  }
  io.stderr(`${client.stats.requests} request(s).\n`);
  return explained.every((e) => e.reasons.length === 0) ? ExitCode.ok : ExitCode.problem;
}
