import { describe, test } from '@jest/globals';
import { join } from 'node:path';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyExec from '../src/index.js';

describeReadinessConformance(
  readyExec(),
  {
    makeOptions: ({ directory }) => ({ command: ['test', '-e', join(directory, 'up')], interval_ms: 10 }),
    makeReadyProcess: ({ directory }) => ({ command: '/bin/sh', args: ['-c', 'touch "$1"; exec sleep 600', 'service', join(directory, 'up')] }),
    staleEvidenceImpossible: 'a probe judges the present state; telling a leftover apart is the probe command’s job',
  },
  { describe, test },
);
