import type { Hook } from 'tapable';
import { PilotError, messageOf } from '../errors.js';

type AnyHook = Hook<any, any>;
type Report = (error: PilotError) => void;

/**
 * Wrap every tap of `hooks` so that a throwing or rejecting tap is reported (naming plugin and
 * hook, Rollup's `[plugin x]` style) instead of crashing the pilot or stranding a child. A failed
 * waterfall tap passes its input through unchanged; a failed bail tap gives no answer.
 */
export function guardTaps(hooks: Record<string, AnyHook>, report: Report, skip: ReadonlySet<string>): void {
  for (const [hookName, hook] of Object.entries(hooks)) {
    if (skip.has(hookName)) continue;
    const waterfall = hook.constructor.name.includes('Waterfall');
    hook.intercept({
      register(tap) {
        const original = tap.fn as (...args: unknown[]) => any;
        const fail = (error: unknown) =>
          report(
            new PilotError('PILOT_PLUGIN_HOOK', `[plugin ${tap.name}] hook "${hookName}" failed: ${messageOf(error)}`, {
              cause: error,
              plugin: tap.name,
              hook: hookName,
            }),
          );
        const passThrough = (args: unknown[]) => (waterfall ? args[0] : undefined);
        if (tap.type === 'sync') {
          tap.fn = (...args: unknown[]) => {
            try {
              return original(...args);
            } catch (error) {
              fail(error);
              return passThrough(args);
            }
          };
        } else if (tap.type === 'promise') {
          tap.fn = async (...args: unknown[]) => {
            try {
              return await original(...args);
            } catch (error) {
              fail(error);
              return passThrough(args);
            }
          };
        } else {
          tap.fn = (...allArgs: unknown[]) => {
            const callback = allArgs.pop() as (error: unknown, result?: unknown) => void;
            const settle = (error: unknown, result?: unknown) => {
              if (error) {
                fail(error);
                callback(null, passThrough(allArgs));
              } else callback(null, result);
            };
            try {
              original(...allArgs, settle);
            } catch (error) {
              settle(error ?? new Error('tap threw'));
            }
          };
        }
        return tap;
      },
    });
  }
}
