import { expect, test } from '@jest/globals';
import { escapeControl } from '../../src/cli/escape-control.js';

test('plain text, tabs and non-ASCII letters pass unchanged', () => {
  for (const text of ['hello world', 'a\tb', 'grüße, 日本語', '']) expect(escapeControl(text, false)).toBe(text);
});

test('clear screen, cursor moves, window title and bell are shown escaped, never emitted', () => {
  expect(escapeControl('\x1b[2J\x1b[Hcleared', false)).toBe('\\x1b[2J\\x1b[Hcleared');
  expect(escapeControl('\x1b]0;owned\x07title', true)).toBe('\\x1b]0;owned\\x07title');
  expect(escapeControl('carriage\rreturn\bback\x00nul\x7fdel', false)).toBe('carriage\\x0dreturn\\x08back\\x00nul\\x7fdel');
  // C1 CSI (U+009B) acts as ESC [ on some terminals.
  expect(escapeControl('\u009b2Jc1', true)).toBe('\\u009b2Jc1');
});

test('SGR colours pass only when colour output is on; other sequences are escaped either way', () => {
  const line = '\x1b[31mred\x1b[0m \x1b[1;38;5;208mbold orange\x1b[m \x1b[2K';
  expect(escapeControl(line, true)).toBe('\x1b[31mred\x1b[0m \x1b[1;38;5;208mbold orange\x1b[m \\x1b[2K');
  expect(escapeControl(line, false)).toBe('\\x1b[31mred\\x1b[0m \\x1b[1;38;5;208mbold orange\\x1b[m \\x1b[2K');
  const printable = escapeControl(line, false);
  expect(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/.test(printable)).toBe(false);
});
