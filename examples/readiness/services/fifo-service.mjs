// Writes "ready" into the FIFO the pilot created (PILOT_READY_FIFO) once its start-up is done.
import { writeFileSync } from 'node:fs';

setTimeout(() => {
  writeFileSync(process.env.PILOT_READY_FIFO, 'ready\n');
  console.log('pipes: ready (wrote to the FIFO)');
}, 200);
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => process.exit(0));
