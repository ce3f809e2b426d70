/**
 * What a message carries besides its text (thread, mentions, attachments):
 * built from the caller's options when sending, read back from an event.
 */
import type { SendMessageOptions } from './client-types';
import { CHAT_LIMITS, EVENT_ID_PATTERN, type MessageCreatedEvent, type MessageExtras } from './protocol';

/** `@login` words of a text (trailing punctuation is not part of the login). */
export function mentionsIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s(])@([^\s@]{1,128})/gu)) {
    const login = m[1]!.replace(/[.,;:!?)'"]+$/u, '');
    if (login !== '') out.add(login);
  }
  return [...out];
}

/** A message's extras from the caller's options and its text; undefined when it has none. */
export function extrasFor(text: string, options: SendMessageOptions): MessageExtras | undefined {
  const extras: MessageExtras = {};
  if (options.parentId !== undefined) {
    if (!EVENT_ID_PATTERN.test(options.parentId)) throw new TypeError(`invalid parentId ${JSON.stringify(options.parentId)}`);
    extras.parentId = options.parentId;
    if (options.alsoInRoom) extras.alsoInRoom = true;
  }
  const mentions = [...new Set([...mentionsIn(text), ...(options.mentions ?? [])])];
  if (mentions.length > CHAT_LIMITS.mentions) throw new RangeError(`a message may mention at most ${CHAT_LIMITS.mentions} users`);
  if (mentions.length > 0) extras.mentions = mentions;
  const attachments = options.attachments ?? [];
  if (attachments.length > CHAT_LIMITS.attachments) throw new RangeError(`a message may carry at most ${CHAT_LIMITS.attachments} files`);
  if (attachments.length > 0) extras.attachments = attachments.map((a) => ({ ...a }));
  return Object.keys(extras).length > 0 ? extras : undefined;
}


/** The extras an event carries, or undefined when it carries none. */
export function extrasOf(event: MessageCreatedEvent): MessageExtras | undefined {
  const { parentId, alsoInRoom, mentions, attachments } = event;
  if (parentId === undefined && mentions === undefined && attachments === undefined) return undefined;
  const extras: MessageExtras = {};
  if (parentId !== undefined) extras.parentId = parentId;
  if (alsoInRoom) extras.alsoInRoom = true;
  if (mentions !== undefined) extras.mentions = mentions;
  if (attachments !== undefined) extras.attachments = attachments;
  return extras;
}
