import { Parser } from '@stomp/stompjs';
import { createParser, encodeFrame, type Frame } from '../../src/core/frame.js';

/** Runs payloads through our stream parser, as a connection does (`escaped`: STOMP 1.2 negotiated). */
function parse(escaped: boolean, ...chunks: (string | ArrayBuffer)[]): Frame[] {
  const frames: Frame[] = [];
  const feed = createParser(
    (f) => frames.push(f),
    () => undefined,
    () => escaped,
  );
  for (const chunk of chunks) feed(chunk);
  return frames;
}

/**
 * What a parser reports for `chunks`: frames and heart-beats, in order. For
 * stompjs's raw frames the first of repeated headers counts, as in ours.
 */
function events(chunks: (string | ArrayBuffer)[], stompjs: boolean): unknown[] {
  const seen: unknown[] = [];
  const onPing = (): void => void seen.push('ping');
  if (stompjs) {
    const parser = new Parser((f) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of f.headers) if (!(name in headers)) headers[name] = value;
      seen.push({ command: f.command, headers, body: [...(f.binaryBody ?? [])] });
    }, onPing);
    for (const chunk of chunks) parser.parseChunk(chunk);
  } else {
    const feed = createParser((f) => void seen.push({ command: f.command, headers: f.headers, body: [...f.binaryBody] }), onPing);
    for (const chunk of chunks) feed(chunk);
  }
  return seen;
}

/** `text` cut into pieces of `size` bytes, as ArrayBuffers. */
function pieces(text: string, size: number): ArrayBuffer[] {
  const bytes = new TextEncoder().encode(text);
  const out: ArrayBuffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size).buffer);
  return out;
}

describe('createParser', () => {
  const streams = [
    'CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0',
    '\n\nMESSAGE\nsubscription:sk-1\nmessage-id:7\n\nhello\0\n',
    'MESSAGE\r\nfoo:a:b\r\nfoo:c\r\n\r\nné\0\0\r\nRECEIPT\nreceipt-id:r1\n\n\0',
    'MESSAGE\ncontent-length:3\nx:y\n\na\0b\0\nERROR\nmessage:bad\n\nwhy\0',
    'MESSAGE\ncontent-length:0\ncontent-length:9\n\n\0SEND\n\n\0',
  ];

  it('reads the same frames and heart-beats as @stomp/stompjs\'s Parser, however the payloads are cut', () => {
    for (const stream of streams) {
      const whole = events([stream], true);
      expect(whole.length).toBeGreaterThan(0);
      expect(events([stream], false)).toEqual(whole);
      for (const size of [1, 2, 3, 7]) expect(events(pieces(stream, size), false)).toEqual(whole);
    }
    const all = streams.join('');
    expect(events(pieces(all, 5), false)).toEqual(events([all], true));
  });

  it('keeps NUL bytes inside a body with content-length and reports EOLs between frames as pings', () => {
    expect(events(['\n', 'SEND\ncontent-length:2\n\n\0\0\0', '\r\n'], false)).toEqual([
      'ping',
      { command: 'SEND', headers: { 'content-length': '2' }, body: [0, 0] },
      'ping',
    ]);
  });
});

describe('encodeFrame', () => {
  it('writes command, headers, content-length in UTF-8 bytes, body and NUL', () => {
    const { head, data } = encodeFrame('SEND', { destination: '/queue/a' }, 'héllo');
    expect(head).toBe('SEND\ndestination:/queue/a\ncontent-length:6\n\n');
    expect(data).toBe('SEND\ndestination:/queue/a\ncontent-length:6\n\nhéllo\0');
  });

  it('leaves out content-length for an empty text body', () => {
    expect(encodeFrame('SUBSCRIBE', { id: '1', destination: '/topic/x' }).data).toBe('SUBSCRIBE\nid:1\ndestination:/topic/x\n\n\0');
  });

  it('escapes header values once STOMP 1.2 is negotiated, never in CONNECT (§"Value Encoding")', () => {
    expect(encodeFrame('SEND', { k: 'a:b\nc\\d\re' }, '', true).head).toBe('SEND\nk:a\\cb\\nc\\\\d\\re\n\n');
    expect(encodeFrame('CONNECT', { login: 'a:b' }, '', true).head).toBe('CONNECT\nlogin:a:b\n\n');
    expect(encodeFrame('SEND', { k: 'a:b' }, '', false).head).toBe('SEND\nk:a:b\n\n');
  });

  it('sends bytes as a binary payload, NUL bytes inside included, and the parser reads them back', () => {
    const body = new Uint8Array([0, 1, 2, 0, 255]);
    const { data } = encodeFrame('SEND', { destination: '/queue/b' }, body);
    expect(data).toBeInstanceOf(ArrayBuffer);
    const [frame] = parse(false, data as ArrayBuffer);
    expect(frame!.command).toBe('SEND');
    expect(frame!.headers).toEqual({ destination: '/queue/b', 'content-length': '5' });
    expect([...frame!.binaryBody]).toEqual([0, 1, 2, 0, 255]);
  });
});

describe('received frames', () => {
  it('reads a MESSAGE split across chunks, text body decoded as UTF-8', () => {
    const frame = parse(true, 'MESSAGE\nsubscription:sk-1\nmessage-id:7\n', 'content-type:text/plain\n\nné\0')[0]!;
    expect(frame.command).toBe('MESSAGE');
    expect(frame.headers).toEqual({ subscription: 'sk-1', 'message-id': '7', 'content-type': 'text/plain' });
    expect(frame.body).toBe('né');
    expect(frame.binaryBody).toEqual(new TextEncoder().encode('né'));
  });

  it('keeps the first of repeated headers (§"Repeated Header Entries") and unescapes values', () => {
    expect(parse(true, 'MESSAGE\nfoo:a\\cb\\nc\\\\n\nfoo:second\n\n\0')[0]!.headers.foo).toBe('a:b\nc\\n');
    expect(parse(false, 'MESSAGE\nfoo:a\\cb\n\n\0')[0]!.headers.foo).toBe('a\\cb');
  });

  it('does not unescape CONNECTED, and an empty body is an empty string', () => {
    const frame = parse(true, 'CONNECTED\nversion:1.2\nserver:x\\c1\n\n\0')[0]!;
    expect(frame.headers.server).toBe('x\\c1');
    expect(frame.body).toBe('');
  });
});
