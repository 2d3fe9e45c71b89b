import { definePlugin, type PilotPlugin } from '@pilot/core';
import { fifoStrategy, pipeStrategy } from './fifo-strategy.js';

export { createFifoStrategy, fifoPath, fifoStrategy, pipeStrategy, FIFO_ENV } from './fifo-strategy.js';
export { fifoOptionsSchema, type FifoOptions } from './options.js';
export { ReadyLineScanner } from './ready-line-scanner.js';

/**
 * The plugin that registers the `fifo` readiness strategy and its process_pilot alias `pipe`:
 * ready when the process writes a line `ready` into a named pipe. Takes no options; core calls
 * the factory with none when a manifest names `fifo` or `pipe`.
 *
 * @example
 * ```ts
 * import readyFifo from '@pilot/plugin-ready-fifo';
 * const pilot = new ProcessPilot(manifest, { plugins: [readyFifo()] });
 * ```
 */
export default function readyFifoPlugin(): PilotPlugin {
  return definePlugin({
    name: '@pilot/plugin-ready-fifo',
    apply(pilot) {
      pilot.readiness.register(fifoStrategy);
      pilot.readiness.register(pipeStrategy);
    },
  });
}
