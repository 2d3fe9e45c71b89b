import { expect, test } from '@jest/globals';
import { definePlugin, PilotError, ProcessManifest, ProcessPilot, type ReadinessContext, type SessionStrategy } from '../../src/index.js';
import { FakeExecutor } from '../../src/testing/index.js';
import { fixture } from '../support/index.js';

/** A begin-strategy that records every call, ready when the test says so (or never). */
function recordingStrategy() {
  const calls: string[] = [];
  const contexts: ReadinessContext[] = [];
  let open: (() => void) | undefined;
  const strategy: SessionStrategy = {
    name: 'recorded',
    begin(context) {
      calls.push(`begin pid=${context.pid} host=${context.host}`);
      contexts.push(context);
      return {
        env: { RECORDED: 'yes' },
        ready: () => {
          calls.push(`ready pid=${context.pid} host=${context.host}`);
          return new Promise<void>((resolve, reject) => {
            open = resolve;
            context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
          });
        },
        dispose: () => void calls.push(`dispose aborted=${context.signal.aborted}`),
      };
    },
  };
  return { strategy, calls, contexts, ready: () => open?.() };
}

function pilotWith(recording: ReturnType<typeof recordingStrategy>, ready_timeout_sec = 60) {
  const manifest = ProcessManifest.fromObject({ processes: [{ name: 'svc', path: fixture('sleep-forever.sh'), ready_strategy: 'recorded', ready_timeout_sec }] });
  const executor = new FakeExecutor();
  const plugin = definePlugin({ name: 'recorded', apply: (pilot) => pilot.readiness.register(recording.strategy) });
  return { pilot: new ProcessPilot(manifest, { executor, plugins: [plugin], handleSignals: false }), executor };
}

const waitingFor = async (calls: string[], what: string) => {
  for (let turn = 0; turn < 1000 && !calls.some((call) => call.startsWith(what)); turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

test('begin before the spawn (no pid yet), ready after it with the executor\'s pid and host, dispose once after the signal aborted', async () => {
  const recording = recordingStrategy();
  const { pilot, executor } = pilotWith(recording);
  const starting = pilot.start();
  await waitingFor(recording.calls, 'ready');
  recording.ready();
  await starting;
  const run = executor.latest('svc')!;
  expect(run.request.env.RECORDED).toBe('yes');
  expect(recording.calls).toEqual(['begin pid=undefined host=localhost', `ready pid=${run.pid} host=fake`, 'dispose aborted=true']);
  await pilot.stop();
  expect(recording.calls).toHaveLength(3);
});

test('a failed spawn disposes the session once and never calls ready()', async () => {
  const recording = recordingStrategy();
  const { pilot, executor } = pilotWith(recording);
  executor.failNextSpawn.set('svc', new PilotError('PILOT_SPAWN_FAILED', 'process "svc": spawn failed: EMFILE'));
  await expect(pilot.start()).rejects.toMatchObject({ code: 'PILOT_SPAWN_FAILED' });
  expect(recording.calls).toEqual(['begin pid=undefined host=localhost', 'dispose aborted=true']);
  await pilot.stop();
});

test('a stop during the wait aborts it and disposes once', async () => {
  const recording = recordingStrategy();
  const { pilot } = pilotWith(recording);
  const starting = pilot.start();
  starting.catch(() => undefined);
  await waitingFor(recording.calls, 'ready');
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(recording.calls.filter((call) => call.startsWith('dispose'))).toEqual(['dispose aborted=true']);
});

test('a timeout aborts the wait and disposes once', async () => {
  const recording = recordingStrategy();
  const { pilot } = pilotWith(recording, 0.05);
  await expect(pilot.start()).rejects.toMatchObject({ code: 'PILOT_READINESS_TIMEOUT' });
  expect(recording.calls.filter((call) => call.startsWith('dispose'))).toEqual(['dispose aborted=true']);
  await pilot.stop();
});

test('a strategy of the old prepare/wait shape fails the start with the migration hint', async () => {
  const old = { name: 'recorded', prepare: async () => undefined, wait: async () => undefined } as unknown as SessionStrategy;
  const { pilot } = pilotWith({ strategy: old, calls: [], contexts: [], ready: () => undefined });
  await expect(pilot.start()).rejects.toMatchObject({ code: 'PILOT_PLUGIN_INVALID', message: expect.stringContaining('prepare() was removed') });
  await pilot.stop();
});
