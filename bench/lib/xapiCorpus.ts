/**
 * Deterministic xAPI statements for the validation benchmark: a seeded mix of valid statements
 * (the shapes providers such as Coursera send: mbox or account learners, completion with duration
 * and score, context) and invalid ones (each breaking one xAPI rule), written as NDJSON.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from '../../src/sandbox/faults';

/** Mulberry32, the sandbox's seeded PRNG: the same seed gives the same file on every machine. */
export const prng = mulberry32;

const VERBS = ['completed', 'passed', 'failed', 'progressed', 'initialized', 'launched', 'experienced'];

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

function uuid(rand: () => number): string {
  return `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`;
}

function validStatement(rand: () => number, i: number): Record<string, unknown> {
  const verb = VERBS[Math.floor(rand() * VERBS.length)]!;
  const learner = Math.floor(rand() * 60_000);
  const byAccount = rand() < 0.3;
  const course = Math.floor(rand() * 2_000);
  const day = 1 + Math.floor(rand() * 28);
  const s: Record<string, unknown> = {
    id: uuid(rand),
    actor: byAccount
      ? { objectType: 'Agent', name: `Learner ${learner}`, account: { homePage: 'https://learning.example.com', name: `learner.${learner}` } }
      : { objectType: 'Agent', name: `Learner ${learner}`, mbox: `mailto:learner.${learner}@example.com` },
    verb: { id: `http://adlnet.gov/expapi/verbs/${verb}`, display: { 'en-US': verb } },
    object: {
      objectType: 'Activity',
      id: `https://www.coursera.org/learn/course-${course}`,
      definition: { name: { 'en-US': `Course ${course}` }, type: 'http://adlnet.gov/expapi/activities/course' },
    },
    timestamp: `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:15:30.${String(Math.floor(rand() * 1000)).padStart(3, '0')}Z`,
  };
  if (verb === 'completed' || verb === 'passed' || verb === 'failed') {
    s.result = {
      completion: verb !== 'failed',
      success: verb !== 'failed',
      duration: `PT${1 + Math.floor(rand() * 40)}H${Math.floor(rand() * 60)}M`,
      score: { scaled: Math.round(rand() * 100) / 100, raw: Math.floor(rand() * 100), min: 0, max: 100 },
    };
  }
  if (rand() < 0.5) {
    s.context = {
      registration: uuid(rand),
      platform: 'Coursera',
      language: rand() < 0.5 ? 'en-US' : 'fr-FR',
      contextActivities: { grouping: [{ id: 'https://www.coursera.org/specializations/demo', objectType: 'Activity' }] },
    };
  }
  return s;
}

/** Each breaks one rule of xAPI 1.0.3 (and of 2.0). */
const BREAKS: ((s: Record<string, unknown>) => void)[] = [
  (s) => void delete s.verb,
  (s) => void delete s.actor,
  (s) => ((s.actor as Record<string, unknown>).mbox = 'learner@example.com', delete (s.actor as Record<string, unknown>).account),
  (s) => (s.id = 'not-a-uuid'),
  (s) => (s.timestamp = '2025-13-45 25:61'),
  (s) => (s.verb = { id: 'completed', display: { 'en-US': 'completed' } }),
  (s) => (s.result = { completion: 'yes', duration: 'PT1H' }),
  (s) => (s.result = { score: { scaled: 1.5 } }),
  (s) => (s.result = { duration: '90 minutes' }),
  (s) => (s.object = { objectType: 'Activity' }),
  (s) => (s.unexpected = true),
  (s) => ((s.actor as Record<string, unknown>).mbox_sha1sum = 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9'),
];

/** Writes `count` statements (about `invalidShare` of them invalid) as NDJSON; returns how many were made invalid. */
export async function writeXapiNdjson(path: string, count: number, seed = 6, invalidShare = 0.2): Promise<{ count: number; invalid: number; bytes: number }> {
  const rand = prng(seed);
  const out = createWriteStream(path);
  let invalid = 0;
  let bytes = 0;
  let chunk = '';
  for (let i = 0; i < count; i++) {
    const s = validStatement(rand, i);
    if (rand() < invalidShare) {
      BREAKS[Math.floor(rand() * BREAKS.length)]!(s);
      invalid++;
    }
    chunk += JSON.stringify(s) + '\n';
    if (chunk.length > 1 << 16) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  return { count, invalid, bytes };
}
