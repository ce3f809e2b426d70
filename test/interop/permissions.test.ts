/**
 * The demo users `scripts/rabbitmq-setup` creates are confined to
 * chat. Real RabbitMQ, real sockets: Web-STOMP (what browsers use) for every
 * operation, and STOMP over TCP where the refusal's wording matters, because
 * RabbitMQ 3.10's Web-STOMP closes the socket on a refused frame without
 * sending the ERROR frame that STOMP/TCP sends (see the README's differences).
 *
 * Every refusal is paired with a control: the administrator (guest) doing the
 * same thing in the same vhost succeeds, so a refusal can only come from
 * alice's permissions, not from a malformed frame.
 */
import { createConnection, type Socket } from 'node:net';
import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';

const VHOST = process.env.DEMO_VHOST ?? 'stompkit';
const ALICE = { login: 'alice', passcode: 'stompkit' };
const GUEST = { login: 'guest', passcode: 'guest' };
/** The room directory service's user: the one that declares room streams. */
const DIRECTORY = { login: 'directory', passcode: process.env.DEMO_PASSCODE ?? 'stompkit' };

/** One STOMP connection, frames read one at a time (heart-beats skipped). */
interface Peer {
  /** Next frame, or `closed` when the socket ended first, or `silent` after `ms`. */
  next(ms?: number): Promise<string>;
  write(frame: string): void;
  close(): void;
}

function frameQueue(): { push(f: string): void; end(): void; next(ms: number): Promise<string> } {
  const frames: string[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return {
    push(f) {
      frames.push(f);
      poke();
    },
    end() {
      ended = true;
      poke();
    },
    async next(ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        if (frames.length) return frames.shift()!;
        if (ended) return 'closed';
        const left = deadline - Date.now();
        if (left <= 0) return 'silent';
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
    },
  };
}

const connectFrame = (who: { login: string; passcode: string }, host: string) =>
  `CONNECT\naccept-version:1.2\nhost:${host}\nlogin:${who.login}\npasscode:${who.passcode}\nheart-beat:0,0\n\n\0`;

async function webStomp(who: { login: string; passcode: string }, host = VHOST): Promise<[Peer, string]> {
  const ws = new WebSocket('ws://127.0.0.1:15674/ws', ['v12.stomp']);
  const q = frameQueue();
  ws.on('message', (data) => {
    // One frame per WebSocket message; drop its NUL terminator (and any EOLs after it).
    const text = String(data).replace(/\0[\r\n]*$/, '');
    if (text.trim() !== '') q.push(text);
  });
  ws.on('close', () => q.end());
  ws.on('error', () => q.end());
  ws.on('open', () => ws.send(connectFrame(who, host)));
  const peer: Peer = { next: (ms = 15_000) => q.next(ms), write: (f) => ws.send(f), close: () => ws.close() };
  return [peer, await peer.next()];
}

async function tcpStomp(who: { login: string; passcode: string }, host = VHOST): Promise<[Peer, string]> {
  const socket: Socket = createConnection(61613, '127.0.0.1');
  const q = frameQueue();
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (let end = buffer.indexOf('\0'); end >= 0; end = buffer.indexOf('\0')) {
      const frame = buffer.slice(0, end).replace(/^\n+/, '');
      buffer = buffer.slice(end + 1);
      if (frame) q.push(frame);
    }
  });
  socket.on('close', () => q.end());
  socket.on('error', () => q.end());
  socket.write(connectFrame(who, host));
  const peer: Peer = { next: (ms = 15_000) => q.next(ms), write: (f) => socket.write(f), close: () => socket.destroy() };
  return [peer, await peer.next()];
}

const peers: Peer[] = [];
async function open(kind: 'ws' | 'tcp', who: { login: string; passcode: string }, host = VHOST): Promise<Peer> {
  const [peer, first] = await (kind === 'ws' ? webStomp(who, host) : tcpStomp(who, host));
  peers.push(peer);
  expect(first.split('\n')[0]).toBe('CONNECTED');
  return peer;
}
afterEach(() => {
  for (const p of peers.splice(0)) p.close();
});

const command = (frame: string) => frame.split('\n')[0];
const room = () => `chat.room.perm-${randomUUID().slice(0, 8)}`;
const STREAM = 'x-queue-type:stream\ndurable:true\nauto-delete:false';

/** Sends `frame` (which asks for receipt `r`) and says how the broker answered. */
async function attempt(peer: Peer, frame: string): Promise<string> {
  peer.write(frame);
  const answer = await peer.next();
  return command(answer) ?? answer;
}

/** The same frame from alice and from the administrator: refused for her, fine for guest. */
async function refusedForAliceOnly(frame: string): Promise<void> {
  const admin = await open('ws', GUEST);
  expect(await attempt(admin, frame)).toBe('RECEIPT');
  const alice = await open('ws', ALICE);
  // Web-STOMP 3.10 drops the connection without an ERROR frame.
  expect(await attempt(alice, frame)).toBe('closed');
}

/** A room stream as the room directory service makes one: declared by its user. */
async function declaredRoom(): Promise<string> {
  const q = room();
  const directory = await open('ws', DIRECTORY);
  expect(await attempt(directory, `SUBSCRIBE\nid:d\ndestination:/queue/${q}\n${STREAM}\nack:client\nprefetch-count:1\nx-stream-offset:next\nreceipt:r\n\n\0`)).toBe('RECEIPT');
  return q;
}

describe('RabbitMQ demo users (scripts/rabbitmq-setup) are confined to chat', () => {
  test('only the room directory declares a room stream: alice can neither create one nor pre-declare it as a classic queue or with a one-byte retention', async () => {
    await refusedForAliceOnly(`SEND\ndestination:/queue/${room()}\n${STREAM}\nreceipt:r\n\nfirst\0`);
    await refusedForAliceOnly(`SEND\ndestination:/queue/${room()}\ndurable:true\nauto-delete:false\nreceipt:r\n\nclassic\0`);
    await refusedForAliceOnly(`SEND\ndestination:/queue/${room()}\n${STREAM}\nx-max-length-bytes:1\nreceipt:r\n\ntiny\0`);
    await refusedForAliceOnly(`SUBSCRIBE\nid:s\ndestination:/queue/chat.rooms\n${STREAM}\nack:client\nprefetch-count:1\nreceipt:r\n\n\0`);
    // Once the directory has declared it, an existing room is hers to use (below), still not to declare.
    const q = await declaredRoom();
    const alice = await open('ws', ALICE);
    expect(await attempt(alice, `SEND\ndestination:/queue/${q}\n${STREAM}\nreceipt:r\n\nagain\0`)).toBe('closed');
  });

  test('alice publishes to and reads a chat room stream the directory declared', async () => {
    const q = await declaredRoom();
    const alice = await open('ws', ALICE);
    alice.write(`SEND\ndestination:/amq/queue/${q}\nuser-id:alice\ncontent-type:application/json\nreceipt:s\n\n{"id":"m1"}\0`);
    expect(command(await alice.next())).toBe('RECEIPT');
    const bob = await open('ws', { login: 'bob', passcode: 'stompkit' });
    bob.write(`SUBSCRIBE\nid:r\ndestination:/amq/queue/${q}\nack:client\nprefetch-count:10\nx-stream-offset:first\nreceipt:sub\n\n\0`);
    expect(command(await bob.next())).toBe('RECEIPT');
    const message = await bob.next();
    expect(command(message)).toBe('MESSAGE');
    expect(message).toContain('\nuser-id:alice\n');
    expect(message.endsWith('{"id":"m1"}')).toBe(true);
  });

  test('alice publishes and subscribes to chat typing and presence topics', async () => {
    const id = randomUUID().slice(0, 8);
    const alice = await open('ws', ALICE);
    for (const topic of [`chat.typing.${id}`, `chat.presence.${id}`]) {
      alice.write(`SUBSCRIBE\nid:${topic}\ndestination:/topic/${topic}\nreceipt:sub-${topic}\n\n\0`);
      expect(command(await alice.next())).toBe('RECEIPT');
      alice.write(`SEND\ndestination:/topic/${topic}\nuser-id:alice\nreceipt:send-${topic}\n\nhi\0`);
      const got = [await alice.next(), await alice.next()].map(command).sort();
      expect(got).toEqual(['MESSAGE', 'RECEIPT']);
    }
  });

  test("alice has private queues of her own; bob's are refused to her (the same rules as docs/chat-acl.json)", async () => {
    const id = randomUUID().slice(0, 8);
    const alice = await open('ws', ALICE);
    expect(await attempt(alice, `SUBSCRIBE\nid:own\ndestination:/queue/user.alice.${id}\nreceipt:r\n\n\0`)).toBe('RECEIPT');
    await refusedForAliceOnly(`SUBSCRIBE\nid:s\ndestination:/queue/user.bob.${id}\nreceipt:r\n\n\0`);
  });

  test("a direct message's stream is refused to a third user; its members read it", async () => {
    // A DM of alice, bob and a member made up per run (a fresh stream each time).
    const q = `chat.room.dm.alice.bob.t${randomUUID().slice(0, 8)}`;
    const alice = await open('ws', ALICE);
    expect(await attempt(alice, `SEND\ndestination:/queue/${q}\n${STREAM}\nuser-id:alice\nreceipt:r\n\nhi\0`)).toBe('RECEIPT');
    const bob = await open('ws', { login: 'bob', passcode: 'stompkit' });
    expect(await attempt(bob, `SUBSCRIBE\nid:s\ndestination:/queue/${q}\n${STREAM}\nack:client\nprefetch-count:5\nreceipt:r\n\n\0`)).toBe('RECEIPT');
    const carol = await open('ws', { login: 'carol', passcode: 'stompkit' });
    expect(await attempt(carol, `SUBSCRIBE\nid:s\ndestination:/queue/${q}\n${STREAM}\nack:client\nprefetch-count:5\nreceipt:r\n\n\0`)).toBe('closed');
    const carolTyping = await open('ws', { login: 'carol', passcode: 'stompkit' });
    const key = q.slice('chat.room.'.length);
    expect(await attempt(carolTyping, `SUBSCRIBE\nid:t\ndestination:/topic/chat.typing.${key}\nreceipt:r\n\n\0`)).toBe('closed');
  });

  test('room ids follow the chat kit: a room named outside its pattern is refused', async () => {
    await refusedForAliceOnly(`SEND\ndestination:/queue/chat.room._hidden-${randomUUID().slice(0, 8)}\n${STREAM}\nreceipt:r\n\nhi\0`);
  });

  test('alice cannot send to a non-chat queue', async () => {
    await refusedForAliceOnly(`SEND\ndestination:/queue/orders-${randomUUID().slice(0, 8)}\nreceipt:r\n\nhi\0`);
  });

  test('alice cannot subscribe to a non-chat queue', async () => {
    await refusedForAliceOnly(`SUBSCRIBE\nid:s\ndestination:/queue/orders-${randomUUID().slice(0, 8)}\nreceipt:r\n\n\0`);
  });

  test('alice cannot read an existing non-chat queue by its AMQP name either', async () => {
    const name = `orders-${randomUUID().slice(0, 8)}`;
    const admin = await open('ws', GUEST);
    expect(await attempt(admin, `SEND\ndestination:/queue/${name}\nauto-delete:true\nreceipt:r\n\nsecret\0`)).toBe('RECEIPT');
    const alice = await open('ws', ALICE);
    expect(await attempt(alice, `SUBSCRIBE\nid:s\ndestination:/amq/queue/${name}\nreceipt:r\n\n\0`)).toBe('closed');
  });

  test('alice cannot publish to other exchanges or non-chat topics', async () => {
    await refusedForAliceOnly(`SEND\ndestination:/exchange/amq.fanout\nreceipt:r\n\nhi\0`);
    await refusedForAliceOnly(`SEND\ndestination:/topic/orders.new\nreceipt:r\n\nhi\0`);
    await refusedForAliceOnly(`SUBSCRIBE\nid:s\ndestination:/topic/orders.#\nreceipt:r\n\n\0`);
  });

  test('alice cannot send as bob (user-id is checked against the login)', async () => {
    const topic = `/topic/chat.typing.${randomUUID().slice(0, 8)}`;
    const ok = await open('ws', ALICE);
    expect(await attempt(ok, `SEND\ndestination:${topic}\nuser-id:alice\nreceipt:r\n\nhi\0`)).toBe('RECEIPT');
    const ws = await open('ws', ALICE);
    expect(await attempt(ws, `SEND\ndestination:${topic}\nuser-id:bob\nreceipt:r\n\nhi\0`)).toBe('closed');
    // Over STOMP/TCP the same refusal comes with its reason.
    const tcp = await open('tcp', ALICE);
    tcp.write(`SEND\ndestination:${topic}\nuser-id:bob\nreceipt:r\n\nhi\0`);
    const error = await tcp.next();
    expect(command(error)).toBe('ERROR');
    expect(error).toContain("user_id property set to 'bob' but authenticated user was 'alice'");
  });

  test('a refused queue names the permission in the ERROR over STOMP/TCP', async () => {
    const tcp = await open('tcp', ALICE);
    const name = `orders-${randomUUID().slice(0, 8)}`;
    tcp.write(`SEND\ndestination:/queue/${name}\nreceipt:r\n\nhi\0`);
    const error = await tcp.next();
    expect(error).toContain('message:access_refused');
    expect(error).toContain(`access to queue '${name}' in vhost '${VHOST}' refused for user 'alice'`);
  });

  test('alice cannot change how an existing room stream is kept (no re-declare as transient)', async () => {
    const q = await declaredRoom();
    const alice = await open('ws', ALICE);
    expect(await attempt(alice, `SEND\ndestination:/amq/queue/${q}\nreceipt:r\n\nfirst\0`)).toBe('RECEIPT');
    const again = await open('tcp', ALICE);
    again.write(`SUBSCRIBE\nid:s\ndestination:/queue/${q}\nx-queue-type:stream\ndurable:false\nauto-delete:true\nack:client\nprefetch-count:1\nreceipt:r\n\n\0`);
    expect(command(await again.next())).toBe('ERROR');
    // The stream is still there with its message.
    const reader = await open('ws', ALICE);
    reader.write(`SUBSCRIBE\nid:s\ndestination:/amq/queue/${q}\nack:client\nprefetch-count:1\nx-stream-offset:first\nreceipt:r\n\n\0`);
    expect(command(await reader.next())).toBe('RECEIPT');
    expect((await reader.next()).endsWith('first')).toBe(true);
  });

  test('demo users have no access to the default vhost, where non-chat queues live', async () => {
    const [peer, first] = await webStomp(ALICE, '/');
    peers.push(peer);
    expect(command(first)).toBe('ERROR');
    expect(first).toContain("Virtual host '/' access denied");
  });

  test('a wrong passcode is refused', async () => {
    const [peer, first] = await webStomp({ login: 'alice', passcode: 'not-it' });
    peers.push(peer);
    expect(command(first)).toBe('ERROR');
    expect(first).toContain("Access refused for user 'alice'");
  });
});
