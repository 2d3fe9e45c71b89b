import { open } from 'node:fs/promises';
import { PilotError } from '../errors.js';

/** The largest manifest read (4 MiB): a real one is a few kB; beyond this it is a mistake or an attack. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** `text` without a leading UTF-8 byte order mark (editors on Windows write one). */
export const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * The text of the manifest file at `path`: refused when it is missing, a directory or larger
 * than {@link MAX_MANIFEST_BYTES}; read through one handle, at most the cap plus one byte, so a
 * growing file or a pipe cannot make us read more.
 */
export async function readManifestText(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw notReadable(path, error);
  }
  try {
    if ((await handle.stat()).isDirectory()) {
      throw new PilotError('PILOT_MANIFEST_NOT_FOUND', `manifest ${path} is a directory; pass the manifest file in it (e.g. ${path}/pilot.yaml)`);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= MAX_MANIFEST_BYTES) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > MAX_MANIFEST_BYTES) {
      throw new PilotError('PILOT_MANIFEST_INVALID', `manifest ${path} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB, the most pilot reads; a manifest is a few kB: is it the right file?`);
    }
    return withoutBom(Buffer.concat(chunks, length).toString('utf8'));
  } catch (error) {
    throw error instanceof PilotError ? error : notReadable(path, error);
  } finally {
    await handle.close();
  }
}

function notReadable(path: string, error: unknown): PilotError {
  const code = (error as NodeJS.ErrnoException).code;
  return new PilotError(
    'PILOT_MANIFEST_NOT_FOUND',
    code === 'ENOENT' ? `manifest ${path} does not exist; pass the path of a pilot.yaml (or .json)` : `cannot read manifest ${path}: ${code ?? String(error)}`,
    { cause: error },
  );
}
