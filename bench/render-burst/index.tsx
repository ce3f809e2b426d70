/**
 * bench/render-burst: a 1,000-message burst into an open room, rendered by
 * our `ChatRoom` and by a react-stomp-hooks style baseline (useSubscription +
 * `setMessages(m => [...m, msg])` per message, plain list), in one run over
 * the same in-memory broker. Counts React commits (`<Profiler onRender>`),
 * animation frames (jsdom's 60 Hz rAF) and wall time from the first SEND to
 * the commit that shows the last message; prints both and the ratios.
 *
 *   npm run bench:render-burst   [MESSAGES=1000]
 *
 * Both apps receive every frame in its own task (see browser-socket.ts), as a
 * browser delivers WebSocket messages. React runs its profiling build
 * (production code that keeps `<Profiler onRender>`). A "render pass" is a
 * commit not nested in another: a list that re-renders synchronously from a
 * layout effect after a data change (as react-virtuoso, which we used before,
 * does to measure) costs a second, `nested-update` commit in the same frame.
 */
import { countFrames } from './dom';
import { createElement, type ReactElement } from 'react';
// React's profiling build: production code with <Profiler onRender> kept (the development build is
// several times slower and would distort both sides; the plain production build drops onRender).
import { createRoot } from 'react-dom/profiling';
import { streamSubscribeHeaders, roomEventFrame, newEventId, chatDestinations } from '../../src/chat/protocol';
import { createChatStore } from '../../src/chat/store';
import { createStompSession } from '../../src/core/index';
import type { StompSession } from '../../src/core/types';
import { createMemoryBroker, waitForStatus, type MemoryBroker } from '../../src/testing/index';
import { BaselineApp } from './baseline';
import { browserLikeSocket } from './browser-socket';
import { OursApp } from './ours';

const MESSAGES = Number(process.env.MESSAGES ?? 1000);

interface Result {
  name: string;
  commits: number;
  /** Of `commits`, the synchronous re-renders scheduled from a layout effect (a list measuring itself that way). */
  nested: number;
  frames: number;
  ms: number;
}

/** A session; `browser` ones get one frame per task (the receivers), the sender gets raw delivery. */
function session(broker: MemoryBroker, login: string, browser: boolean): StompSession {
  return createStompSession({
    url: 'memory://stompkit',
    transports: ['websocket'],
    connectHeaders: { login, passcode: login },
    socketFactory: (url) => (browser ? browserLikeSocket(broker.socketFactory(url)) : broker.socketFactory(url)),
  });
}

/**
 * Sends the burst from another user's session inside one STOMP transaction,
 * so the broker releases all of it at COMMIT: a real burst, as after a peer's
 * reconnect flushes its outbox, not paced by one sender's round trips.
 */
async function burst(sender: StompSession, roomId: string): Promise<void> {
  const tx = sender.begin();
  for (let i = 0; i < MESSAGES; i++) {
    const frame = roomEventFrame({ type: 'message.created', id: newEventId(), roomId, ts: Date.now(), text: `message ${i}` }, 'bo');
    tx.send(frame.destination, frame.body, frame.headers);
  }
  await tx.commit();
}

/** Mounts an app, waits until it is ready, sends the burst, resolves when `done()` holds after a commit. */
async function measure(
  name: string,
  sender: StompSession,
  roomId: string,
  mount: (onRender: (id: string, phase: string) => void) => ReactElement,
  ready: () => boolean,
  done: () => boolean,
): Promise<Result> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  let counting = false;
  let commits = 0;
  let nested = 0; // commits scheduled inside a commit (layout effects), same task, same frame
  let finish: (() => void) | undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onRender = (_id: string, phase: string) => {
    if (!counting) return;
    commits += 1;
    if (phase === 'nested-update') nested += 1;
    if (done()) finish?.();
  };
  root.render(mount(onRender));
  while (!ready()) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200)); // let the initial history read settle

  counting = true;
  const frames = countFrames();
  const start = performance.now();
  await burst(sender, roomId);
  await finished;
  const ms = performance.now() - start;
  const result = { name, commits, nested, frames: frames.stop(), ms };
  root.unmount();
  container.remove();
  return result;
}

async function main(): Promise<void> {
  const broker = createMemoryBroker();
  const sender = session(broker, 'bo', false);
  sender.connect();
  await waitForStatus(sender, 'connected');

  // Ours: ChatRoom over the chat client and store.
  const oursSession = session(broker, 'ana', true);
  oursSession.connect();
  await waitForStatus(oursSession, 'connected');
  const store = createChatStore();
  const messagesIn = (roomId: string) => store.getState().timelines[roomId]?.messages.length ?? 0;
  const ours = await measure(
    'stompkit ChatRoom',
    sender,
    'burst-ours',
    (onRender) => createElement(OursApp, { session: oursSession, store, login: 'ana', roomId: 'burst-ours', onRender }),
    () => store.getState().timelines['burst-ours']?.history.loading === false,
    () => messagesIn('burst-ours') >= MESSAGES && document.body.textContent?.includes(`message ${MESSAGES - 1}`) === true,
  );

  // Baseline: react-stomp-hooks, one setState per message.
  const destination = chatDestinations.room('burst-base');
  const subscribes = () => broker.stats().commands.SUBSCRIBE ?? 0;
  const before = subscribes();
  const baseline = await measure(
    'react-stomp-hooks baseline',
    sender,
    'burst-base',
    (onRender) =>
      createElement(BaselineApp, {
        socket: () => browserLikeSocket(broker.socketFactory('memory://stompkit')),
        login: 'cy',
        destination,
        headers: streamSubscribeHeaders('next'),
        onRender,
      }),
    () => subscribes() > before,
    () => document.querySelector('ul')?.getAttribute('data-count') === String(MESSAGES),
  );

  await Promise.all([sender.close(), oursSession.close()]);
  await broker.close();

  const passes = (r: Result) => r.commits - r.nested;
  const row = (r: Result) =>
    [
      r.name.padEnd(28),
      `${String(r.commits).padStart(5)} commits (${String(r.nested).padStart(4)} nested)`,
      `${String(r.frames).padStart(4)} frames`,
      `${(passes(r) / Math.max(1, r.frames)).toFixed(2)} render passes/frame`,
      `${r.ms.toFixed(0).padStart(6)} ms`,
    ].join('  ');
  console.log(`render-burst: ${MESSAGES} messages into an open room (jsdom, React profiling build, one frame per task)`);
  console.log(row(ours));
  console.log(row(baseline));
  console.log(
    [
      `ratio baseline/ours: commits ${(baseline.commits / Math.max(1, ours.commits)).toFixed(1)}x,`,
      `render passes ${(passes(baseline) / Math.max(1, passes(ours))).toFixed(1)}x (goal >= 10x),`,
      `wall time ${(baseline.ms / ours.ms).toFixed(2)}x;`,
      `ours ${passes(ours) <= ours.frames ? 'meets' : 'MISSES'} <= 1 render pass per frame`,
    ].join(' '),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
