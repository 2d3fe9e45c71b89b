import { z } from 'zod';

const PORT = 'expected an integer 1-65535';
const INTERVAL = 'expected an integer 1-1000 (milliseconds)';

/** `ready_params` of the `tcp` strategy. */
export const tcpOptionsSchema = z.strictObject({
  /** The port that accepts connections once the process is ready. */
  port: z
    .number({ error: PORT })
    .int({ error: PORT })
    .min(1, { error: PORT })
    .max(65535, { error: PORT })
    .describe('TCP port the process listens on once ready'),
  /**
   * Host to connect to. Unset or `localhost`: both 127.0.0.1 and ::1 are tried, so a server bound
   * to either one counts. An IP address is used as is; another name is resolved with DNS.
   * @default localhost
   */
  host: z
    .string({ error: 'expected a host name or IP address (string)' })
    .min(1, { error: 'expected a non-empty host name or IP address' })
    .optional()
    .describe('host to connect to; default: localhost (127.0.0.1 and ::1)'),
  /**
   * Milliseconds between connection attempts. Unset: 10 ms at first, growing after 1 s to 1% of
   * the time waited so far, at most 100 ms (see `adaptiveInterval`).
   */
  interval_ms: z
    .number({ error: INTERVAL })
    .int({ error: INTERVAL })
    .min(1, { error: INTERVAL })
    .max(1000, { error: INTERVAL })
    .optional()
    .describe('milliseconds between connection attempts; default: 10, growing to 1% of the time waited (at most 100) after 1 s'),
});

/** Validated options of the `tcp` strategy. */
export type TcpOptions = z.output<typeof tcpOptionsSchema>;
