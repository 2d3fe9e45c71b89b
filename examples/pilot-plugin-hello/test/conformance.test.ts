import { describe, test } from '@jest/globals';
import { describeReadinessConformance } from '../../../core/src/testing/index.js';
import hello from '../src/index.js';

// What a third-party package writes (there: `from '@pilot/core/testing'`).
describeReadinessConformance(
  hello(),
  {
    makeOptions: () => ({}),
    // The check's process is named "conformance"; `name` defaults to the process's name.
    makeReadyProcess: () => ({ command: '/bin/sh', args: ['-c', 'echo "hello conformance"; exec sleep 600'] }),
    staleEvidenceImpossible: 'the context holds only lines of this spawn',
  },
  { describe, test },
);
