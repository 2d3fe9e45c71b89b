import type { FileHandle } from 'node:fs/promises';

/**
 * Append `text` (whole lines) to `file`, opened in append mode, as all or nothing: the size is
 * taken first and, if any write fails (ENOSPC after a partial write, EIO), the file is truncated
 * back to it, so a full disk never leaves a torn line for the next record to be glued to.
 * A short write is continued, so the error reported is the kernel's (ENOSPC), not a byte count.
 */
export async function appendWhole(file: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
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
