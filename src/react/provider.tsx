'use client';
import { createContext, useEffect, useState, useSyncExternalStore, type ReactNode } from './react-api';
import type { StompSession, StompSessionOptions } from '../core/types';
import { createSessionHolder } from './session-holder';

/** The session the hooks below a `<StompProvider>` use. */
export const StompContext = createContext<StompSession | null>(null);

/** Props of a provider that owns its session: every session option, `url` required. */
export type OwnedStompProviderProps = Omit<StompSessionOptions, 'autoConnect'> & {
  session?: undefined;
  children?: ReactNode;
};

/** Props of a provider that borrows a session created elsewhere. */
export interface BorrowedStompProviderProps {
  session: StompSession;
  url?: undefined;
  children?: ReactNode;
}

export type StompProviderProps = OwnedStompProviderProps | BorrowedStompProviderProps;

/**
 * Makes a STOMP session available to the hooks below it.
 *
 * - `url` (plus any session option): the provider owns a session. It is created
 *   lazily and connected when the provider mounts; React StrictMode's double
 *   mount and server rendering never open a second connection (the server never
 *   connects at all). Unmounting the last instance closes it. Options are read
 *   when the session is created; a new `url` makes a new session.
 * - `session`: the provider borrows a session you created with
 *   `createStompSession`; it never connects or closes it.
 *
 * @example
 * <StompProvider url="ws://localhost:7370/ws" connectHeaders={{ login: 'ada', passcode: 'secret' }}>
 *   <App />
 * </StompProvider>
 */
export function StompProvider(props: StompProviderProps): ReactNode {
  if (props.session) {
    return <StompContext.Provider value={props.session}>{props.children}</StompContext.Provider>;
  }
  const { children, session: _unused, ...options } = props;
  if (!options.url) throw new Error('<StompProvider> needs a `url` or a `session`.');
  return (
    <OwnedProvider key={urlKey(options.url)} options={options}>
      {children}
    </OwnedProvider>
  );
}

function urlKey(url: StompSessionOptions['url']): string {
  return typeof url === 'string' ? url : JSON.stringify(url);
}

function OwnedProvider({ options, children }: { options: StompSessionOptions; children?: ReactNode }): ReactNode {
  // The holder lives outside React's lifecycle; creating one has no side effect.
  const [holder] = useState(() => createSessionHolder(options));
  const session = useSyncExternalStore(holder.subscribe, holder.get, holder.get);
  useEffect(() => holder.acquire(), [holder]);
  return <StompContext.Provider value={session}>{children}</StompContext.Provider>;
}
