/**
 * `stompkit/broker`: the dev broker (Node only). A STOMP 1.0–1.2 broker in
 * RabbitMQ's dialect serving WebSocket, SockJS and TCP on one port, with
 * durable queues and streams in a data directory.
 *
 * ```ts
 * import { createBroker } from 'stompkit/broker';
 * const broker = createBroker({ dataDir: '.stompkit/data' });
 * const { port } = await broker.listen(7370);
 * ```
 */
export {
  createBroker,
  usersAuthenticator,
  openAuthenticator,
  CHAT_POLICIES,
  type Broker,
  type BrokerOptions,
  type BrokerUrls,
  type EndpointOptions,
  type SockJSTransport,
  type OriginRule,
} from './node/create-broker.js';
export { createFileStore, type FileStoreOptions } from './node/file-store.js';
export { stompkitBroker, type StompkitBrokerPluginOptions } from './node/vite-plugin.js';
export { LOCAL_ORIGINS } from './node/origin.js';
export { parsePolicies, type QueuePolicy } from './engine/policy.js';
export type {
  AuthenticateHook,
  AuthorizeHook,
  AuthResult,
  BrokerLimits,
  BrokerStats,
  ConnectionInfo,
  DestinationAction,
  DestinationStats,
  MessageStore,
  QueueDeclaration,
  StoredMessage,
  StoredQueue,
  TransportKind,
} from './engine/types.js';
