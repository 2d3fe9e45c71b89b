import { z } from 'zod';
import { statusSchema } from './status.js';

/** An RFC 9110 header name (a token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected an absolute http:// or https:// URL, e.g. "http://localhost:8080/health"';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http:// or https:// URL, not ${url.protocol}//`;
  return undefined;
}

const milliseconds = (what: string, minimum: number) =>
  z
    .number({ error: `expected ${what} in milliseconds (an integer >= ${minimum})` })
    .int({ error: `expected ${what} in milliseconds (an integer >= ${minimum})` })
    .min(minimum, { error: `expected ${what} in milliseconds (an integer >= ${minimum})` });

/** `ready_params` of the `http` strategy: `url`, or `port` with optional `host` and `path`. */
export const httpOptionsSchema = z
  .strictObject({
    /** The URL to GET (http or https). Exclusive with `port`/`host`/`path`. */
    url: z
      .string({ error: 'expected an absolute http:// or https:// URL, e.g. "http://localhost:8080/health"' })
      .superRefine((value, context) => {
        const problem = httpUrlProblem(value);
        if (problem) context.addIssue({ code: 'custom', input: value, message: problem });
      })
      .optional(),
    /** The port to GET `http://host:port/path` on. */
    port: z
      .number({ error: 'expected an integer port 1-65535' })
      .int({ error: 'expected an integer port 1-65535' })
      .min(1, { error: 'expected an integer port 1-65535' })
      .max(65535, { error: 'expected an integer port 1-65535' })
      .optional(),
    /** Host for `port`; `localhost` tries 127.0.0.1 and ::1. @default "localhost" */
    host: z.string({ error: 'expected a host name or IP address' }).min(1, { error: 'expected a non-empty host name or IP address' }).optional(),
    /** Path (and query) for `port`. @default "/" */
    path: z.string({ error: 'expected a path starting with "/"' }).startsWith('/', { error: 'expected a path starting with "/"' }).optional(),
    /** Accepted status codes. @default [200, 399] */
    status: statusSchema,
    /** Text the response body must contain (searched in its first MiB). */
    body_contains: z.string({ error: 'expected the text the body must contain' }).min(1, { error: 'expected non-empty text' }).optional(),
    /** Extra request headers. */
    headers: z
      .record(
        z.string().regex(HEADER_NAME, { error: 'expected an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)' }),
        z.string({ error: 'expected a header value as a string' }).regex(/^[^\r\n\0]*$/, { error: 'expected a header value without CR, LF or NUL' }),
        { error: 'expected a mapping of header names to values' },
      )
      .default({}),
    /** Accept any TLS certificate (self-signed development servers). @default false */
    insecure: z.boolean({ error: 'expected true or false' }).default(false),
    /** How long one request may take. @default 1000 */
    timeout_ms: milliseconds('the per-request timeout', 1).default(1000),
    /**
     * Pause between rounds of connection attempts, and between the end of one request and the
     * next. Unset: 10 ms, growing after 1 s to 1% of the time waited, at most 100 ms.
     */
    interval_ms: milliseconds('the pause between attempts', 1).optional(),
  })
  .superRefine(
    (options, context) => {
      if (options.url === undefined && options.port === undefined) {
        context.addIssue({ code: 'custom', path: ['url'], input: undefined, message: 'expected either url or port (with optional host and path)' });
      }
      if (options.url !== undefined) {
        for (const key of ['port', 'host', 'path'] as const) {
          if (options[key] !== undefined) context.addIssue({ code: 'custom', path: [key], input: options[key], message: 'expected either url or port/host/path, not both' });
        }
      }
    },
    // Also when other keys are wrong, so every problem is reported at once.
    { when: ({ value }) => typeof value === 'object' && value !== null },
  );

/** Options of the `http` strategy, defaults applied and `status` normalised to ranges. */
export type HttpOptions = z.output<typeof httpOptionsSchema>;
