import { describe, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyFile, { type FileOptions } from '../src/index.js';

describeReadinessConformance<FileOptions>(
  readyFile(),
  {
    makeOptions: ({ directory }) => ({ path: join(directory, 'ready.flag') }),
    makeReadyProcess: ({ options }) => ({ command: '/bin/sh', args: ['-c', 'touch "$1"; exec sleep 600', 'ready-file', options.path] }),
    // A flag left by an earlier run.
    makeStaleEvidence: ({ options }) => {
      writeFileSync(options.path, 'earlier run');
      return () => undefined;
    },
  },
  { describe, test },
);
