import type { ReactNode } from 'react';
import { ChatLocaleProvider } from '../../../src/chat/components/locale';

/** Renders in en-US, UTC: times and day separators read the same on every machine. */
export const wrapper = ({ children }: { children: ReactNode }) => (
  <ChatLocaleProvider locale="en-US" timeZone="UTC">
    {children}
  </ChatLocaleProvider>
);
