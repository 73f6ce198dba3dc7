/**
 * One rule for every value echoed to a terminal or written into a Markdown report: control
 * characters are shown escaped, never interpreted. A learner address holding ESC[2J would
 * otherwise clear the user's terminal; a newline would forge a line of output; a right-to-left
 * override would show a value reversed. Printable text (accents, CJK, emoji) is left alone.
 */

/** C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\u3164\ufeff\ufff9-\ufffb]/g;

function escapeOne(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control or invisible formatting character escaped (`\x1b`, `\n`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeOne);
}

/** Whether the text holds a character `printable` would escape. */
export function hasUnprintable(text: string): boolean {
  UNPRINTABLE.lastIndex = 0;
  const found = UNPRINTABLE.test(text);
  UNPRINTABLE.lastIndex = 0;
  return found;
}

/**
 * A value for a Markdown table cell or list item: escaped as `printable`; `|` cannot end the cell
 * and `<`, `>`, `` ` ``, `[`, `]` cannot open HTML, code or a link (CommonMark backslash escapes).
 */
export function markdownCell(text: string): string {
  return printable(text).replace(/[\\|<>`[\]]/g, (c) => `\\${c}`);
}
