import { describe, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyFifo, { type FifoOptions } from '../src/index.js';

describeReadinessConformance<FifoOptions>(
  readyFifo(),
  {
    strategy: 'fifo',
    makeOptions: ({ directory }) => ({ path: join(directory, 'ready.fifo') }),
    makeReadyProcess: () => ({ command: '/bin/sh', args: ['-c', 'echo ready > "$PILOT_READY_FIFO"; exec sleep 600'] }),
    // A FIFO of an earlier run with its "ready" still in it, held open by a writer of that run.
    makeStaleEvidence: ({ options }) => {
      execFileSync('mkfifo', [options.path]);
      const fd = openSync(options.path, constants.O_RDWR | constants.O_NONBLOCK);
      writeSync(fd, 'ready\n');
      return () => closeSync(fd);
    },
  },
  { describe, test },
);
