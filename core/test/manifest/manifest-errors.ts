import { PilotError } from '../../src/index.js';

/** The PilotError thrown (or rejected) by `load`, or a failure if it did not throw one. */
export async function errorOf(load: () => unknown): Promise<PilotError> {
  try {
    await load();
  } catch (error) {
    if (error instanceof PilotError) return error;
    throw error;
  }
  throw new Error('expected a PilotError, but loading succeeded');
}
