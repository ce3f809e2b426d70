/**
 * Chat integration helpers: a chat client per user on a real session over a
 * real WebSocket. Broker-agnostic: on RabbitMQ the users are the demo users
 * of `scripts/rabbitmq-setup` in their vhost; on the stompkit broker any
 * login is accepted and `user-id` is still checked against it.
 */
import { createChatClient } from '../../../src/chat/index.js';
import { withRoomDirectory } from '../../../src/chat/room-directory.js';
import type { ChatClient, ChatClientOptions, ChatError } from '../../../src/chat/index.js';
import type { StompSession } from '../../../src/core/index.js';
import { isRabbit, uniqueName, type TestBroker } from '../../support/broker.js';
import { sessionPool } from '../core/helpers.js';

/** A room id no other run uses (room ids allow no `.`). */
export function uniqueRoom(prefix = 'room'): string {
  return uniqueName(prefix).replace(/\./g, '-').toLowerCase();
}

/**
 * The session a chat client of the test broker talks through. The demo users
 * on RabbitMQ may not declare room streams (`scripts/rabbitmq-users`): there
 * the room directory service that `startTestBroker` runs does, and clients
 * wait for it (`withRoomDirectory`).
 */
export function chatSession(session: StompSession): StompSession {
  return isRabbit ? withRoomDirectory(session, { storage: null }) : session;
}

/**
 * A new room, usable at once: created through the room directory on
 * RabbitMQ; on the dev broker (without a directory service) named only, as
 * its first use declares it.
 */
export async function newRoom(creator: ChatClient, prefix = 'room'): Promise<string> {
  const room = uniqueRoom(prefix);
  if (isRabbit) await creator.createRoom(room, room);
  return room;
}

export interface ChatUser {
  name: string;
  session: StompSession;
  chat: ChatClient;
  errors: ChatError[];
}

/** Users, sessions and clients of one test; `closeAll()` in `afterEach`. */
export function chatPool() {
  const sessions = sessionPool();
  const users: ChatUser[] = [];
  /** CONNECT headers of the user `name` on `broker`. */
  const headers = (broker: TestBroker, name: string): Record<string, string> =>
    isRabbit
      ? { login: name, passcode: process.env.DEMO_PASSCODE ?? 'stompkit', host: process.env.DEMO_VHOST ?? 'stompkit' }
      : { login: name, passcode: 'secret' };
  return {
    headers,
    open(broker: TestBroker, name: string, options: ChatClientOptions = {}): ChatUser {
      const session = sessions.open(broker, { connectHeaders: headers(broker, name) });
      const errors: ChatError[] = [];
      const chat = createChatClient(chatSession(session), {
        userId: name,
        pageSize: 20,
        presenceInterval: 500,
        onError: (e) => errors.push(e),
        ...options,
      });
      const user = { name, session, chat, errors };
      users.push(user);
      return user;
    },
    async closeAll() {
      for (const u of users.splice(0)) u.chat.dispose();
      await sessions.closeAll();
    },
  };
}

/** Texts of the messages of a room, in order. */
export function texts(user: ChatUser, roomId: string): string[] {
  user.chat.store.flush();
  return (user.chat.store.getState().timelines[roomId]?.messages ?? []).map((m) => m.text);
}
