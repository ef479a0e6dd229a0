import type { ChatLine } from '../room';

// How the message log is drawn: lines in blocks that render once full, and a style rule for the conversation on screen.

/** Lines per rendered block; a full block is never rendered again. */
const BLOCK = 64;

interface Block {
  key: number;
  lines: ChatLine[];
}

/** Group lines into blocks by id, so a block's contents only change while it is the newest. */
export function blocks(lines: readonly ChatLine[]): Block[] {
  const grouped: Block[] = [];
  for (const line of lines) {
    const key = Math.floor(line.id / BLOCK);
    const last = grouped.at(-1);
    if (last?.key === key) last.lines.push(line);
    else grouped.push({ key, lines: [line] });
  }
  return grouped;
}

export function sheet(rules: string): CSSStyleSheet {
  const made = new CSSStyleSheet();
  made.replaceSync(rules);
  return made;
}

/** The rule that hides every line not in the room (`view` undefined) or in the private conversation with `view`; see `shownIn`. */
export function viewRule(view: string | undefined): string {
  if (view === undefined) return '.line[data-private]:not([data-echo]) { display: none; }';
  const nick = CSS.escape(view);
  return `.line:not([data-private="${nick}"]):not([data-kind="warning"][data-from="${nick}"]) { display: none; }`;
}
