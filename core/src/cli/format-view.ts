import type { ProcessView } from './control-client.js';
import { formatTable } from './table.js';

/** `1h 2m`, `3m 4s`, `5s`. */
export function formatUptime(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

/** Bytes in binary units: `31.2 MiB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The `pilot status` table. */
export function formatStatus(processes: readonly ProcessView[], now = Date.now()): string {
  const rows = processes.map((view) => [
    view.name,
    view.status,
    view.pid === null ? '-' : String(view.pid),
    String(view.restarts),
    formatUptime(view.uptimeMs),
    view.cpu === null ? '-' : `${view.cpu.toFixed(1)}%`,
    formatBytes(view.memory),
    lastExit(view, now),
  ]);
  return formatTable(['NAME', 'STATUS', 'PID', 'RESTARTS', 'UPTIME', 'CPU', 'MEMORY', 'LAST EXIT'], rows);
}

/** One line after start/stop/restart: `api: running (pid 1234)`. */
export function formatOne(view: ProcessView): string {
  const pid = view.pid === null ? '' : ` (pid ${view.pid})`;
  return `${view.name}: ${view.status}${pid}\n`;
}

/** `code 3 (2m ago)` or `SIGKILL (5s ago)`: the last exit survives the restart that followed it. */
function lastExit(view: ProcessView, now: number): string {
  const exit = view.lastExit ?? (view.signal || view.returnCode !== null ? { code: view.returnCode, signal: view.signal, time: undefined } : null);
  if (!exit) return '-';
  const how = exit.signal ? exit.signal : `code ${exit.code}`;
  return exit.time === undefined ? how : `${how} (${formatUptime(Math.max(0, now - exit.time))} ago)`;
}
