import { resolve } from 'node:path';
import { CappedReadError, readFileCapped } from '../../core/io/readCapped';
import { cliCredentials } from '../credentials';
import { adminAuth, clientFor } from '../../core/plan/context';
import { explainCompletion, onlyUnchecked, type CompletionExplanation } from '../../core/inspect/xapi-oracle';
import { loadState, statePath } from '../../core/plan/stateStore';
import { resolverSettingsOf } from '../../core/plan/learned';
import { OracleXapiResolver } from '../../core/inspect/oracleXapiResolver';
import { ExitCode, UsageError } from '../errors';
import type { CliIO } from '../io';
import { actorName, loadPlanFor, networkOptions } from './planCommon';
import { withAdminSignIn } from '../../core/plan/signIn';
import { printable } from '../../core/text/printable';

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
  if (file === '-') {
    try {
      text = (await io.readStdin(MAX_BYTES)).toString('utf8');
    } catch (err) {
      if (err instanceof CappedReadError) throw new UsageError(`${err.message}; explaining against a pod reads at most ${MAX_STATEMENTS} statements. Split the input.`);
      throw err;
    }
  } else {
    try {
      text = (await readFileCapped(resolve(io.cwd, file), MAX_BYTES, { what: file })).toString('utf8');
    } catch (err) {
      if (err instanceof CappedReadError) throw new UsageError(`${err.message}${err.reason === 'too-large' ? `; explaining against a pod reads at most ${MAX_STATEMENTS} statements. Split the file` : ''}.`);
      throw err;
    }
  }
  const statements = parseStatements(text);
  if (statements.length > MAX_STATEMENTS) throw new UsageError(`${statements.length} statements: explaining against a pod takes at most ${MAX_STATEMENTS}. Split the file.`);
  const loaded = await loadPlanFor(values, io);
  const credentials = await cliCredentials(loaded, io, networkOptions(values, io));
  const client = clientFor(loaded.plan, loaded.planDir, loaded.environment, adminAuth(loaded.environment, credentials), networkOptions(values, io));
  // What `oli probe` learnt about this pod (filter forms, field names) spares refused requests.
  const learned = (await loadState(statePath(loaded.planDir, loaded.environment), loaded.environment)).probe;
  const resolver = new OracleXapiResolver(client, io.signal, resolverSettingsOf(learned));
  io.stderr(`Resolving ${statements.length} statement(s) against ${loaded.environment} (${loaded.url})…\n`);
  const signIn = { planDir: loaded.planDir, environment: loaded.environment, username: credentials.admin!.username, admin: credentials.admin!, url: loaded.url, owner: `${actorName(io)} (process ${process.pid})`, nextStep: 'Check OLI_USERNAME and OLI_PASSWORD before running it again.' };
  const explained: CompletionExplanation[] = await withAdminSignIn(signIn, async () => {
    await resolver.prefetch(statements);
    const out: CompletionExplanation[] = [];
    for (const s of statements) out.push(await explainCompletion(s, resolver, { ...(version ? { version } : {}), learnerIdentifier: loaded.plan.learnerIdentifier }));
    return out;
  });
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
      // Learner and content values come from the statements and the pod: shown escaped.
      io.stdout(`#${i} ${e.lands ? 'lands  ' : e.outcome === 'progress' && !e.reasons.length ? 'progress' : onlyUnchecked(e) ? 'UNCHECKED' : 'BLOCKED'} ${printable(e.learner ? e.learner.userName : e.reading.learner.value ?? '(no learner)')} / ${printable(e.content ? e.content.title : e.reading.contentId ?? '(no content)')}\n`);
      for (const r of e.reasons) io.stdout(`    ${r.code}: ${printable(r.message)}\n`);
    });
    const unchecked = explained.filter(onlyUnchecked).length;
    io.stdout(`Summary: ${explained.length} statement(s), ${lands} completion(s) would land in ${loaded.environment}${unchecked ? `; ${unchecked} could not be checked against it (see the reasons)` : ''}.\n`);
  }
  io.stderr(`${client.stats.requests} request(s).\n`);
  return explained.every((e) => e.reasons.length === 0) ? ExitCode.ok : ExitCode.problem;
}
