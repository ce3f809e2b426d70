/**
 * `stompkit/testing`: a memory broker (the real broker engine behind an
 * in-memory transport) and helpers, so stories and tests run with no server
 * and no sockets. Node-free: it runs in Storybook in the browser too.
 */
export { createMemoryBroker } from './memory-broker';
export type { MemoryBroker, MemoryBrokerOptions, MemoryBrokerStats } from './memory-broker';
export { MemorySocket } from './memory-socket';
export type { MemoryCloseEvent } from './memory-socket';
export { createTestSession, waitForState, waitForStatus, recordMessages } from './session';
export type { TestSession, TestSessionOptions, WaitOptions, MessageRecorder } from './session';
