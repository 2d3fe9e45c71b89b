import { expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { OutputQueue } from '../../src/cli/output-queue.js';

/** A target that takes writes while `open`, and says "wait for drain" otherwise. */
class Target extends EventEmitter {
  open = true;
  writes: string[] = [];
  write(text: string): boolean {
    this.writes.push(text);
    return this.open;
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('lines of one turn go out as one write', async () => {
  const target = new Target();
  const queue = new OutputQueue(target, (count) => `dropped ${count}\n`);
  for (let i = 0; i < 100; i += 1) queue.write(`line ${i}\n`);
  await turn();
  expect(target.writes).toEqual([Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('')]);
});

test('while the target is blocked, lines past the limit are dropped and counted; after drain: the queue, then the notice', async () => {
  const target = new Target();
  const queue = new OutputQueue(target, (count) => `dropped ${count}\n`, 100);
  target.open = false;
  queue.write('first\n');
  await turn();
  for (let i = 0; i < 50; i += 1) queue.write(`queued or dropped ${String(i).padStart(2, '0')}\n`);
  await turn();
  expect(target.writes).toEqual(['first\n']);
  const kept = Math.ceil(100 / 'queued or dropped 00\n'.length);
  expect(queue.droppedLines).toBe(50 - kept);
  target.open = true;
  target.emit('drain');
  expect(target.writes).toHaveLength(2);
  expect(target.writes[1]).toBe(Array.from({ length: kept }, (_, i) => `queued or dropped ${String(i).padStart(2, '0')}\n`).join('') + `dropped ${50 - kept}\n`);
  queue.write('after\n');
  await turn();
  expect(target.writes.at(-1)).toBe('after\n');
});
