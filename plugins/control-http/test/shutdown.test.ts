import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { join } from 'node:path';
import controlHttp from '@pilot/plugin-control-http';
import readyLog from '@pilot/plugin-ready-log';
import { Sandbox, eventually, isAlive } from '../../../core/test/support/index.js';
import { call, fixture, type Reply } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('a pilot stop during a restart that waits for readiness aborts it: the stop signal, not the kill_timeout SIGKILL', async () => {
  const manifest = await sandbox.manifest({
    control_server: 'http',
    kill_timeout: 3,
    processes: [{ name: 'web', path: fixture('ready-once.sh'), args: [join(sandbox.directory, 'first-run-done')], ready_strategy: 'log', ready_params: { pattern: '^ready$' }, ready_timeout_sec: 60 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp(), readyLog()] });
  await pilot.start();
  const target = { socketPath: join(sandbox.directory, '.pilot', 'control.sock') };
  const firstPid = pilot.getRunningProcess('web')!.pid!;
  let reply: Reply | undefined;
  const restart = call(target, '/v1/processes/web/restart', { method: 'POST' }).then((r) => (reply = r));
  // The new instance is up and will never be ready: the restart waits for it.
  await eventually(() => {
    const web = pilot.getRunningProcess('web')!;
    return web.status === 'starting' && web.pid !== undefined && web.pid !== firstPid;
  }, 'the restarted instance waiting for readiness');
  const secondPid = pilot.getRunningProcess('web')!.pid!;

  await pilot.stop();
  // The control server used to drain its own actions in beforeStop, so the shutdown waited for
  // this restart until kill_timeout and then SIGKILLed everything.
  expect(pilot.getRunningProcess('web')).toMatchObject({ status: 'stopped', lastExit: { signal: 'SIGTERM' } });
  expect(isAlive(secondPid)).toBe(false);
  await restart;
  expect(reply!.status).toBe(503);
  expect(reply!.json.error).toBe('the pilot is stopping; actions are refused until it starts again');
});
