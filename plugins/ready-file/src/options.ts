import { z } from 'zod';

/** `ready_params` of the `file` strategy. */
export const fileOptionsSchema = z.strictObject({
  /** The file whose appearance means ready; relative paths resolve against the manifest's directory. */
  path: z
    .string({ error: 'expected a file path (string)' })
    .min(1, { error: 'expected a non-empty file path' })
    .describe('file that the process creates once it is ready; relative to the manifest directory'),
});

/** Validated options of the `file` strategy. */
export type FileOptions = z.output<typeof fileOptionsSchema>;
