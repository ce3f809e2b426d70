import { Parser, type IRawFrameType } from '@stomp/stompjs';
import { decodeFrame, encodeFrame } from '../../src/core/frame.js';

/** Runs payloads through stompjs's stream parser, as a connection does. */
function parse(...chunks: (string | ArrayBuffer)[]): IRawFrameType[] {
  const frames: IRawFrameType[] = [];
  const parser = new Parser(
    (f) => frames.push(f),
    () => undefined,
  );
  for (const chunk of chunks) parser.parseChunk(chunk);
  return frames;
}

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
    const [frame] = parse(data as ArrayBuffer);
    expect(frame!.command).toBe('SEND');
    expect(frame!.headers).toEqual([
      ['destination', '/queue/b'],
      ['content-length', '5'],
    ]);
    expect([...frame!.binaryBody!]).toEqual([0, 1, 2, 0, 255]);
  });
});

describe('decodeFrame', () => {
  it('reads a MESSAGE split across chunks, text body decoded as UTF-8', () => {
    const [raw] = parse('MESSAGE\nsubscription:sk-1\nmessage-id:7\n', 'content-type:text/plain\n\nné\0');
    const frame = decodeFrame(raw!, true);
    expect(frame.command).toBe('MESSAGE');
    expect(frame.headers).toEqual({ subscription: 'sk-1', 'message-id': '7', 'content-type': 'text/plain' });
    expect(frame.body).toBe('né');
    expect(frame.binaryBody).toEqual(new TextEncoder().encode('né'));
  });

  it('keeps the first of repeated headers (§"Repeated Header Entries") and unescapes values', () => {
    const [raw] = parse('MESSAGE\nfoo:a\\cb\\nc\\\\n\nfoo:second\n\n\0');
    expect(decodeFrame(raw!, true).headers.foo).toBe('a:b\nc\\n');
    expect(decodeFrame(parse('MESSAGE\nfoo:a\\cb\n\n\0')[0]!, false).headers.foo).toBe('a\\cb');
  });

  it('does not unescape CONNECTED, and an empty body is an empty string', () => {
    const frame = decodeFrame(parse('CONNECTED\nversion:1.2\nserver:x\\c1\n\n\0')[0]!, true);
    expect(frame.headers.server).toBe('x\\c1');
    expect(frame.body).toBe('');
  });
});
