import { statfs, type FileHandle } from 'node:fs/promises';

/**
 * Append `text` (whole lines) to `file` (at `path`), opened in append mode, as all or nothing. A
 * batch the file system has no room for is not written at all (ENOSPC before any byte), so a
 * reader never sees a torn line; if a write still fails (another writer filled the disk, EIO),
 * the file is truncated back to its size before the write. A short write is continued, so the
 * error reported is the kernel's (ENOSPC), not a byte count.
 */
export async function appendWhole(file: FileHandle, path: string, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  await assertRoom(path, bytes.length);
  const { size } = await file.stat();
  let written = 0;
  try {
    while (written < bytes.length) {
      const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  } catch (error) {
    if (written > 0) await file.truncate(size);
    throw error;
  }
}

/** Throws ENOSPC unless the file system of `path` has room for `length` more bytes (one block of slack). */
async function assertRoom(path: string, length: number): Promise<void> {
  const { bavail, bsize } = await statfs(path);
  if (bavail * bsize >= length + bsize) return;
  throw Object.assign(new Error(`ENOSPC: no space left on device, write ${length} bytes to ${path}`), { code: 'ENOSPC', errno: -28 });
}
