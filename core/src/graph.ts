import { PilotError } from './errors.js';

/** A node of the dependency graph: a name and the names it depends on. */
export interface GraphNode {
  name: string;
  dependencies: readonly string[];
}

/**
 * The first dependency cycle found, as a closed path `[a, b, c, a]`, or undefined.
 * Depth-first with colours; unknown dependencies are ignored here (reported elsewhere).
 */
export function findCycle(nodes: readonly GraphNode[]): string[] | undefined {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dependency of byName.get(name)?.dependencies ?? []) {
      if (!byName.has(dependency)) continue;
      if (state.get(dependency) === 'visiting') return [...stack.slice(stack.indexOf(dependency)), dependency];
      if (!state.has(dependency)) {
        const cycle = visit(dependency);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const node of nodes) {
    if (!state.has(node.name)) {
      const cycle = visit(node.name);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

/** Throws PILOT_DEPENDENCY_CYCLE naming the whole cycle (`a -> b -> a`). */
export function assertAcyclic(nodes: readonly GraphNode[]): void {
  const cycle = findCycle(nodes);
  if (cycle) {
    throw new PilotError(
      'PILOT_DEPENDENCY_CYCLE',
      `dependency cycle: ${cycle.join(' -> ')}; remove one of these dependencies`,
    );
  }
}

/**
 * Start levels: level 0 has no dependencies, level n depends only on levels < n. Processes in
 * one level can start in parallel; stop walks the levels backwards. Assumes an acyclic graph.
 */
export function startLevels(nodes: readonly GraphNode[]): string[][] {
  assertAcyclic(nodes);
  const names = new Set(nodes.map((node) => node.name));
  const level = new Map<string, number>();
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const depth = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const deps = byName.get(name)?.dependencies.filter((d) => names.has(d)) ?? [];
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
    level.set(name, value);
    return value;
  };
  const levels: string[][] = [];
  for (const node of nodes) (levels[depth(node.name)] ??= []).push(node.name);
  return levels;
}

/** Map from each name to the names that depend on it directly. */
export function dependentsOf(nodes: readonly GraphNode[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>(nodes.map((node) => [node.name, []]));
  for (const node of nodes) {
    for (const dependency of node.dependencies) dependents.get(dependency)?.push(node.name);
  }
  return dependents;
}

/** `names` plus everything they depend on, transitively, in manifest order. */
export function withDependencies(nodes: readonly GraphNode[], names: readonly string[]): string[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of byName.get(name)?.dependencies ?? []) add(dependency);
  };
  names.forEach(add);
  return nodes.map((node) => node.name).filter((name) => wanted.has(name));
}
