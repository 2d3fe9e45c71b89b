import { z } from 'zod';

/** Hosts the TCP listener may bind: loopback only, so the API is never reachable from the network. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

/** Options of the `http` control server (`control_server: { name: http, options: {...} }`). */
export const controlHttpOptionsSchema = z
  .strictObject({
    /** Path of the unix socket, relative to the manifest's base directory. @default `<manifest dir>/.pilot/control.sock` */
    socket: z.string().min(1).optional().describe('path of the unix socket (relative to the base directory)'),
    /** Loopback TCP instead of the socket; a bearer token is then required on every request. */
    tcp: z
      .strictObject({
        /** @default "127.0.0.1" */
        host: z.enum(LOOPBACK_HOSTS, { error: 'expected a loopback host: "127.0.0.1", "::1" or "localhost"' }).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535, { error: 'expected a port 0-65535 (0 picks a free one)' }),
      })
      .optional(),
    /** Bearer token; generated (32 random bytes, base64url) when `tcp` is used without one. */
    token: z.string().min(16, { error: 'expected a token of at least 16 characters' }).optional(),
    /** Largest request body accepted; larger ones get 413. @default 16384 */
    max_body_bytes: z.number().int().positive().default(16_384),
    /** A request not fully received within this many ms gets 408. @default 10000 */
    request_timeout_ms: z.number().int().positive().default(10_000),
    /**
     * Open connections at most (idle, in flight and event streams); past it a new connection is
     * closed at once, before anything is read from it. @default 256
     */
    max_connections: z
      .number({ error: 'expected a whole number of connections 1-65536' })
      .int({ error: 'expected a whole number of connections 1-65536' })
      .min(1, { error: 'expected a whole number of connections 1-65536' })
      .max(65_536, { error: 'expected a whole number of connections 1-65536' })
      .default(256)
      .describe('open connections at most; more are closed at once'),
  })
  .refine((options) => !(options.socket && options.tcp), {
    error: 'set either socket or tcp, not both',
    path: ['tcp'],
  });

/** Validated options of the `http` control server. */
export type ControlHttpOptions = z.output<typeof controlHttpOptionsSchema>;
