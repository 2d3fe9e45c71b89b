import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { checkAwk, checkNode, checkOpenFiles } from '../../src/cli/doctor-checks.js';
import { Sandbox } from '../support/index.js';
import { cleanUp, pilot } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

/** `pilot doctor` lines by check name (the first of each name). */
function lines(stdout: string): Map<string, string> {
  const byName = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^(ok|warn|missing) +(\S+(?: \S+)?) {2,}/.exec(line);
    if (match && !byName.has(match[2]!)) byName.set(match[2]!, line);
  }
  return byName;
}

/** The line after `name`'s line: its `fix:`. */
const fixOf = (stdout: string, name: string) => {
  const all = stdout.split('\n');
  const index = all.findIndex((line) => new RegExp(`^(warn|missing) +${name} `).test(line));
  return index === -1 ? undefined : all[index + 1]?.trim();
};

test('one line per check, each with ok, warn or missing; exit 0 on this machine', async () => {
  const result = await pilot(['doctor'], { cwd: sandbox.directory });
  expect(result.code).toBe(0);
  const found = lines(result.stdout);
  expect([...found.keys()]).toEqual(['node', 'containment', 'open files', 'awk', 'mkfifo', 'ssh', 'runtime dir', 'plugin']);
  expect(found.get('node')).toMatch(new RegExp(`^ok +node +Node ${process.versions.node.replace(/\./g, '\\.')}$`));
  expect(found.get('containment')).toMatch(/^(ok +containment +cgroup v2 per process under \/|warn +containment +process groups \(why: )/);
  expect(found.get('open files')).toMatch(/ulimit -n soft \S+, hard \S+$/);
  expect(result.stdout).toMatch(/^ok +plugin +@pilot\/plugin-ready-tcp: readiness tcp$/m);
  // Every line that is not ok says what to do.
  for (const line of result.stdout.split('\n')) {
    const match = /^(warn|missing) +(\S+)/.exec(line);
    if (match) expect(fixOf(result.stdout, match[2]!)).toMatch(/^fix: /);
  }
});

test('PILOT_CONTAINMENT=groups is reported as the chosen backend; an unknown value is missing and exits 1', async () => {
  const groups = await pilot(['doctor'], { cwd: sandbox.directory, env: { PILOT_CONTAINMENT: 'groups' } });
  expect(lines(groups.stdout).get('containment')).toMatch(/^ok +containment +process groups, chosen by PILOT_CONTAINMENT=groups$/);
  const bogus = await pilot(['doctor'], { cwd: sandbox.directory, env: { PILOT_CONTAINMENT: 'jail' } });
  expect(bogus.code).toBe(1);
  expect(lines(bogus.stdout).get('containment')).toMatch(/^missing +containment +PILOT_CONTAINMENT="jail": expected auto, cgroup or groups/);
  expect(fixOf(bogus.stdout, 'containment')).toBe('fix: set PILOT_CONTAINMENT to auto, cgroup or groups, or unset it');
});

test('a PATH without the tools: mkfifo and ssh are warnings with a fix; awk is looked for in /usr/bin and /bin, not on PATH', async () => {
  const empty = join(sandbox.directory, 'empty-bin');
  mkdirSync(empty);
  const result = await pilot(['doctor'], { cwd: sandbox.directory, env: { PATH: empty } });
  expect(result.code).toBe(0);
  const found = lines(result.stdout);
  expect(found.get('mkfifo')).toMatch(/^warn +mkfifo +not on PATH: children get socketpairs/);
  expect(fixOf(result.stdout, 'mkfifo')).toBe('fix: install coreutils');
  expect(found.get('ssh')).toMatch(/^warn +ssh +not on PATH: only needed for processes on remote hosts \(optional\)$/);
  const awk = ['/usr/bin/awk', '/bin/awk'].find((path) => existsSync(path));
  if (awk) expect(found.get('awk')).toMatch(new RegExp(`^ok +awk +${awk}: `));
  else expect(found.get('awk')).toMatch(/^warn +awk +no awk in /);
});

test('without awk the lifeline falls back to Node (a warning); few open files and an old Node are reported with fixes', () => {
  const awk = checkAwk([join(sandbox.directory, 'no-awk-here')]);
  expect(awk).toMatchObject({ status: 'warn', detail: expect.stringContaining('the lifeline runs as a Node process instead'), fix: expect.stringContaining('install awk') });
  const limits = sandbox.file('limits', 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            256                  4096                 files\n');
  expect(checkOpenFiles(limits)).toEqual({ name: 'open files', status: 'warn', detail: 'ulimit -n soft 256, hard 4096', fix: 'raise it before pilot run: ulimit -n 4096 (or LimitNOFILE= in a systemd unit)' });
  expect(checkOpenFiles(join(sandbox.directory, 'no-limits'))).toMatchObject({ status: 'warn', detail: expect.stringContaining('cannot read') });
  expect(checkNode('18.19.0')).toMatchObject({ status: 'missing', fix: expect.stringContaining('Node 20 or later') });
});

test('a runtime directory that does not exist is a warning naming XDG_RUNTIME_DIR; --json gives the same checks', async () => {
  const missing = join(sandbox.directory, 'no-runtime');
  const result = await pilot(['doctor', '--json'], { cwd: sandbox.directory, env: { XDG_RUNTIME_DIR: missing } });
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string; fix?: string }[] };
  expect(report.ok).toBe(true);
  expect(report.checks.find((check) => check.name === 'runtime dir')).toEqual({
    name: 'runtime dir',
    status: 'warn',
    detail: `${missing} (XDG_RUNTIME_DIR) does not exist: control servers of manifests without a file cannot make their socket directory`,
    fix: 'point XDG_RUNTIME_DIR at a writable directory of yours',
  });
  expect(report.checks.map((check) => check.name).slice(0, 7)).toEqual(['node', 'containment', 'open files', 'awk', 'mkfifo', 'ssh', 'runtime dir']);
});
