import type { PilotSnapshot } from '@pilot/core';
import { processView, type ProcessView } from './process-view.js';

/** Content type of the Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Escape a label value: backslash, double quote and newline (exposition format rules). */
const label = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  value: (view: ProcessView) => number | null;
}

const FAMILIES: Family[] = [
  { name: 'pilot_process_up', type: 'gauge', help: '1 when the process is running and ready, else 0.', value: (v) => (v.status === 'running' ? 1 : 0) },
  { name: 'pilot_process_restarts_total', type: 'counter', help: 'Restarts of the process, by policy or by request.', value: (v) => v.restarts },
  { name: 'pilot_process_cpu_percent', type: 'gauge', help: 'CPU use of the process tree in percent of one core (latest sample).', value: (v) => v.cpu },
  { name: 'pilot_process_memory_bytes', type: 'gauge', help: 'Resident memory of the process tree in bytes (latest sample).', value: (v) => v.memory },
  { name: 'pilot_process_uptime_seconds', type: 'gauge', help: 'Seconds since the current instance was spawned.', value: (v) => (v.uptimeMs === null ? null : v.uptimeMs / 1000) },
];

/** Render every process of `snapshot` as Prometheus text; a value not known yet (no sample) is left out. */
export function renderMetrics(snapshot: PilotSnapshot): string {
  const views = snapshot.processes.map(processView);
  const lines: string[] = [];
  for (const family of FAMILIES) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const view of views) {
      const value = family.value(view);
      if (value !== null) lines.push(`${family.name}{process="${label(view.name)}",replica="${view.replica}"} ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
