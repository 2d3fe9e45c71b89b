import type { ProvidedKind } from './discovery.js';

/**
 * Names that ProcessPilot's own plugin packages provide, so that a manifest using one that is
 * not installed is told which package to install. A test checks this table against each
 * package's `"pilot"` field in package.json.
 */
export const FIRST_PARTY_PROVIDERS: Readonly<Record<string, Partial<Record<ProvidedKind, readonly string[]>>>> = {
  '@pilot/plugin-control-http': { controlServers: ['http'] },
  '@pilot/plugin-ready-exec': { readiness: ['exec'] },
  '@pilot/plugin-ready-exit': { readiness: ['exit'] },
  '@pilot/plugin-ready-fifo': { readiness: ['fifo', 'pipe'] },
  '@pilot/plugin-ready-file': { readiness: ['file'] },
  '@pilot/plugin-ready-http': { readiness: ['http'] },
  '@pilot/plugin-ready-log': { readiness: ['log'] },
  '@pilot/plugin-ready-tcp': { readiness: ['tcp'] },
  '@pilot/plugin-stats-jsonl': { statsHandlers: ['jsonl'] },
  '@pilot/plugin-stats-limits': { statsHandlers: ['limits'] },
};

/** The first-party package that provides `name` for `kind`, if one does. */
export function firstPartyProvider(kind: ProvidedKind, name: string): string | undefined {
  return Object.entries(FIRST_PARTY_PROVIDERS).find(([, provides]) => provides[kind]?.includes(name))?.[0];
}
