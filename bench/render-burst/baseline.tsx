/**
 * The baseline: how react-stomp-hooks apps commonly render a chat room —
 * `useSubscription` with `setMessages(m => [...m, msg])` per message and a
 * plain list. Real react-stomp-hooks, over the same broker as ours.
 */
import { Profiler, useState, type ProfilerOnRenderCallback } from 'react';
import { StompSessionProvider, useSubscription } from 'react-stomp-hooks';
import type { WebSocketLike } from '../../src/core/types';

interface Row {
  id: string;
  text: string;
  author: string;
}

function Room({ destination, headers }: { destination: string; headers: Record<string, string> }) {
  const [messages, setMessages] = useState<Row[]>([]);
  useSubscription(
    destination,
    (message) => {
      const body = JSON.parse(message.body) as { id: string; text?: string };
      const row = { id: body.id, text: body.text ?? '', author: message.headers['user-id'] ?? '' };
      setMessages((m) => [...m, row]);
      message.ack();
    },
    headers,
  );
  return (
    <ul data-count={messages.length}>
      {messages.map((m) => (
        <li key={m.id}>
          <b>{m.author}</b> {m.text}
        </li>
      ))}
    </ul>
  );
}

export interface BaselineProps {
  socket: () => WebSocketLike;
  login: string;
  destination: string;
  headers: Record<string, string>;
  onRender: ProfilerOnRenderCallback;
}

export function BaselineApp({ socket, login, destination, headers, onRender }: BaselineProps) {
  return (
    <StompSessionProvider
      url="ws://memory/ws"
      webSocketFactory={socket}
      connectHeaders={{ login, passcode: login, host: '/' }}
      reconnectDelay={0}
    >
      <Profiler id="baseline" onRender={onRender}>
        <Room destination={destination} headers={headers} />
      </Profiler>
    </StompSessionProvider>
  );
}
