#!/usr/bin/env node
// "cache": talks to db (its dependency, so db is up), then announces readiness the way
// process_pilot's services do (ready_strategy: pipe): unlink whatever is at the FIFO path,
// mkfifo, open it for writing without blocking, retrying while no reader has it open (ENXIO),
// write "ready", close.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { connect } from 'node:net';

const fifo = process.argv[2] ?? 'cache.fifo';
const dbPort = Number(process.env.DB_PORT ?? 47200);

const db = connect({ host: 'localhost', port: dbPort });
db.once('error', (error) => {
  console.error(`cache: db is not reachable on port ${dbPort}: ${error.code}`);
  process.exit(1);
});
db.once('data', (data) => {
  console.log(`cache: db says "${data.toString().trim()}"`);
  db.destroy();
  announceReady();
});

function announceReady() {
  try {
    unlinkSync(fifo);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  execFileSync('mkfifo', [fifo]);
  (function open() {
    let fd;
    try {
      fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if (error.code === 'ENXIO') return setTimeout(open, 10);
      throw error;
    }
    writeSync(fd, 'ready\n');
    closeSync(fd);
    console.log(`cache: wrote "ready" into ${fifo}`);
  })();
}

const alive = setInterval(() => undefined, 1 << 30);
process.on('SIGTERM', () => {
  console.log('cache: SIGTERM, closing');
  clearInterval(alive);
});
