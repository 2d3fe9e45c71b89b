import { describe, test } from '@jest/globals';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import readyExit from '../src/index.js';

describeReadinessConformance(
  readyExit(),
  {
    makeOptions: () => ({}),
    makeReadyProcess: () => ({ command: '/bin/sh', args: ['-c', 'echo migrated; exit 0'] }),
    staleEvidenceImpossible: 'the exit it waits for is the exit of this spawn',
  },
  { describe, test },
);
