import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProcessStats, StatsSink } from '@pilot/core';

/** One line of the file: a sample (fields as in ProcessStats) in a fixed order. */
export type JsonlRecord = Pick<ProcessStats, 'timestamp' | 'name' | 'pid' | 'cpu' | 'memory' | 'maxCpu' | 'maxMemory' | 'processes'>;

/** The record written for `sample`. */
export function toRecord(sample: ProcessStats): JsonlRecord {
  const { timestamp, name, pid, cpu, memory, maxCpu, maxMemory, processes } = sample;
  return { timestamp, name, pid, cpu, memory, maxCpu, maxMemory, processes };
}

/**
 * A sink that appends each sample to `path` as one JSON line. The file is opened once in append
 * mode and each batch is one write, so lines of concurrent writers never interleave mid-line;
 * writes are chained so that a batch never overtakes the previous one.
 */
export async function openJsonlSink(path: string): Promise<StatsSink> {
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'a');
  let last: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    handle(samples) {
      if (closed || samples.length === 0) return;
      const text = samples.map((sample) => JSON.stringify(toRecord(sample))).join('\n') + '\n';
      // A failed write is reported (the pilot catches the rejection) without blocking later ones.
      last = last.catch(() => undefined).then(() => file.appendFile(text, 'utf8'));
      return last;
    },
    async close() {
      if (closed) return;
      closed = true;
      await last.catch(() => undefined);
      await file.close();
    },
  };
}
