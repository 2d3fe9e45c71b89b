import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { FIRST_PARTY_PROVIDERS, firstPartyProvider } from '../../src/plugins/first-party.js';

const plugins = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'plugins');

test('the first-party table lists exactly what each plugin package declares in its package.json', () => {
  const declared = Object.fromEntries(
    readdirSync(plugins).map((folder) => {
      const pkg = JSON.parse(readFileSync(join(plugins, folder, 'package.json'), 'utf8')) as { name: string; pilot: object };
      return [pkg.name, pkg.pilot];
    }),
  );
  expect(FIRST_PARTY_PROVIDERS).toEqual(declared);
  expect(firstPartyProvider('readiness', 'http')).toBe('@pilot/plugin-ready-http');
  expect(firstPartyProvider('controlServers', 'http')).toBe('@pilot/plugin-control-http');
  expect(firstPartyProvider('readiness', 'nope')).toBeUndefined();
});
