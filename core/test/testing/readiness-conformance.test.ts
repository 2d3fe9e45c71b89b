import { afterEach, expect, test } from '@jest/globals';
import { existsSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readinessConformance, type ReadinessConformanceSetup } from '../../src/testing/index.js';
import type { ReadinessStrategy } from '../../src/index.js';

// The suite must catch what it promises to catch: each broken strategy below fails its check.

type Flag = { path: string };

const setup: ReadinessConformanceSetup<Flag> = {
  makeOptions: ({ directory }) => ({ path: join(directory, 'up') }),
  makeReadyProcess: ({ options }) => ({ command: '/bin/sh', args: ['-c', 'touch "$1"; exec sleep 600', 'flag', options.path] }),
  makeStaleEvidence: ({ options }) => {
    leaveFlag(options.path);
    return () => undefined;
  },
};

function leaveFlag(path: string): void {
  // A leftover of an earlier run.
  writeFileSync(path, 'earlier run');
}

/** Polls for the flag; `fresh` says whether an existing flag was there before begin. */
function pollFlag(signal: AbortSignal, path: string, stale: boolean, honourAbort = true): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (!stale && existsSync(path)) finish();
    }, 5);
    const finish = (error?: unknown) => {
      clearInterval(timer);
      if (error) reject(error);
      else resolve();
    };
    if (honourAbort) signal.addEventListener('abort', () => finish(signal.reason), { once: true });
    else leftBehind.push(() => clearInterval(timer));
  });
}

/** What the faulty strategies below leave open on purpose, closed after each test (or Jest never exits). */
const leftBehind: (() => void)[] = [];
afterEach(() => {
  for (const close of leftBehind.splice(0)) close();
});

const good: ReadinessStrategy<Flag> = {
  name: 'flag',
  begin: (context) => ({ ready: () => pollFlag(context.signal, context.options.path, existsSync(context.options.path)), dispose: () => undefined }),
};

async function failures(strategy: ReadinessStrategy<Flag>, only: string): Promise<string[]> {
  const checks = readinessConformance(strategy, setup).filter((check) => check.name.includes(only));
  expect(checks.length).toBeGreaterThan(0);
  const messages: string[] = [];
  for (const check of checks) await check.run().catch((error: Error) => messages.push(error.message));
  return messages;
}

test('a correct strategy passes every check', async () => {
  const checks = readinessConformance(good, setup);
  expect(checks.map((check) => check.skip)).toEqual(checks.map(() => undefined));
  for (const check of checks) await check.run();
});

test('a watcher left open by dispose() is found', async () => {
  const leaky: ReadinessStrategy<Flag> = {
    name: 'leaky',
    begin: (context) => {
      const watcher = watch(join(context.options.path, '..'), () => undefined);
      leftBehind.push(() => watcher.close());
      return good.begin!(context);
    },
  };
  expect(await failures(leaky, 'timeout')).toEqual([expect.stringMatching(/still held .* more (fds|FSEventWrap)/)]);
});

test('a ready() that ignores the abort is found', async () => {
  const deaf: ReadinessStrategy<Flag> = {
    name: 'deaf',
    begin: (context) => ({ ready: () => pollFlag(context.signal, context.options.path, true, false), dispose: () => undefined }),
  };
  expect(await failures(deaf, 'stop aborts')).toEqual([expect.stringContaining('ready() never settled')]);
});

test('a flag from before the spawn taken as ready is found', async () => {
  const credulous: ReadinessStrategy<Flag> = {
    name: 'credulous',
    begin: (context) => ({ ready: () => pollFlag(context.signal, context.options.path, false), dispose: () => undefined }),
  };
  expect(await failures(credulous, 'evidence from before')).toEqual([expect.stringContaining('expected PILOT_READINESS_TIMEOUT, got ready')]);
});

test('a strategy of the old prepare/wait shape fails with the migration hint', async () => {
  const old = { name: 'old', prepare: async () => undefined, wait: async () => undefined } as unknown as ReadinessStrategy<Flag>;
  expect(await failures(old, 'becomes ready')).toEqual([expect.stringContaining('prepare() was removed: move its work into begin')]);
});
