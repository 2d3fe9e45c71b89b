import { z } from 'zod';

/** `ready_params` of the `exit` strategy: none; any key is reported as unknown. */
export const exitOptionsSchema = z.strictObject({});

/** Options of the `exit` strategy (it takes none). */
export type ExitOptions = z.output<typeof exitOptionsSchema>;
