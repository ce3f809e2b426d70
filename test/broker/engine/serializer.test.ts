import { describe, expect, test } from 'vitest';
import { MessageEncoder, encodeFrame, encodeMessageTail } from '../../../src/broker/engine/serializer.js';
import { FrameParser } from '../../../src/broker/engine/parser.js';
import type { Frame } from '../../../src/broker/engine/frame.js';
import { dec, enc } from './harness.js';

const parse = (bytes: Uint8Array, version: '1.0' | '1.1' | '1.2' = '1.2'): Frame[] => {
  const out: Frame[] = [];
  const p = new FrameParser({ maxFrameSize: 1 << 20, maxHeaders: 64, maxHeaderLength: 8192 }, (f) => out.push(f));
  p.version = version;
  p.push(bytes);
  return out;
};

describe('serializer', () => {
  test('adds content-length for a body and ends with NUL', () => {
    const bytes = encodeFrame('ERROR', { message: 'x' }, enc.encode('detail'));
    expect(dec.decode(bytes)).toBe('ERROR\nmessage:x\ncontent-length:6\n\ndetail\0');
  });

  test('no content-length without a body', () => {
    expect(dec.decode(encodeFrame('RECEIPT', { 'receipt-id': 'r' }))).toBe('RECEIPT\nreceipt-id:r\n\n\0');
  });

  test('escapes MESSAGE headers per version and round-trips through the parser', () => {
    const tail = encodeMessageTail({ 'a:b': 'c\nd\re\\' }, enc.encode('z'), '1.2');
    const bytes = new MessageEncoder('s:1', 'T_s:1@@x@@', '1.2').encode('/q/a:b', 7, false, true, tail);
    expect(dec.decode(bytes)).toContain('subscription:s\\c1\ndestination:/q/a\\cb\nmessage-id:T_s\\c1@@x@@7\n');
    expect(dec.decode(bytes)).toContain('a\\cb:c\\nd\\re\\\\\n');
    const [f] = parse(bytes);
    expect(f.headers).toEqual({
      subscription: 's:1',
      destination: '/q/a:b',
      'message-id': 'T_s:1@@x@@7',
      redelivered: 'false',
      ack: 'T_s:1@@x@@7',
      'a:b': 'c\nd\re\\',
      'content-length': '1',
    });
  });

  test('MessageEncoder: redelivered, no ack line in auto mode, cache follows the destination', () => {
    const encoder = new MessageEncoder('s', 'T_s@@x@@', '1.2');
    const tail = encodeMessageTail({}, enc.encode('b'), '1.2');
    expect(dec.decode(encoder.encode('/topic/a', 12, true, false, tail))).toBe(
      'MESSAGE\nsubscription:s\ndestination:/topic/a\nmessage-id:T_s@@x@@12\nredelivered:true\ncontent-length:1\n\nb\0',
    );
    expect(parse(encoder.encode('/topic/b', 13, false, false, tail))[0].headers['destination']).toBe('/topic/b');
  });

  test('1.1 does not escape CR', () => {
    const tail = encodeMessageTail({ a: 'x\ry:' }, new Uint8Array(0), '1.1');
    expect(dec.decode(tail)).toBe('a:x\ry\\c\ncontent-length:0\n\n\0');
  });

  test('CONNECTED is never escaped; 1.0 cannot carry EOLs in values', () => {
    expect(dec.decode(encodeFrame('CONNECTED', { server: 'a:b' }))).toBe('CONNECTED\nserver:a:b\n\n\0');
    const tail = encodeMessageTail({ a: 'x\ny:z' }, new Uint8Array(0), '1.0');
    expect(dec.decode(tail)).toBe('a:x y:z\ncontent-length:0\n\n\0');
  });

  test('binary bodies with NULs survive', () => {
    const body = new Uint8Array([0, 1, 0, 255]);
    const [f] = parse(encodeFrame('MESSAGE', { destination: '/q' }, body));
    expect([...f.body]).toEqual([0, 1, 0, 255]);
  });
});
