import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProcessStats, StatsSink } from '@pilot/core';
import { appendWhole } from './append-whole.js';
import { FailureThrottle } from './failure-throttle.js';

/** One line of the file: a sample (fields as in ProcessStats) in a fixed order. */
export type JsonlRecord = Pick<ProcessStats, 'timestamp' | 'name' | 'pid' | 'cpu' | 'memory' | 'maxCpu' | 'maxMemory' | 'processes'> & { replica: number };

/** The record written for `sample`. */
export function toRecord(sample: ProcessStats): JsonlRecord {
  const { timestamp, name, ref, pid, cpu, memory, maxCpu, maxMemory, processes } = sample;
  return { timestamp, name, replica: ref.replica, pid, cpu, memory, maxCpu, maxMemory, processes };
}

/** How a sink reports failing writes. */
export interface JsonlSinkOptions {
  /** Milliseconds between two reports of failing writes. @default 30000 */
  errorIntervalMs?: number;
}

/**
 * A sink that appends each sample to `path` as one JSON line. The file is opened once in append
 * mode and each batch is one string written as a whole or not at all (`appendWhole`), so lines
 * never interleave and a full disk never tears one; writes are chained so that a batch never
 * overtakes the previous one. Failures reject `handle` (the pilot reports them) at a bounded
 * rate; records of a failed batch are dropped and counted.
 */
export async function openJsonlSink(path: string, { errorIntervalMs = 30_000 }: JsonlSinkOptions = {}): Promise<StatsSink> {
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'a');
  const throttle = new FailureThrottle(errorIntervalMs);
  const write = async (text: string, records: number): Promise<void> => {
    let message: string | undefined;
    try {
      await appendWhole(file, path, text);
      message = throttle.succeeded();
    } catch (error) {
      message = throttle.failed(error as Error, records);
      if (message) throw new Error(`jsonl: cannot append to ${path}: ${message}`, { cause: error });
      return;
    }
    if (message) throw new Error(`jsonl: ${path}: ${message}`);
  };
  let last: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    handle(samples) {
      if (closed || samples.length === 0) return;
      const text = samples.map((sample) => JSON.stringify(toRecord(sample))).join('\n') + '\n';
      // A failed write is reported (the pilot catches the rejection) without blocking later ones.
      last = last.catch(() => undefined).then(() => write(text, samples.length));
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
