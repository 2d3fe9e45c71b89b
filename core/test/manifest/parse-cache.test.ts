import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseCache } from '../../src/manifest/parse-cache.js';

// Each ParseCache stands for a fresh process; `parse` counts how often the parser really ran.
let directory: string;
let parser: string;
let parses: number;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'pilot-cache-test-'));
  parser = join(directory, 'parser.cjs');
  writeFileSync(parser, '// the yaml module stand-in\n');
  parses = 0;
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const cacheIn = (cacheDirectory: string) => new ParseCache(() => parser, { PILOT_CACHE_DIR: cacheDirectory });
const parse = (value: unknown) => () => {
  parses += 1;
  return value;
};

test('the same text read by a fresh process comes from the cache, as yaml made it; other text parses', () => {
  const cache = join(directory, 'cache');
  const value = { processes: [{ name: 'web', args: ['-c', 'x'], env: { PORT: 8080, EMPTY: null, ON: true } }] };
  expect(cacheIn(cache).get('text', parse(value))).toEqual(value);
  expect(cacheIn(cache).get('text', parse('not used'))).toEqual(value);
  expect(parses).toBe(1);
  expect(cacheIn(cache).get('other text', parse({ other: 1 }))).toEqual({ other: 1 });
  expect(parses).toBe(2);
});

test('an upgraded parser (another size or time of its file) parses again', () => {
  const cache = join(directory, 'cache');
  cacheIn(cache).get('text', parse({ a: 1 }));
  utimesSync(parser, new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(cacheIn(cache).get('text', parse({ a: 2 }))).toEqual({ a: 2 });
  expect(parses).toBe(2);
});

test('a value JSON would change (NaN, Infinity, -0) is never cached', () => {
  const cache = join(directory, 'cache');
  for (const value of [{ n: NaN }, { i: -Infinity }, { z: -0 }]) {
    expect(cacheIn(cache).get(JSON.stringify(Object.keys(value)), parse(value))).toEqual(value);
    expect(Object.is(cacheIn(cache).get(JSON.stringify(Object.keys(value)), parse(value)), value)).toBe(true);
  }
  expect(parses).toBe(6);
  expect(readdirSync(cache)).toEqual([]);
});

test('a directory or an entry others can write is not trusted; an empty PILOT_CACHE_DIR means no cache', () => {
  const shared = join(directory, 'shared');
  mkdirSync(shared, { mode: 0o755 });
  chmodSync(shared, 0o775);
  cacheIn(shared).get('text', parse({ a: 1 }));
  expect(readdirSync(shared)).toEqual([]);

  const cache = join(directory, 'cache');
  cacheIn(cache).get('text', parse({ a: 1 }));
  const [entry] = readdirSync(cache);
  writeFileSync(join(cache, entry!), JSON.stringify({ planted: true }));
  chmodSync(join(cache, entry!), 0o666);
  expect(cacheIn(cache).get('text', parse({ a: 1 }))).toEqual({ a: 1 });

  const before = parses;
  new ParseCache(() => parser, { PILOT_CACHE_DIR: '' }).get('text', parse({ a: 1 }));
  expect(parses).toBe(before + 1);
});

test('a cache that cannot be made or written only means parsing; parse errors pass through uncached', () => {
  const notADirectory = join(directory, 'file');
  writeFileSync(notADirectory, '');
  expect(cacheIn(notADirectory).get('text', parse({ a: 1 }))).toEqual({ a: 1 });
  expect(cacheIn(join(notADirectory, 'below')).get('text', parse({ a: 1 }))).toEqual({ a: 1 });

  const cache = join(directory, 'cache');
  const failing = () => {
    throw new Error('bad YAML');
  };
  expect(() => cacheIn(cache).get('broken', failing)).toThrow('bad YAML');
  expect(() => cacheIn(cache).get('broken', failing)).toThrow('bad YAML');
  expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
});

test('at most 64 manifests are kept', () => {
  const cache = join(directory, 'cache');
  for (let i = 0; i < 70; i += 1) cacheIn(cache).get(`text ${i}`, parse({ i }));
  expect(readdirSync(cache).length).toBe(64);
});
