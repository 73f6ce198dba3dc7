/**
 * A worker thread of `oli inspect xapi` (src/cli/xapiParallel.ts): decodes, parses, validates and
 * prints the chunks of NDJSON lines it is handed, answering each with its text and counts.
 */
import { parentPort } from 'node:worker_threads';
import { chunkText, type XapiChunkJob } from './xapiParallel';

parentPort?.on('message', (job: XapiChunkJob) => {
  try {
    parentPort!.postMessage({ id: job.id, batch: chunkText(job) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
