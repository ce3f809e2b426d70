import { useState, type ReactNode } from 'react';
import { StompProvider } from 'stompkit';
import { ConnectionBanner } from 'stompkit/chat';
import { localStorageAdapter } from 'stompkit/core';
import type { DemoConfig } from './config';
import { ExposeSession } from './Expose';
import type { Theme } from './preferences';
import { TopBar } from './TopBar';

export interface ShellProps {
  user: string;
  config: DemoConfig;
  theme: Theme;
  onToggleTheme(): void;
  onSignOut(): void;
  /** The workspace, given whether the room drawer is open (phones) and a way to close it. */
  children(drawer: { open: boolean; close(): void }): ReactNode;
}

/**
 * The signed-in frame: one STOMP session for this person (login = name), its
 * outbox in localStorage so a reload keeps unsent messages, the top bar and
 * the connection banner.
 */
export function Shell({ user, config, theme, onToggleTheme, onSignOut, children }: ShellProps) {
  const [drawer, setDrawer] = useState(false);
  const [storage] = useState(() => localStorageAdapter());
  const connectHeaders = { login: user, passcode: config.passcode, ...(config.host ? { host: config.host } : {}) };
  return (
    <StompProvider url={config.nodes.length ? config.nodes : config.endpoints} connectHeaders={connectHeaders} storage={storage} storageKey={`stompkit-demo:${user}`}>
      <ExposeSession user={user} />
      <div className="app">
        <TopBar
          user={user}
          theme={theme}
          onToggleTheme={onToggleTheme}
          onSignOut={onSignOut}
          roomsOpen={drawer}
          onToggleRooms={() => setDrawer((open) => !open)}
        />
        <ConnectionBanner className="app__banner" />
        {children({ open: drawer, close: () => setDrawer(false) })}
      </div>
    </StompProvider>
  );
}
