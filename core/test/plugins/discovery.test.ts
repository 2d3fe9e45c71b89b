import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { discoverPluginPackages } from '../../src/index.js';
import { discoveryCount } from '../../src/plugins/discovery.js';
import { ProviderLookup } from '../../src/plugins/find-provider.js';
import { Sandbox, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** Write `node_modules/<name>` under the sandbox with a package.json and an index.mjs. */
function installPackage(name: string, pilot: Record<string, string[]> | undefined, index = 'export default [];\n', under = 'node_modules'): string {
  const directory = join(sandbox.directory, under, name);
  mkdirSync(directory, { recursive: true });
  sandbox.file(join(under, name, 'package.json'), JSON.stringify({ name, type: 'module', exports: './index.mjs', ...(pilot ? { pilot } : {}) }));
  sandbox.file(join(under, name, 'index.mjs'), index);
  return directory;
}

const manifestUsing = (ready_strategy: string, extra: Record<string, unknown> = {}) =>
  sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh'), ready_strategy, ...extra }] });

test('a manifest naming only names core bundles never lists node_modules, even with a package that claims one of them', async () => {
  // Discovery would find this package first (nearest node_modules) and fail on its import.
  installPackage('pilot-plugin-claims-tcp', { readiness: ['tcp', 'file'] }, "throw new Error('discovery imported me');\n");
  const manifest = await manifestUsing('tcp', { ready_params: { port: 4000 } });
  const before = discoveryCount();
  const pilot = sandbox.pilot(manifest);
  await pilot.initialize();
  expect(pilot.readiness.ownerOf('tcp')).toBe('@pilot/plugin-ready-tcp');
  expect(discoveryCount()).toBe(before);
});

test('an installed copy of a bundled plugin package is its provider, found without a listing', async () => {
  // Checked on the lookup: under Jest, importing @pilot/plugin-* is mapped to the workspace source.
  const pinned = installPackage('@pilot/plugin-ready-file', { readiness: ['file'] });
  const before = discoveryCount();
  const provider = await new ProviderLookup([join(sandbox.directory, 'project')]).find('readiness', 'file');
  expect(provider).toEqual({ name: '@pilot/plugin-ready-file', directory: pinned, provides: { readiness: ['file'] } });
  expect(discoveryCount()).toBe(before);
});

test('a name no bundled plugin provides is found by listing node_modules once', async () => {
  installPackage(
    'pilot-plugin-instant',
    { readiness: ['instant'] },
    "export default { name: 'instant-plugin', apply(context) { context.readiness.register({ name: 'instant', wait: async () => {} }); } };\n",
  );
  const manifest = await manifestUsing('instant');
  const before = discoveryCount();
  const pilot = sandbox.pilot(manifest);
  await pilot.initialize();
  expect(pilot.readiness.ownerOf('instant')).toBe('instant-plugin');
  expect(discoveryCount()).toBe(before + 1);
});

test('discovery finds the three name patterns, follows symlinked packages, skips the rest, nearest copy first', async () => {
  installPackage('pilot-plugin-a', { readiness: ['a'] });
  installPackage('@acme/pilot-plugin-b', { statsHandlers: ['b'] });
  installPackage('@pilot/plugin-c', { controlServers: ['c'] });
  installPackage('not-a-plugin', { readiness: ['x'] });
  installPackage('@acme/other', { readiness: ['y'] });
  installPackage('pilot-plugin-undeclared', undefined);
  // A workspace links its packages: node_modules/pilot-plugin-linked -> ../packages/linked.
  const linked = installPackage('linked', { lifecycleHooks: ['d'] }, undefined, 'packages');
  sandbox.file('packages/linked/package.json', JSON.stringify({ name: 'pilot-plugin-linked', pilot: { lifecycleHooks: ['d'] } }));
  symlinkSync(linked, join(sandbox.directory, 'node_modules', 'pilot-plugin-linked'));
  // The same package deeper down shadows the one above it.
  const project = join(sandbox.directory, 'project');
  installPackage('pilot-plugin-a', { readiness: ['a2'] }, undefined, 'project/node_modules');

  const packages = await discoverPluginPackages([project]);
  const ours = packages.filter((pkg) => pkg.directory.startsWith(sandbox.directory));
  expect(ours.map((pkg) => [pkg.name, pkg.provides])).toEqual([
    ['pilot-plugin-a', { readiness: ['a2'] }],
    ['@acme/pilot-plugin-b', { statsHandlers: ['b'] }],
    ['@pilot/plugin-c', { controlServers: ['c'] }],
    ['pilot-plugin-linked', { lifecycleHooks: ['d'] }],
  ]);
  expect(ours[0]!.directory).toBe(join(project, 'node_modules', 'pilot-plugin-a'));
});
