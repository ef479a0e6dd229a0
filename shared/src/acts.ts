import type { Action } from './schemas';

/** The reactions offered first, one activation away. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** Longest reaction in UTF-16 code units: a family or a flag with a skin tone fits, a sentence does not. */
export const REACTION_MAX_LENGTH = 32;

/** Different emoji one person may have on one message at once: more is a flood, not a feeling. */
export const MAX_REACTIONS_PER_PERSON = 20;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const pictographic = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** Whether `text` is one emoji: one grapheme, pictographic (a flag, a keycap), and short. */
export function isReaction(text: string): boolean {
  if (text.length === 0 || text.length > REACTION_MAX_LENGTH || !pictographic.test(text)) return false;
  let count = 0;
  for (const _ of graphemes.segment(text)) if (++count > 1) return false;
  return true;
}

export type ActProblem = 'ACT_TEXT_MISSING' | 'ACT_TEXT_UNEXPECTED' | 'REACTION_INVALID';

/**
 * What is wrong with an action whose frame parsed, if anything: an edit carries the new words, a
 * reaction (or one taken back) one emoji, a deletion nothing.
 */
export function actProblem(act: Action, text: string | undefined): ActProblem | undefined {
  if (act === 'delete') return text === undefined ? undefined : 'ACT_TEXT_UNEXPECTED';
  if (text === undefined) return 'ACT_TEXT_MISSING';
  if ((act === 'react' || act === 'unreact') && !isReaction(text)) return 'REACTION_INVALID';
  return undefined;
}
