#!/usr/bin/env node
// "web": started once cache is ready; announces readiness by writing a file
// (ready_strategy: file). The pilot reacts the moment the file exists, so its content is written
// to a temporary file first and renamed into place. A file left by an earlier run does not count.
import { renameSync, writeFileSync } from 'node:fs';

const readyFile = process.argv[2] ?? 'web.ready';
writeFileSync(`${readyFile}.tmp`, `${process.pid}\n`);
renameSync(`${readyFile}.tmp`, readyFile);
console.log(`web: wrote ${readyFile}`);

const alive = setInterval(() => undefined, 1 << 30);
process.on('SIGTERM', () => {
  console.log('web: SIGTERM, closing');
  clearInterval(alive);
});
