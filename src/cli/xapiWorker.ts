/**
 * A worker thread of `oli inspect xapi` (src/cli/xapiParallel.ts): decodes, parses, validates and
 * prints the chunks of NDJSON lines it is handed, answering each with its text (UTF-8 bytes) and counts.
 */
import { parentPort } from 'node:worker_threads';
import { batchBytes, chunkText, type XapiChunkJob } from './xapiParallel';

parentPort?.on('message', (job: XapiChunkJob) => {
  try {
    // The text as bytes, transferred: neither copied to the main thread nor encoded there again.
    const batch = batchBytes(chunkText(job));
    parentPort!.postMessage({ id: job.id, batch }, [batch.bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message });
  }
});
