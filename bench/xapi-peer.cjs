#!/usr/bin/env node
// The peer for the xAPI benchmark: @learninglocker/xapi-validation over an NDJSON file, streamed
// line by line, one verdict line per statement on stdout and a summary at the end, the same work
// `oli inspect xapi FILE --json` does. Usage: node bench/xapi-peer.cjs FILE
'use strict';
const { createReadStream } = require('node:fs');
const { createInterface } = require('node:readline');
const validate = require('@learninglocker/xapi-validation').default;

async function main() {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/xapi-peer.cjs FILE\n');
    process.exit(2);
  }
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let index = 0;
  let valid = 0;
  let buffer = '';
  for await (const raw of lines) {
    const text = raw.trim();
    if (!text) continue;
    let errors;
    try {
      errors = validate(JSON.parse(text)).map((w) => ({ path: (w.path || []).join('.'), message: String(w.message || w.constructor.name) }));
    } catch (e) {
      errors = [{ path: '', message: `not JSON: ${e.message}` }];
    }
    if (errors.length === 0) valid++;
    buffer += JSON.stringify({ index, valid: errors.length === 0, errors }) + '\n';
    index++;
    if (buffer.length > 65536) {
      process.stdout.write(buffer);
      buffer = '';
    }
  }
  buffer += JSON.stringify({ summary: { total: index, valid, invalid: index - valid } }) + '\n';
  process.stdout.write(buffer);
}

main().catch((e) => {
  process.stderr.write(`xapi-peer: ${e.message}\n`);
  process.exit(2);
});
