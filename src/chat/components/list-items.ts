/**
 * The rows of the message list: messages with day separators between days
 * and a `grouped` flag on messages that continue their author's run. Pure,
 * so the list renders from it and tests check it without a DOM.
 */
import type { MessageData } from './Message';

export type ListItem =
  | { kind: 'day'; key: string; ts: number }
  | { kind: 'message'; key: string; message: MessageData; grouped: boolean };

export interface ListItemOptions {
  /** Local calendar day of a timestamp (`ChatFormat.dayKey`). */
  dayKey(ts: number): string;
  /** Max ms between two messages of one author to group them. Default 5 minutes. */
  groupWindowMs?: number;
}

/** Prefix of day separator keys; message keys are message ids. */
export const DAY_KEY_PREFIX = 'day:';

/** Builds the rows; keys are message ids and `day:<YYYY-MM-DD>`, never positions. */
export function buildListItems(messages: readonly MessageData[], options: ListItemOptions): ListItem[] {
  const window = options.groupWindowMs ?? 5 * 60_000;
  const items: ListItem[] = [];
  let day: string | null = null;
  let prev: MessageData | null = null;
  for (const message of messages) {
    const key = options.dayKey(message.createdAt);
    if (key !== day) {
      items.push({ kind: 'day', key: `${DAY_KEY_PREFIX}${key}`, ts: message.createdAt });
      day = key;
      prev = null;
    }
    const grouped =
      prev !== null &&
      prev.authorId === message.authorId &&
      !prev.deleted &&
      message.createdAt - prev.createdAt <= window;
    items.push({ kind: 'message', key: message.id, message, grouped });
    prev = message;
  }
  return items;
}

/** Index of the first message row (day rows skipped), or -1. */
export function firstMessageIndex(items: readonly ListItem[]): number {
  return items.findIndex((item) => item.kind === 'message');
}
