import { z } from 'zod';

/** `ready_params` of the `fifo` and `pipe` strategies. */
export const fifoOptionsSchema = z.strictObject({
  /** Where the named pipe is; relative paths resolve against the manifest's directory. */
  path: z
    .string({ error: 'expected a FIFO path (string)' })
    .min(1, { error: 'expected a non-empty FIFO path' })
    .describe('named pipe (FIFO) the process writes a line "ready" into; relative to the manifest directory'),
});

/** Validated options of the `fifo` and `pipe` strategies. */
export type FifoOptions = z.output<typeof fifoOptionsSchema>;
