import { expect, test } from '@jest/globals';
import { MAX_LINE_LENGTH, ReadyLineScanner } from '../src/ready-line-scanner.js';

test('a token split across chunks counts once its newline arrives', () => {
  const scanner = new ReadyLineScanner();
  expect(scanner.push('re')).toBe(false);
  expect(scanner.push(Buffer.from('ad'))).toBe(false);
  expect(scanner.push('y')).toBe(false);
  expect(scanner.push('\n')).toBe(true);
});

test('other lines are ignored; surrounding whitespace and CRLF are not part of the token', () => {
  expect(new ReadyLineScanner().push('readyish\nnot ready\nREADY\n')).toBe(false);
  expect(new ReadyLineScanner().push('starting\n  ready\r\n')).toBe(true);
});

test('an overlong line is dropped up to its newline, and the next line is still read', () => {
  const scanner = new ReadyLineScanner();
  expect(scanner.push('x'.repeat(MAX_LINE_LENGTH + 1))).toBe(false);
  expect(scanner.push('x'.repeat(10) + 'ready')).toBe(false);
  expect(scanner.push('\nready\n')).toBe(true);
});

test('reset forgets a partial line', () => {
  const scanner = new ReadyLineScanner();
  scanner.push('rea');
  scanner.reset();
  expect(scanner.push('dy\n')).toBe(false);
});
