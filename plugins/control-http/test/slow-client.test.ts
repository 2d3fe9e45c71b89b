import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessPilot } from '@pilot/core';
import controlHttp from '@pilot/plugin-control-http';
import { MARKER_VARIABLE, Sandbox, eventually } from '../../../core/test/support/index.js';
import { fixture } from './support.js';

/** The built `pilot` command (the suite builds before it runs). */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'core', 'dist', 'bundle', 'pilot.js');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A pilot whose process `flood` prints 64 MiB at full speed once it gets SIGUSR2, then a tick every 20 ms. */
async function floodPilot() {
  const manifest = await sandbox.manifest({ control_server: 'http', processes: [{ name: 'flood', path: fixture('flood-then-tick.mjs'), args: ['64'] }] });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp()] });
  let flooded = false;
  pilot.hooks.output.tap('test', (_info, line) => {
    if (line.text === 'flooded') flooded = true;
  });
  await pilot.start();
  await eventually(() => pilot.logs('flood', 1).some((line) => line.text === 'waiting'), 'the flood process to wait for its signal');
  const flood = async () => {
    process.kill(pilot.getRunningProcess('flood')!.pid!, 'SIGUSR2');
    await eventually(() => flooded, 'the process to print its 64 MiB');
  };
  return { pilot, flood, socketPath: join(sandbox.directory, '.pilot', 'control.sock') };
}

/** GET /v1/events, resolved once subscribed, with the response paused: a client that does not read. */
function stalledEvents(socketPath: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ socketPath, path: '/v1/events', agent: false }, (res) => {
      res.setEncoding('utf8');
      res.once('data', () => {
        res.pause();
        resolve(res);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('a client that stops reading gets events dropped and counted, not its memory grown or its connection cut', async () => {
  const { flood, socketPath } = await floodPilot();
  const res = await stalledEvents(socketPath);
  let closed = false;
  res.on('close', () => (closed = true));
  await flood();
  let text = '';
  res.on('data', (chunk: string) => (text = (text + chunk).slice(-64 * 1024)));
  res.resume();
  await eventually(() => /event: dropped\ndata: (.*)\n\n[^]*tick \d+/.test(text), 'the dropped count, then new events');
  const dropped = JSON.parse(/event: dropped\ndata: (.*)\n/.exec(text)![1]!);
  // 64 MiB of 1 KiB lines, of which the server kept at most 1 MiB (plus what the kernel buffers).
  expect(dropped.log).toBeGreaterThan(40_000);
  expect(dropped.state).toBe(0);
  expect(closed).toBe(false);
  res.destroy();
});

test('pilot logs -f behind a process printing at full speed reports the gap and keeps following', async () => {
  const { pilot, flood, socketPath } = await floodPilot();
  const cli = spawn(process.execPath, [CLI, 'logs', 'flood', '-f', '-n', '1', '--socket', socketPath], {
    env: { ...process.env, [MARKER_VARIABLE]: sandbox.marker },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  cli.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-64 * 1024)));
  cli.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
  await eventually(() => stdout === 'waiting\n', 'the tail: the command is subscribed');
  // A reader that stops reading (a pager, a slow terminal): the command blocks on its stdout.
  cli.stdout!.pause();
  await flood();
  cli.stdout!.resume();
  await eventually(() => /tick \d+\n$/.test(stdout) && stderr.includes('dropped'), `new lines after the gap (stderr: ${stderr})`);
  expect(stderr).toMatch(/^pilot logs: the pilot dropped \d+ log lines \(of all its processes\) because this command read more slowly than they came/);
  expect(stderr).not.toContain('bug');
  await pilot.stop();
  expect(await exited).toBe(0);
  expect(stderr).toMatch(/the pilot stopped; no more lines\n$/);
});
