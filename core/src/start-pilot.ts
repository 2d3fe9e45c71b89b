import { ProcessManifest, type LoadOptions } from './manifest/load.js';
import type { Manifest } from './manifest/schema.js';
import { ProcessPilot, type PilotOptions } from './pilot.js';

/**
 * Load a manifest (a file path or `file:` URL, or an already validated manifest), start every process and
 * resolve with the running pilot once all are ready. If start-up fails, nothing is left running
 * and the error names the process, the reason and its last log lines. Built for test harnesses:
 *
 * @example
 * ```ts
 * await using pilot = await startPilot('test/pilot.yaml'); // stopped when the scope ends, even on failure
 * ```
 */
export async function startPilot(manifest: string | URL | Manifest, options: PilotOptions & { load?: LoadOptions } = {}): Promise<ProcessPilot> {
  const { load, ...pilotOptions } = options;
  const loaded = typeof manifest === 'string' || manifest instanceof URL ? await ProcessManifest.fromFile(manifest, { pilotOptions, ...load }) : manifest;
  const pilot = new ProcessPilot(loaded, pilotOptions);
  await pilot.start();
  return pilot;
}
