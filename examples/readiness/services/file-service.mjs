// Does its start-up work, then creates the file named in READY_FILE to say it is ready.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

setTimeout(() => {
  mkdirSync(dirname(process.env.READY_FILE), { recursive: true });
  writeFileSync(process.env.READY_FILE, `${process.pid}\n`);
  console.log(`files: ready (wrote ${process.env.READY_FILE})`);
}, 300);
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => process.exit(0));
