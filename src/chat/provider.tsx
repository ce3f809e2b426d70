'use client';
/**
 * `<ChatProvider>`: one chat client per session, under `<StompProvider>`.
 * The client is made outside render (in an effect) and disposed on unmount;
 * a StrictMode unmount/remount makes a new one, which is cheap: the store is
 * kept across remounts for the same session, so nothing is read twice.
 */
import { createContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useStompSession } from '../react/index';
import { createChatClient } from './client';
import type { ChatClient, ChatClientOptions } from './client-types';
import { ChatUploadContext } from './components/upload-context';
import { ChatUsersContext, type ChatUser, type GetChatUser } from './components/users';
import { createChatStore, type ChatStore } from './store';
import type { UploadFile } from './upload';
import type { StompSession } from '../core/types';

export const ChatContext = createContext<ChatClient | null>(null);

export interface ChatProviderProps extends Omit<ChatClientOptions, 'onError'> {
  /** Invalid frames, failed sends and page loads. Read when they happen, so an inline arrow is fine. */
  onError?: ChatClientOptions['onError'];
  /** Use this store (e.g. one prepared in a test or story) instead of a new one. */
  store?: ChatStore;
  /** Chat over this session instead of the `<StompProvider>`'s, e.g. one wrapped by `withRoomDirectory`. */
  session?: StompSession;
  /** Profiles by user id (names, avatar images) for the chat components. */
  users?: Readonly<Record<string, ChatUser>>;
  /** Looks a profile up (read at render, so an inline arrow is fine); wins over `users`. */
  getUser?: GetChatUser;
  /**
   * Stores a file attached in a composer and resolves with its URL (the app's
   * storage, e.g. a presigned upload; `createBrokerUpload()` for the dev
   * broker). Without it composers offer no attachments.
   */
  uploadFile?: UploadFile;
  /** Rendered until the client exists (the first effect). Default nothing. */
  fallback?: ReactNode;
  children?: ReactNode;
}

/**
 * Provides the chat client to `useChat` and the other chat hooks, and the
 * app's user profiles (`users` or `getUser`) to the components' avatars
 * and names.
 *
 * @example
 * <StompProvider url="ws://localhost:7370/ws" connectHeaders={{ login, passcode }}>
 *   <ChatProvider userId={login} users={{ ana: { name: 'Ana Lima', image: '/ana.png' } }}>
 *     <ChatRoom roomId="general" />
 *   </ChatProvider>
 * </StompProvider>
 */
export function ChatProvider({ children, fallback = null, store: givenStore, onError, users, getUser, uploadFile, session: givenSession, ...options }: ChatProviderProps): ReactNode {
  const contextSession = useStompSession();
  const session = givenSession ?? contextSession;
  const { userId, pageSize, presenceInterval, presenceTtl, typingThrottle, typingTtl, maxClosedRoomMessages } = options;
  const errorRef = useLatest(onError);
  const getUserRef = useLatest(getUser);
  const lookup = useMemo<GetChatUser>(() => (id) => getUserRef.current?.(id) ?? users?.[id], [users, getUserRef]);
  // One store per session (and options that shape it), kept across StrictMode remounts.
  const store = useMemo(
    () => givenStore ?? createChatStore({ typingTtl, maxClosedRoomMessages, onError: (error) => errorRef.current?.(error) }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new session starts a new store
    [givenStore, session, typingTtl, maxClosedRoomMessages, errorRef],
  );
  const [client, setClient] = useState<ChatClient | null>(null);
  useEffect(() => {
    const created = createChatClient(session, {
      userId,
      pageSize,
      presenceInterval,
      presenceTtl,
      typingThrottle,
      store,
      onError: (error) => errorRef.current?.(error),
    });
    setClient(created);
    return () => {
      created.dispose();
      setClient((current) => (current === created ? null : current));
    };
  }, [session, store, userId, pageSize, presenceInterval, presenceTtl, typingThrottle, errorRef]);
  if (!client) return fallback;
  return (
    <ChatContext.Provider value={client}>
      <ChatUsersContext.Provider value={lookup}>
        <ChatUploadContext.Provider value={uploadFile}>{children}</ChatUploadContext.Provider>
      </ChatUsersContext.Provider>
    </ChatContext.Provider>
  );
}

/** A stable box holding the latest value (callbacks read through it, so they never resubscribe). */
function useLatest<T>(value: T): { readonly current: T } {
  const [box] = useState(() => ({ current: value }));
  useEffect(() => {
    box.current = value;
  });
  return box;
}
