#!/usr/bin/env node
// "web": started once cache is ready; announces readiness by writing a file
// (ready_strategy: file). A file left by an earlier run does not count for the pilot: this run
// rewrites it.
import { writeFileSync } from 'node:fs';

const readyFile = process.argv[2] ?? 'web.ready';
writeFileSync(readyFile, `${process.pid}\n`);
console.log(`web: wrote ${readyFile}`);

const alive = setInterval(() => undefined, 1 << 30);
process.on('SIGTERM', () => {
  console.log('web: SIGTERM, closing');
  clearInterval(alive);
});
