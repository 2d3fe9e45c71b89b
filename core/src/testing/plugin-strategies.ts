import type { PilotPlugin } from '../plugins/define-plugin.js';
import type { ReadinessStrategy } from '../readiness.js';

/**
 * The strategy to check: `subject` itself, or the one a plugin registers (named `name` when it
 * registers several). The plugin's `apply` gets a context that only records readiness
 * registrations; it must not do I/O there anyway (apply only registers).
 */
export function strategyOf(subject: ReadinessStrategy | PilotPlugin, name?: string): ReadinessStrategy {
  if (!('apply' in subject)) return subject;
  const registered: ReadinessStrategy[] = [];
  const readiness = { register: (strategy: ReadinessStrategy) => void registered.push(strategy) };
  const context = new Proxy(
    { readiness, pluginName: subject.name },
    {
      get(target, key) {
        if (key in target) return target[key as keyof typeof target];
        // Other registries and hooks are not part of a readiness check: taps on them are ignored.
        return new Proxy(() => undefined, { get: (_, inner) => (inner === 'then' ? undefined : () => undefined), apply: () => undefined });
      },
    },
  );
  subject.apply(context as never);
  const names = registered.map((strategy) => strategy.name);
  const found = name === undefined && registered.length === 1 ? registered[0] : registered.find((strategy) => strategy.name === name);
  if (!found) {
    throw new Error(`readinessConformance: plugin "${subject.name}" registers ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no readiness strategy'}; ${name === undefined ? 'say which one with setup.strategy' : `none named "${name}"`}`);
  }
  return found;
}
