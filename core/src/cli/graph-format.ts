import { startLevels, type ProcessSpec } from '../index.js';
import { strategyOf } from './describe-process.js';

/** `pilot graph --format`. */
export type GraphFormat = 'text' | 'mermaid' | 'dot';

/**
 * The dependency graph in `format`. Edges point from a dependency to its dependent (start
 * order: `data --> api` means data starts, and is ready, before api); each node shows its
 * readiness strategy.
 */
export function formatGraph(processes: readonly ProcessSpec[], format: GraphFormat): string {
  if (format === 'mermaid') return mermaid(processes);
  if (format === 'dot') return dot(processes);
  return text(processes);
}

function edges(processes: readonly ProcessSpec[]): [from: string, to: string][] {
  return processes.flatMap((spec) => spec.dependencies.map((dependency): [string, string] => [dependency, spec.name]));
}

function mermaid(processes: readonly ProcessSpec[]): string {
  // Node ids are generated: process names may contain "-" or ".", which mermaid ids may not.
  const id = new Map(processes.map((spec, index) => [spec.name, `p${index}`]));
  const nodes = processes.map((spec) => `  ${id.get(spec.name)}["${spec.name}<br/>ready: ${strategyOf(spec)}"]`);
  const links = edges(processes).map(([from, to]) => `  ${id.get(from)} --> ${id.get(to)}`);
  return ['flowchart LR', ...nodes, ...links].join('\n') + '\n';
}

function dot(processes: readonly ProcessSpec[]): string {
  const quote = (value: string) => JSON.stringify(value);
  const nodes = processes.map((spec) => `  ${quote(spec.name)} [label=${quote(`${spec.name}\nready: ${strategyOf(spec)}`)}];`);
  const links = edges(processes).map(([from, to]) => `  ${quote(from)} -> ${quote(to)};`);
  return ['digraph pilot {', '  rankdir=LR;', '  node [shape=box];', ...nodes, ...links, '}'].join('\n') + '\n';
}

function text(processes: readonly ProcessSpec[]): string {
  const byName = new Map(processes.map((spec) => [spec.name, spec]));
  const lines = startLevels(processes).flatMap((level, index) => [
    `step ${index + 1}${level.length > 1 ? ' (in parallel)' : ''}`,
    ...level.map((name) => {
      const spec = byName.get(name)!;
      const after = spec.dependencies.length > 0 ? `  <- ${spec.dependencies.join(', ')}` : '';
      return `  ${name} [ready: ${strategyOf(spec)}]${after}`;
    }),
  ]);
  return lines.join('\n') + '\n';
}
