import type { ProcessSpec } from '../index.js';

/** `tcp port=47100` or `none (ready at spawn)`: a process's readiness in one short cell. */
export function readinessOf(spec: ProcessSpec): string {
  if (!spec.ready_strategy) return 'none (ready at spawn)';
  const params = Object.entries(spec.ready_params).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [spec.ready_strategy, ...params].join(' ');
}

/** The strategy name alone, for graph labels. */
export function strategyOf(spec: ProcessSpec): string {
  return spec.ready_strategy ?? 'none';
}
