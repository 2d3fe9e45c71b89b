import { expect, test } from '@jest/globals';
import { PilotError, isPilotError } from '../../src/index.js';

test('a PilotError from another copy of core (same brand, other class) is still a PilotError', () => {
  // What a second copy of @pilot/core (a CJS build, another version) would construct.
  class OtherCopy extends Error {
    readonly code = 'PILOT_STOPPED';
    constructor() {
      super('from elsewhere');
      Object.defineProperty(this, Symbol.for('@pilot/core/PilotError'), { value: true });
    }
  }
  const foreign = new OtherCopy();
  expect(foreign instanceof PilotError).toBe(true);
  expect(isPilotError(foreign, 'PILOT_STOPPED')).toBe(true);
  // A look-alike without the brand is not one: duck typing on `code` or `name` is never enough.
  const lookalike = Object.assign(new Error('x'), { name: 'PilotError', code: 'PILOT_STOPPED' });
  expect(lookalike instanceof PilotError).toBe(false);
  expect(isPilotError(lookalike)).toBe(false);
  expect(new PilotError('PILOT_STOPPED', 'ours') instanceof PilotError).toBe(true);
});
