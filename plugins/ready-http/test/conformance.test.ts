import { describe, test } from '@jest/globals';
import { createServer } from 'node:http';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyHttp from '../src/index.js';

const serve = (port: number) => `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1');`;

describeReadinessConformance(
  readyHttp(),
  {
    makeOptions: ({ port }) => ({ port, path: '/health' }),
    makeReadyProcess: ({ port }) => ({ command: process.execPath, args: ['-e', serve(port)] }),
    // A stranger's server answering 200 on the port before the spawn.
    makeStaleEvidence: async ({ port }) => {
      const stranger = createServer((_request, response) => response.end('ok'));
      await new Promise<void>((resolve) => stranger.listen(port, '127.0.0.1', resolve));
      return () => {
        stranger.closeAllConnections();
        return new Promise((resolve) => stranger.close(resolve));
      };
    },
  },
  { describe, test },
);
