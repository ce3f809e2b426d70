import { classifyError, createConnection, redacting } from '../../src/core/connection.js';
import type { Acknowledge, Frame } from '../../src/core/connection.js';
import type { WebSocketLike } from '../../src/core/types.js';

describe('classifyError', () => {
  it('treats refused credentials before CONNECTED as auth (stompkit and RabbitMQ wording)', () => {
    expect(classifyError({ message: 'Bad CONNECT', body: "Access refused for user 'guest'" }, false)).toEqual({
      kind: 'auth',
      message: "Bad CONNECT: Access refused for user 'guest'",
    });
    expect(classifyError({ message: 'Bad CONNECT', body: 'Bad CONNECT: login or passcode refused\n' }, false)).toEqual({
      kind: 'auth',
      message: 'Bad CONNECT: login or passcode refused',
    });
    expect(classifyError({ message: 'Unauthorized', body: '' }, false).kind).toBe('auth');
  });

  it('treats other ERRORs, and anything after CONNECTED, as protocol errors (retried)', () => {
    expect(classifyError({ message: 'Version mismatch', body: '' }, false)).toEqual({ kind: 'protocol', message: 'Version mismatch' });
    expect(classifyError({ message: 'access_refused', body: "ACCESS_REFUSED - write access to '/queue/x' refused" }, true).kind).toBe(
      'protocol',
    );
    expect(classifyError({ message: '', body: '' }, true).message).toBe('ERROR frame without message');
  });
});

describe('redacting', () => {
  it('keeps secrets of CONNECT frames out of debug logs', () => {
    const lines: string[] = [];
    redacting((m) => lines.push(m))('>>> CONNECT\nlogin:alice\npasscode:hunter2\nAuthorization:Bearer abc\naccept-version:1.2\n\n');
    expect(lines[0]).toBe('>>> CONNECT\nlogin:alice\npasscode:<redacted>\nAuthorization:<redacted>\naccept-version:1.2\n\n');
  });
});

/** A socket the test plays the broker on: it records what is sent and feeds frames back. */
function scriptedSocket() {
  const sent: (string | ArrayBuffer | Uint8Array)[] = [];
  const socket: WebSocketLike & { sent: typeof sent; closed: boolean } = {
    url: 'ws://test',
    readyState: 0,
    binaryType: 'blob',
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
    sent,
    closed: false,
    send: (data) => void sent.push(data),
    close() {
      this.closed = true;
    },
  };
  return socket;
}

function connect(heartbeat: [number, number] = [0, 0]) {
  const socket = scriptedSocket();
  const events: string[] = [];
  const messages: { frame: Frame; ack: Acknowledge }[] = [];
  const connection = createConnection(
    { createSocket: () => socket, connectHeaders: { login: 'a', passcode: 'b' }, heartbeat },
    {
      onConnected: (info) => events.push(`connected ${info.version}`),
      onReceipt: (id) => events.push(`receipt ${id}`),
      onErrorFrame: (info) => events.push(`error ${info.message}`),
      onClosed: (error) => events.push(`closed ${error.kind}: ${error.message}`),
    },
  );
  connection.start();
  /** stompjs takes the socket a microtask after `start()`. */
  const open = async (): Promise<void> => {
    await Promise.resolve();
    socket.readyState = 1;
    socket.onopen?.();
  };
  const receive = (frame: string): void => socket.onmessage?.({ data: frame });
  return { socket, events, messages, connection, open, receive };
}

describe('Connection (on @stomp/stompjs)', () => {
  it('sends CONNECT once the socket opens, with accept-version and heart-beat (STOMP 1.2 §"CONNECT")', async () => {
    const { socket, open, events, receive, connection } = connect([1000, 2000]);
    expect(() => connection.publish('/q', {}, 'x')).toThrow(/no underlying STOMP connection/);
    await open();
    expect(socket.binaryType).toBe('arraybuffer');
    expect(socket.sent).toEqual(['CONNECT\nlogin:a\npasscode:b\naccept-version:1.2,1.1,1.0\nheart-beat:1000,2000\n\n\0']);
    receive('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0');
    expect(events).toEqual(['connected 1.2']);
    expect(connection.connected).toBe(true);
    expect(connection.version).toBe('1.2');
  });

  it('acknowledges by the ack header on 1.2 and by message-id on 1.1 (§"ACK")', async () => {
    for (const [version, expected] of [
      ['1.2', 'ACK\ntransaction:t\nid:A1\nsubscription:sk-1\n\n\0'],
      ['1.1', 'ACK\ntransaction:t\nmessage-id:M1\nsubscription:sk-1\n\n\0'],
    ] as const) {
      const { socket, open, receive, connection, messages } = connect();
      await open();
      receive(`CONNECTED\nversion:${version}\n\n\0`);
      connection.subscribe('sk-1', '/topic/x', { ack: 'client' }, (frame, ack) => messages.push({ frame, ack }));
      expect(socket.sent[1]).toBe('SUBSCRIBE\nack:client\nid:sk-1\ndestination:/topic/x\n\n\0');
      receive('MESSAGE\nsubscription:sk-1\nmessage-id:M1\nack:A1\ndestination:/topic/x\n\nhi\0');
      receive('MESSAGE\nsubscription:other\nmessage-id:M2\n\nlost\0');
      expect(messages.map((m) => m.frame.body)).toEqual(['hi']);
      messages[0]!.ack('ACK', { transaction: 't' });
      expect(socket.sent[2]).toBe(expected);
    }
  });

  it('refuses headers that would break the frame before writing anything', async () => {
    const { socket, open, receive, connection } = connect();
    await open();
    receive('CONNECTED\nversion:1.1\n\n\0');
    const before = socket.sent.length;
    // Names are refused when a send or subscription is made (checkHeaders, see the outbox tests);
    // values depend on the version negotiated, so the connection checks them as it writes.
    expect(() => connection.publish('/queue/mine', { note: 'one\ntwo' }, 'x')).toThrow(/STOMP 1.1 cannot carry its value|cannot be carried by STOMP 1.1/);
    expect(() => connection.publish('/queue/mine', { path: 'C:\\temp' }, 'x')).toThrow(/STOMP 1.1/);
    expect(() => connection.publish('/queue/mine\nx', {}, 'x')).toThrow(/"destination"/);
    expect(() => connection.subscribe('s', '/q', { selector: 'a\rb' }, () => undefined)).toThrow(/STOMP 1.1/);
    expect(() => connection.transmit('COMMIT', { transaction: 't\0' })).toThrow(/NUL/);
    expect(socket.sent).toHaveLength(before);
  });

  it('escapes header values on 1.2 (§"Value Encoding") and writes COMMIT with a receipt', async () => {
    const { socket, open, receive, connection } = connect();
    await open();
    receive('CONNECTED\nversion:1.2\n\n\0');
    connection.publish('/q', { note: 'a:b\nc' }, 'x');
    expect(socket.sent.at(-1)).toBe('SEND\ndestination:/q\nnote:a\\cb\\nc\ncontent-length:1\n\nx\0');
    connection.transmit('COMMIT', { transaction: 'tx-1', receipt: 'tx-1:commit' });
    expect(socket.sent.at(-1)).toBe('COMMIT\ntransaction:tx-1\nreceipt:tx-1\\ccommit\n\n\0');
    expect(connection.oldestUnanswered).toBe('tx-1:commit');
  });

  it('tracks the oldest unanswered receipt and reports RECEIPTs; the peer close code is kept', async () => {
    const { open, receive, connection, events, socket } = connect();
    await open();
    receive('CONNECTED\nversion:1.2\n\n\0');
    connection.publish('/q', { receipt: 'r1' }, 'a');
    connection.publish('/q', { receipt: 'r2' }, 'b');
    expect(connection.oldestUnanswered).toBe('r1');
    receive('RECEIPT\nreceipt-id:r1\n\n\0');
    expect(connection.oldestUnanswered).toBe('r2');
    socket.onclose?.({ code: 1000, reason: 'STOMP died' });
    expect(connection.closeCode).toBe(1000);
    expect(events).toEqual(['connected 1.2', 'receipt r1', 'closed network: connection closed (code 1000: STOMP died)']);
    expect(connection.connected).toBe(false);
  });

  it('an ERROR before CONNECTED with refused credentials closes as auth, once', async () => {
    const { open, receive, events, socket } = connect();
    await open();
    receive('ERROR\nmessage:Bad CONNECT\n\nAccess refused for user\0');
    socket.onclose?.({ code: 1000 });
    expect(events).toEqual(['error Bad CONNECT', 'closed auth: Bad CONNECT: Access refused for user']);
    expect(socket.closed).toBe(true);
  });

  it('beats every period and drops a broker silent for two of its periods (§"Heart-beating")', async () => {
    vi.useFakeTimers();
    try {
      const { socket, open, receive, events } = connect([100, 100]);
      await open();
      receive('CONNECTED\nversion:1.2\nheart-beat:200,50\n\n\0');
      vi.advanceTimersByTime(250);
      expect(socket.sent.filter((d) => d === '\n')).toHaveLength(2); // every max(100, 50) ms
      receive('\n'); // a beat from the broker counts as activity
      vi.advanceTimersByTime(350);
      expect(events).toEqual(['connected 1.2']);
      vi.advanceTimersByTime(400);
      expect(events.at(-1)).toBe('closed timeout: the broker stopped sending heart-beats');
      expect(socket.closed).toBe(true);
      const beats = socket.sent.length;
      vi.advanceTimersByTime(1000);
      expect(socket.sent).toHaveLength(beats); // timers stopped
    } finally {
      vi.useRealTimers();
    }
  });

  it('terminate reports the given reason at once, even if the socket never closes', async () => {
    const { open, receive, connection, events } = connect();
    await open();
    receive('CONNECTED\nversion:1.2\n\n\0');
    connection.terminate({ kind: 'timeout', message: 'no RECEIPT' });
    expect(events.at(-1)).toBe('closed timeout: no RECEIPT');
    expect(connection.connected).toBe(false);
  });

  it('disconnect sends DISCONNECT with a receipt and closes on it (§"DISCONNECT")', async () => {
    const { socket, open, receive, connection, events } = connect();
    await open();
    receive('CONNECTED\nversion:1.2\n\n\0');
    const done = connection.disconnect(1000);
    const disconnect = String(socket.sent.at(-1));
    expect(disconnect).toMatch(/^DISCONNECT\nreceipt:(.+)\n\n\0$/);
    receive(`RECEIPT\nreceipt-id:${/receipt:(.+)/.exec(disconnect)![1]}\n\n\0`);
    expect(socket.closed).toBe(true);
    socket.onclose?.({ code: 1000 });
    await done;
    expect(events.at(-1)).toBe('closed closed: closed by the application');
  });
});
