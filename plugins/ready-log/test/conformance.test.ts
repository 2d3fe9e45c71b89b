import { describe, test } from '@jest/globals';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyLog from '../src/index.js';

describeReadinessConformance(
  readyLog(),
  {
    makeOptions: () => ({ pattern: '^listening on \\d+$' }),
    makeReadyProcess: () => ({ command: '/bin/sh', args: ['-c', 'echo booting; echo "listening on 8080"; exec sleep 600'] }),
    staleEvidenceImpossible: 'the context holds only lines of this spawn',
  },
  { describe, test },
);
