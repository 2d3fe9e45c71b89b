import { expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';
import { readPlainYaml } from '../../src/manifest/plain-yaml.js';

// The fast reader must never disagree with the yaml package: where it answers, the value is the
// same; where yaml reports an error, it does not answer.
const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What `yaml` makes of `text` (as load.ts calls it), or 'error'. */
function byYaml(text: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) return 'error';
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch {
    return 'error';
  }
}

function expectAgreement(text: string): boolean {
  const fast = readPlainYaml(text);
  if (fast === undefined) return false;
  const expected = byYaml(text);
  if (expected === 'error') throw new Error(`the plain reader accepted what yaml rejects:\n${text}`);
  expect({ text, value: fast }).toEqual({ text, value: expected });
  return true;
}

/** A seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = ['web', 'sh', '-c', 'exec sleep 1000', 'http://localhost:8080/health', '/tmp/x y', "it's", 'a: b', 'a #b', '#x', '8080', '1.5', '0x1F', '0o17', '-0', 'true', 'True', 'null', '~', '', ' lead', 'trail ', 'ü', '[x]', '{y}', 'a,b', '- item', '*alias', '&anchor', '!tag', '|', '>', '%', '@', 'x"y', "x'y", 'back\\slash', 'tab\there', 'line\nbreak'];
const KEYS = ['name', 'path', 'args', 'env', 'ready_strategy', 'ready_params', 'port', 'NODE_ENV', 'a.b', 'x-y', 'null', 'True', '0', '12', '01', 'with space', '"q"', '__proto__', 'constructor'];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const roll = next();
  if (depth > 2 || roll < 0.45) {
    const kind = next();
    if (kind < 0.6) return pick(SCALARS);
    if (kind < 0.8) return Math.round((next() - 0.5) * 1e6) / (next() < 0.5 ? 1 : 100);
    return pick([true, false, null]);
  }
  if (roll < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(KEYS), value(next, depth + 1)]));
}

/** A manifest-like document written the ways people (and yaml.stringify's options) write them. */
function generated(seed: number): string {
  const next = random(seed);
  const processes = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, i) => ({ name: `p${i}`, path: 'sh', args: ['-c', 'exec sleep 1000'], extra: value(next, 1) }));
  const options = {
    indentSeq: next() < 0.5,
    indent: next() < 0.8 ? 2 : 4,
    collectionStyle: next() < 0.2 ? ('flow' as const) : ('any' as const),
    flowCollectionPadding: next() < 0.5,
    defaultStringType: next() < 0.7 ? ('PLAIN' as const) : next() < 0.5 ? ('QUOTE_DOUBLE' as const) : ('QUOTE_SINGLE' as const),
    lineWidth: 0,
  };
  const text = stringify({ kill_timeout: 60, processes, top: value(next, 0) }, options);
  return next() < 0.3 ? text.replace(/^(\s*\w+: \S+)$/m, '$1 # a comment') : text;
}

test('typical manifests are read by the plain reader, and read as yaml reads them', () => {
  const manifests = readdirSync(join(repository, 'examples'))
    .map((name) => join(repository, 'examples', name, 'pilot.yaml'))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'));
  expect(manifests.length).toBeGreaterThan(2);
  const many = ['kill_timeout: 60', 'processes:', ...Array.from({ length: 200 }, (_, i) => `  - name: c${i}\n    path: sh\n    args: ["-c", "exec sleep 1000"]\n    ready_params: { path: /tmp/ready-${i}, port: ${4000 + i} }`)].join('\n');
  const compact = "processes:\n- name: web   # the server\n  path: 'node'\n  args: [server.mjs, --port, '8080']\n  env: { NODE_ENV: production, EMPTY: '' }\n  dependencies:\n    - db\n- name: db\n  path: /usr/bin/env\n";
  for (const text of [...manifests, many, compact]) expect(expectAgreement(text)).toBe(true);
});

test('hand-picked corners: core-schema types, keys yaml retypes, quotes, comments, flow collections', () => {
  const read = [
    'k: 1e3\nf: +.5\ng: 1.\no: 0o17\nh: 0x1F\nz: -0\nl: 08\nbig: 12345678901234567890\ninf: -.inf\nnan: .NaN\nnil: ~\nyes: True',
    "q: 'it''s'\nd: \"a # not a comment\"\np: a#b\nu: http://x:80/y\nlist: [http://x:80, a:b, 'c, d']",
    'a:\n- x\n- y\nb: 1\n',
    '0: zero\n12: twelve\n',
    'nested:\n  deeper:\n    - [1, [2, 3]]\n    - {a: {b: c}}\n',
    'a:   # comment after the key\n  b: 1\n\n# a last comment\n',
  ];
  for (const text of read) expect(expectAgreement(text)).toBe(true);
  const declined = [
    'null: 1', 'TRUE: 1', '01: 1', 'a: 1\na: 2', '__proto__: {}', 'a: &x 1\nb: *x', 'a: !!str 1', 'a: |\n  text\n', 'a: >\n  text\n',
    'a: multi\n  line', 'a: "esc\\n"', '---\na: 1', 'a: 1\n...\n', '%YAML 1.2\n---\na: 1', 'a:\tb', '? a\n: b', 'a: [1, 2,]', 'a: [1,\n  2]',
    '{a: 1}', 'scalar', '- a\nb: 1', 'a: b: c', 'a:b', 'a: "x"y', 'a : 1', 'a: {b:1}', 'a: - b', 'a: -', '  a: 1\n b: 2', '',
  ];
  for (const text of declined) expect({ text, value: readPlainYaml(text) }).toEqual({ text, value: undefined });
});

test('generated manifests: the same value wherever the plain reader answers', () => {
  let answered = 0;
  const runs = 600;
  for (let seed = 1; seed <= runs; seed += 1) if (expectAgreement(generated(seed))) answered += 1;
  // Most generated documents hold a corner the reader declines; enough remain to compare.
  expect(answered).toBeGreaterThan(runs / 10);
});

test('mutated manifests: never a value where yaml reports an error, never a different value', () => {
  const significant = [' ', '  ', ':', '-', '#', "'", '"', '[', ']', '{', '}', ',', '\n', '&', '*', '!', '|', '>', '?', '\\', '\t', '0', 'x'];
  let answered = 0;
  for (let seed = 1; seed <= 1500; seed += 1) {
    const next = random(seed * 7919);
    let text = generated(seed % 300);
    for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits -= 1) {
      const at = Math.floor(next() * text.length);
      const mode = next();
      const char = significant[Math.floor(next() * significant.length)]!;
      text = mode < 0.4 ? text.slice(0, at) + char + text.slice(at) : mode < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + char + text.slice(at + 1);
    }
    if (expectAgreement(text)) answered += 1;
  }
  expect(answered).toBeGreaterThan(30);
});
