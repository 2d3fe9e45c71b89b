import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessManifest, type ManifestInput } from '@pilot/core';
import controlHttp from '@pilot/plugin-control-http';
import { MARKER_VARIABLE, Sandbox, eventually, isAlive } from '../../../core/test/support/index.js';
import { call, fixture, modeOf, openConnection, openEvents, readJson } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const stateDirectory = () => join(sandbox.directory, '.pilot');
const defaultSocket = () => join(stateDirectory(), 'control.sock');

async function pilotFor(control: ManifestInput['control_server'] = 'http') {
  const manifest = await sandbox.manifest({ control_server: control, processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  return sandbox.pilot(manifest, { plugins: [controlHttp()] });
}

/** Run a fixture with this test's marker, resolve once it printed `line`. */
function runFixture(name: string, args: string[], line: string, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess & { output: () => string }> {
  const child = spawn(process.execPath, [fixture(name), ...args], {
    env: { ...process.env, ...env, [MARKER_VARIABLE]: sandbox.marker },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (output.includes(line)) resolve(Object.assign(child, { output: () => output }));
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code} before printing "${line}": ${output}`)));
  });
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

test('the socket is 0600 in a 0700 directory, and control.json and the token 0600, even under umask 000', async () => {
  const previous = process.umask(0);
  try {
    const pilot = await pilotFor();
    await pilot.start();
    expect(modeOf(stateDirectory())).toBe(0o700);
    expect(statSync(defaultSocket()).isSocket()).toBe(true);
    expect(modeOf(defaultSocket())).toBe(0o600);
    expect(modeOf(join(stateDirectory(), 'control.json'))).toBe(0o600);
    await pilot.stop();

    const tcp = sandbox.pilot(pilotForManifest(await sandbox.manifest({ control_server: { name: 'http', options: { tcp: { port: 0 } } }, processes: [{ name: 'web', path: fixture('chatty.sh') }] }, 'tcp.yaml')), { plugins: [controlHttp()] });
    await tcp.start();
    expect(modeOf(join(stateDirectory(), 'token'))).toBe(0o600);
    expect(modeOf(join(stateDirectory(), 'control.json'))).toBe(0o600);
    await tcp.stop();

    const custom = await pilotFor({ name: 'http', options: { socket: 'run/deep/ctl.sock' } });
    await custom.start();
    const socket = join(sandbox.directory, 'run', 'deep', 'ctl.sock');
    expect(modeOf(socket)).toBe(0o600);
    expect(modeOf(join(sandbox.directory, 'run'))).toBe(0o700);
    expect(modeOf(join(sandbox.directory, 'run', 'deep'))).toBe(0o700);
    expect(readJson(join(stateDirectory(), 'control.json')).socket).toBe(socket);
    expect((await call({ socketPath: socket }, '/v1/processes')).status).toBe(200);
  } finally {
    process.umask(previous);
  }
});

test('an existing state directory open to others, or owned by another user, is refused, not tightened', async () => {
  mkdirSync(stateDirectory(), { mode: 0o700 });
  chmodSync(stateDirectory(), 0o770);
  const pilot = await pilotFor();
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  await expect(pilot.start()).rejects.toThrow(`control server: ${stateDirectory()} is open to other users (mode 0770), so what is in it may not be ours; check its content and run chmod 700 ${stateDirectory()}`);
  expect(modeOf(stateDirectory())).toBe(0o770);
  expect(spawned).toEqual([]);
  if (process.getuid?.() !== 0) return;
  // As root the test can play the other user: a 0700 directory that is not ours is refused too.
  chmodSync(stateDirectory(), 0o700);
  chownSync(stateDirectory(), 65534, 65534);
  await expect(pilotFor().then((second) => second.start())).rejects.toThrow(/is owned by uid 65534, not by this pilot's user \(uid 0\)/);
});

test('without a manifest file the runtime directory is a fresh mkdtemp, never a squatted predictable one', async () => {
  const runtime = join(sandbox.directory, 'runtime');
  mkdirSync(runtime, { mode: 0o700 });
  // What another user could have prepared under the old predictable name, with a socket of theirs.
  const squatted = join(runtime, `pilot-${process.pid}`);
  mkdirSync(squatted, { mode: 0o777 });
  chmodSync(squatted, 0o777);
  if (process.getuid?.() === 0) chownSync(squatted, 65534, 65534);
  const previous = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = runtime;
  try {
    const manifest = ProcessManifest.fromObject({ control_server: 'http', processes: [{ name: 'web', path: fixture('chatty.sh'), env: { [MARKER_VARIABLE]: sandbox.marker } }] });
    const pilot = sandbox.pilot(manifest, { plugins: [controlHttp()] });
    await pilot.start();
    const created = readdirSync(runtime).filter((name) => name !== `pilot-${process.pid}`);
    expect(created).toEqual([expect.stringMatching(new RegExp(`^pilot-${process.pid}-[A-Za-z0-9]{6}$`))]);
    const directory = join(runtime, created[0]!);
    expect(modeOf(directory)).toBe(0o700);
    expect(statSync(directory).uid).toBe(process.getuid!());
    const socketPath = join(directory, 'control.sock');
    expect(readJson(join(directory, 'control.json'))).toEqual({ socket: socketPath, url: null, pid: process.pid });
    expect((await call({ socketPath }, '/v1/processes/web')).json.status).toBe('running');
    expect(readdirSync(squatted)).toEqual([]);
    await pilot.stop();
    expect(existsSync(directory)).toBe(false);
  } finally {
    if (previous === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = previous;
  }
});

/** The manifest as is (keeps the line above readable). */
const pilotForManifest = <T>(manifest: T): T => manifest;

test('a stale socket and control.json left by a crashed pilot are replaced', async () => {
  mkdirSync(stateDirectory(), { mode: 0o700 });
  const crashed = await runFixture('listen-unix.mjs', [defaultSocket()], 'listening');
  crashed.kill('SIGKILL');
  await exitOf(crashed);
  expect(statSync(defaultSocket()).isSocket()).toBe(true);
  writeFileSync(join(stateDirectory(), 'control.json'), JSON.stringify({ socket: defaultSocket(), url: null, pid: crashed.pid }));

  const pilot = await pilotFor();
  await pilot.start();
  expect((await call({ socketPath: defaultSocket() }, '/v1/processes/web')).json.status).toBe('running');
  expect(readJson(join(stateDirectory(), 'control.json')).pid).toBe(process.pid);
});

test('a live socket makes a second pilot refuse to start, with a clear message and nothing spawned', async () => {
  const first = await pilotFor();
  await first.start();
  const second = await pilotFor();
  const spawned: string[] = [];
  second.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  await expect(second.start()).rejects.toThrow(/another pilot .*already running for this manifest.*stop it first/);
  expect(spawned).toEqual([]);
  // The refused pilot touched nothing of the live one.
  expect(readJson(join(stateDirectory(), 'control.json')).pid).toBe(process.pid);
  expect((await call({ socketPath: defaultSocket() }, '/v1/processes/web')).json.pid).toBe(first.getRunningProcess('web')!.pid);
});

test('a socket served by someone else, without control.json, is not taken over either', async () => {
  mkdirSync(stateDirectory(), { mode: 0o700 });
  const foreign = await runFixture('listen-unix.mjs', [defaultSocket()], 'listening');
  try {
    const pilot = await pilotFor();
    const failure = pilot.start();
    await expect(failure).rejects.toThrow(/already running for this manifest \(its pid is unknown; its socket .*control\.sock accepts connections\)/);
    await expect(failure).rejects.toMatchObject({ code: 'PILOT_ALREADY_RUNNING' });
  } finally {
    foreign.kill('SIGKILL');
    await exitOf(foreign);
  }
});

test('a regular file at the socket path is reported and left alone', async () => {
  mkdirSync(stateDirectory(), { mode: 0o700 });
  writeFileSync(defaultSocket(), 'not a socket');
  const pilot = await pilotFor();
  await expect(pilot.start()).rejects.toThrow(/control\.sock exists and is not a socket; remove it/);
  expect(readFileSync(defaultSocket(), 'utf8')).toBe('not a socket');
});

test('stop ends idle connections and event streams and removes the socket and control.json', async () => {
  const pilot = await pilotFor();
  await pilot.start();
  const events = await openEvents({ socketPath: defaultSocket() });
  const idle = await openConnection(defaultSocket());
  const idleClosed = new Promise((resolve) => idle.once('close', resolve));
  await pilot.stop();
  await events.ended;
  await idleClosed;
  expect(existsSync(defaultSocket())).toBe(false);
  expect(existsSync(join(stateDirectory(), 'control.json'))).toBe(false);
  // The server can start again with the pilot.
  await pilot.start();
  expect((await call({ socketPath: defaultSocket() }, '/v1/processes')).status).toBe(200);
});

test('an embedding process exits by itself after stop; without a manifest file it listens in the runtime directory', async () => {
  const child = await runFixture('embed.mjs', [], 'ready', { XDG_RUNTIME_DIR: sandbox.directory });
  const [created] = readdirSync(sandbox.directory).filter((name) => name.startsWith(`pilot-${child.pid}-`));
  const runtime = join(sandbox.directory, created!);
  const socketPath = join(runtime, 'control.sock');
  expect(modeOf(runtime)).toBe(0o700);
  expect(modeOf(socketPath)).toBe(0o600);
  expect(readJson(join(runtime, 'control.json'))).toEqual({ socket: socketPath, url: null, pid: child.pid });
  const sleeper = (await call({ socketPath }, '/v1/processes/sleeper')).json;
  expect(sleeper.status).toBe('running');
  // Clients that never hang up must not keep the pilot's process alive.
  const events = await openEvents({ socketPath });
  const idle = await openConnection(socketPath);
  child.stdin!.write('stop\n');
  expect(await exitOf(child)).toBe(0);
  expect(child.output()).toContain('stopped');
  await events.ended;
  idle.destroy();
  expect(isAlive(sleeper.pid)).toBe(false);
  expect(existsSync(runtime)).toBe(false);
  // Core's exit guard (a helper that outlives a SIGKILLed pilot) sees EOF and exits on its own.
  await eventually(() => sandbox.leftovers().length === 0, 'every helper of the embedding process gone');
});
