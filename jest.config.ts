import type { Config } from 'jest';
import { readdirSync, existsSync } from 'node:fs';

/** One Jest project per package; TypeScript runs from source through ts-jest in ESM mode. */

function project(dir: string, name: string): Config {
  const depth = dir.split('/').length;
  const up = '../'.repeat(depth);
  return {
    displayName: name,
    rootDir: `<rootDir>/${dir}`,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: `<rootDir>/${up}tsconfig.base.json` }],
    },
    moduleNameMapper: {
      '^@pilot/core$': `<rootDir>/${up}core/src/index.ts`,
      '^@pilot/plugin-(.*)$': `<rootDir>/${up}plugins/$1/src/index.ts`,
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
  };
}

const plugins = existsSync('plugins')
  ? readdirSync('plugins').filter((name) => existsSync(`plugins/${name}/test`))
  : [];

const config: Config = {
  testTimeout: 30_000,
  projects: [
    project('core', 'core'),
    ...plugins.map((name) => project(`plugins/${name}`, name)),
    project('examples/pilot-plugin-hello', 'pilot-plugin-hello'),
  ],
};

export default config;
