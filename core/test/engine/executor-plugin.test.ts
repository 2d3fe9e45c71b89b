import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { z } from 'zod';
import { definePlugin, type Executor } from '../../src/index.js';
import { Sandbox, eventually, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** The executor skeleton of docs/writing-a-plugin.md section 7, as written there. */
function niceExecutor() {
  const options = z.strictObject({ level: z.number().int().min(0).max(19).default(10) });
  return definePlugin({
    name: 'pilot-plugin-nice',
    apply(context) {
      const local = context.executors.get('local')!;
      const nice: Executor = {
        name: 'nice',
        options,
        describe: () => `nice, on top of ${local.describe()}`,
        spawn(name, request, onLine, raw) {
          const { level } = options.parse(raw ?? {});
          const argv = request.shell ? ['/bin/sh', '-c', [request.command, ...request.args].join(' ')] : [request.command, ...request.args];
          return local.spawn(name, { ...request, shell: false, command: '/usr/bin/nice', args: ['-n', String(level), ...argv] }, onLine);
        },
      };
      context.executors.register(nice);
    },
  });
}

/** Field 19 of /proc/<pid>/stat: the nice value. */
const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

test('the executor plugin skeleton of the guide runs its processes under nice, and stops them like local ones', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'batch', path: fixture('sleep-forever.sh'), executor: { name: 'nice', options: { level: 15 } } }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [niceExecutor()] });
  await pilot.start();
  const pid = pilot.getRunningProcess('batch')!.pid!;
  // The spawn resolves once the child runs; `nice` then sets the level and execs the script.
  await eventually(() => niceOf(pid) === 15, `pid ${pid} at nice 15`);
  await pilot.stop();
  expect(isAlive(pid)).toBe(false);
});
