'use client';
import { useMemo, type ReactNode } from 'react';
import { linkify } from './linkify';
import { mentionTokens } from './mention-tokens';

export interface MessageTextProps {
  text: string;
  /** Logins mentioned: their `@login` words are highlighted (text only). */
  mentions?: readonly string[];
  /** The current user: a mention of them is marked `data-me`. */
  currentUserId?: string;
  className?: string;
  /** Inline after the text (e.g. "(edited)"). */
  children?: ReactNode;
}

/**
 * Message text as React text nodes, with http(s)/mailto links made clickable
 * and `@mentions` highlighted.
 * Nothing here is parsed as HTML: `<script>` in a message is shown as text.
 * Links open in a new tab without handing it `window.opener` or a referrer.
 */
export function MessageText({ text, mentions, currentUserId, className, children }: MessageTextProps) {
  const tokens = useMemo(() => linkify(text), [text]);
  return (
    // dir="auto": each message takes its direction from its own first strong character (HTML "dir" attribute).
    <p className={['sk-message__text', className].filter(Boolean).join(' ')} dir="auto">
      {tokens.map((token, i) =>
        // Tokens are a pure function of `text`, so their positions are stable keys.
        token.kind === 'link' ? (
          <a key={i} href={token.href} target="_blank" rel="noopener noreferrer" className="sk-message__link">
            {token.text}
          </a>
        ) : (
          <span key={i}>
            {mentionTokens(token.text, mentions).map((part, j) =>
              part.kind === 'mention' ? (
                <span key={j} className="sk-mention" data-me={part.userId === currentUserId ? '' : undefined}>
                  {part.text}
                </span>
              ) : (
                part.text
              ),
            )}
          </span>
        ),
      )}
      {children}
    </p>
  );
}
