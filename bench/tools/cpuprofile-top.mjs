// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by function and the total
// ("inclusive") time of each function, so a bottleneck can be named by file and function.
//
//   node bench/tools/cpuprofile-top.mjs <file.cpuprofile> [--top 25] [--filter core/dist]
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuprofile-top.mjs <file.cpuprofile> [--top N] [--filter substring]');
  process.exit(2);
}
const option = (name, fallback) => {
  const i = rest.indexOf(`--${name}`);
  return i === -1 ? fallback : rest[i + 1];
};
const top = Number(option('top', 25));
const filter = option('filter', '');

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Sample counts per node, then time per sample from the deltas.
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const totalUs = profile.endTime - profile.startTime;
const usPerSample = totalUs / profile.samples.length;

const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map();
const inclusive = new Map();
for (const [id, count] of hits) {
  const node = nodes.get(id);
  self.set(label(node), (self.get(label(node)) ?? 0) + count);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const name = label(nodes.get(cur));
    if (seen.has(name)) continue; // recursion counts once
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + count);
  }
}

const print = (title, map) => {
  console.log(`\n${title} (profile ${(totalUs / 1000).toFixed(0)} ms, ${profile.samples.length} samples)`);
  const rows = [...map].filter(([name]) => name.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, count] of rows) console.log(`${((count * usPerSample) / 1000).toFixed(1).padStart(9)} ms  ${name}`);
};
print('self time', self);
print('inclusive time', inclusive);
