import { abortedPromise, type LogLine, type WaitStrategy } from '@pilot/core';
import { logOptionsSchema, type LogOptions } from './options.js';

/**
 * `ready_strategy: log`: ready when the `count`th line of `stream` matching `pattern` is printed.
 * Lines printed before the wait began count too (no race with early output); lines of an earlier
 * run never do, since the context only holds this spawn's lines.
 */
export const logStrategy: WaitStrategy<LogOptions> = {
  name: 'log',
  options: logOptionsSchema,
  async wait(context) {
    const { pattern, flags, stream, count } = context.options;
    const regexp = new RegExp(pattern, flags);
    let seen = 0;
    const matches = (line: LogLine): boolean => (stream === 'both' || line.stream === stream) && regexp.test(line.text) && ++seen >= count;
    if (context.lines().some(matches)) return;
    let unsubscribe: (() => void) | undefined;
    // Subscribed in the same tick as the snapshot above, so no line falls between the two.
    const matched = new Promise<void>((resolve) => {
      unsubscribe = context.onLine((line) => {
        if (matches(line)) resolve();
      });
    });
    try {
      await Promise.race([matched, abortedPromise(context.signal)]);
    } finally {
      unsubscribe?.();
    }
  },
};
