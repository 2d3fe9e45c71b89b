import { definePlugin, type WaitStrategy } from '@pilot/core';
import { z } from 'zod';

/** Options of the `hello` strategy, as written in `ready_params`. */
export const helloOptions = z.strictObject({
  /** Who the process must greet; defaults to the process's own name. */
  name: z.string().min(1, { error: 'expected a non-empty name to greet' }).optional(),
  /** Which stream to watch. */
  stream: z.enum(['stdout', 'stderr']).default('stdout'),
});

/** Typed options, inferred from the schema: plugin authors never write them twice. */
export type HelloOptions = z.output<typeof helloOptions>;

/**
 * Ready when the process prints `hello <name>` on the chosen stream. Nothing to do before the
 * spawn, so `wait` (the shorthand) instead of `begin`; it must settle when the signal aborts.
 */
export const helloStrategy: WaitStrategy<HelloOptions> = {
  name: 'hello',
  options: helloOptions,
  wait(context) {
    const expected = `hello ${context.options.name ?? context.process}`;
    const matches = (line: { stream: string; text: string }) => line.stream === context.options.stream && line.text.trim() === expected;
    return new Promise<void>((resolve, reject) => {
      // Lines printed before the wait began count too: no race with early output.
      if (context.lines().some(matches)) return resolve();
      const onAbort = () => {
        unsubscribe();
        reject(context.signal.reason);
      };
      const unsubscribe = context.onLine((line) => {
        if (!matches(line)) return;
        unsubscribe();
        context.signal.removeEventListener('abort', onAbort);
        resolve();
      });
      // A timeout, an exit or a stop: stop listening and settle, as the contract asks.
      context.signal.addEventListener('abort', onAbort, { once: true });
    });
  },
};

/** The plugin factory: `plugins: [pilot-plugin-hello]` in a manifest, or `registerPlugins([hello()])`. */
export default function hello() {
  return definePlugin({
    name: 'pilot-plugin-hello',
    apply(pilot) {
      pilot.readiness.register(helloStrategy);
    },
  });
}
