import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { createChatFormat, type ChatFormat, type ChatFormatOptions } from './format';

const defaultFormat = createChatFormat();
const FormatContext = createContext<ChatFormat>(defaultFormat);

export interface ChatLocaleProviderProps extends ChatFormatOptions {
  children?: ReactNode;
}

/**
 * Sets the locale (and optionally time zone) the chat components format
 * times, days and counts with. Without it the runtime's default locale is used.
 *
 * @example <ChatLocaleProvider locale="de-DE"><ChatRoom roomId="general" /></ChatLocaleProvider>
 */
export function ChatLocaleProvider({ locale, timeZone, children }: ChatLocaleProviderProps) {
  const format = useMemo(() => createChatFormat({ locale, timeZone }), [locale, timeZone]);
  return <FormatContext.Provider value={format}>{children}</FormatContext.Provider>;
}

/** The formatters of the nearest `ChatLocaleProvider` (or the default locale). */
export function useChatFormat(): ChatFormat {
  return useContext(FormatContext);
}
