import { expect, test } from '@jest/globals';
import type { LogLine, ReadinessContext } from '@pilot/core';
import { logOptionsSchema, logStrategy, type LogOptions } from '../src/index.js';

/** A context fed by hand, to observe the strategy's subscriptions; no process involved. */
function handContext(params: Record<string, unknown>, early: LogLine[] = []) {
  const controller = new AbortController();
  const listeners = new Set<(line: LogLine) => void>();
  const context: ReadinessContext<LogOptions> = {
    process: 'p',
    options: logOptionsSchema.parse(params),
    baseDirectory: '/',
    signal: controller.signal,
    pid: undefined,
    host: 'localhost',
    spawnedAt: Date.now(),
    isAlive: () => true,
    report: () => undefined,
    lines: () => early,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exited: new Promise(() => undefined),
    exec: () => Promise.reject(new Error('no probes in these tests')),
  };
  const emit = (text: string, stream: LogLine['stream'] = 'stdout') => {
    for (const listener of [...listeners]) listener({ stream, text, time: Date.now() });
  };
  return { context, controller, listeners, emit };
}

test('a match among early lines resolves without subscribing', async () => {
  const { context, listeners } = handContext({ pattern: 'up' }, [{ stream: 'stderr', text: 'up', time: 0 }]);
  await logStrategy.wait(context);
  expect(listeners.size).toBe(0);
});

test('the listener is removed once the line matched', async () => {
  const { context, listeners, emit } = handContext({ pattern: 'up' });
  const waiting = logStrategy.wait(context);
  expect(listeners.size).toBe(1);
  emit('up');
  await waiting;
  expect(listeners.size).toBe(0);
});

test('abort settles the wait at once with the reason and removes the listener', async () => {
  const { context, controller, listeners } = handContext({ pattern: 'up' });
  const waiting = logStrategy.wait(context);
  const reason = new Error('stopped');
  controller.abort(reason);
  await expect(waiting).rejects.toBe(reason);
  expect(listeners.size).toBe(0);
});
