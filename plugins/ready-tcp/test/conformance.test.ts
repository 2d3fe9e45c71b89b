import { describe, test } from '@jest/globals';
import { createServer } from 'node:net';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyTcp from '../src/index.js';

const listen = (port: number) => `require('node:net').createServer().listen(${port}, '127.0.0.1'); setInterval(() => {}, 60000);`;

describeReadinessConformance(
  readyTcp(),
  {
    makeOptions: ({ port }) => ({ port }),
    makeReadyProcess: ({ port }) => ({ command: process.execPath, args: ['-e', listen(port)] }),
    // Another process already holds the port: our idle process must not look ready through it.
    makeStaleEvidence: async ({ port }) => {
      const stranger = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => stranger.listen(port, '127.0.0.1', resolve));
      return () => new Promise((resolve) => stranger.close(resolve));
    },
  },
  { describe, test },
);
