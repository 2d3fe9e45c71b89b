/** Any character a terminal may act on instead of showing: C0 controls but tab, DEL, C1 controls. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;
/** The same, but newline too is allowed: for a scan over many lines joined by newlines. */
const CONTROL_BUT_NEWLINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
/** An SGR sequence (colours, bold: `ESC [ params m`) or one control character. */
const SGR_OR_CONTROL = /\x1b\[[0-9;:]*m|[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

function visible(character: string): string {
  const code = character.charCodeAt(0);
  // C1 controls are characters (UTF-8 C2 80..C2 9F), not bytes: say so with \u.
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** True when `text` holds a character {@link escapeControl} would escape (a newline does not count). */
export function hasControl(text: string): boolean {
  return CONTROL_BUT_NEWLINE.test(text);
}

/**
 * Make a line of child output safe to print on a terminal, as journalctl does: every control
 * character except tab is shown escaped (`ESC` becomes the four characters `\x1b`, C1 controls
 * `\u009b`), so a child can neither clear the screen, move the cursor, set the window title nor
 * hide text. With `keepColors`, SGR colour sequences (`ESC[...m`) pass through unchanged.
 * Lines without control characters (nearly all) are returned as they are, after one scan.
 *
 * @example escapeControl('\x1b[2Jhi', false) === '\\x1b[2Jhi'
 */
export function escapeControl(text: string, keepColors: boolean): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(SGR_OR_CONTROL, (match) => (match.length > 1 ? (keepColors ? match : visible(match[0]!) + match.slice(1)) : visible(match)));
}
