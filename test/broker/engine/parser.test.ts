import { describe, expect, test } from 'vitest';
import { FrameParser, type ParserLimits } from '../../../src/broker/engine/parser.js';
import { type Frame, StompError } from '../../../src/broker/engine/frame.js';
import { dec, enc, thrown } from './harness.js';

const LIMITS: ParserLimits = { maxFrameSize: 1 << 20, maxHeaders: 64, maxHeaderLength: 8192 };

function parser(limits: Partial<ParserLimits> = {}) {
  const frames: Frame[] = [];
  let beats = 0;
  const p = new FrameParser({ ...LIMITS, ...limits }, (f) => frames.push(f), () => beats++);
  return { p, frames, beats: () => beats };
}

const bytes = (s: string) => enc.encode(s);

describe('FrameParser', () => {
  test('parses a NUL-terminated frame with headers and body', () => {
    const { p, frames } = parser();
    p.push(bytes('SEND\ndestination:/topic/a\nfoo:bar\n\nhello\0'));
    expect(frames).toHaveLength(1);
    expect(frames[0].command).toBe('SEND');
    expect(frames[0].headers).toEqual({ destination: '/topic/a', foo: 'bar' });
    expect(dec.decode(frames[0].body)).toBe('hello');
  });

  test('accepts CRLF line ends', () => {
    const { p, frames } = parser();
    p.push(bytes('SEND\r\ndestination:/q\r\na:b\r\n\r\nx\0'));
    expect(frames[0].headers).toEqual({ destination: '/q', a: 'b' });
    expect(dec.decode(frames[0].body)).toBe('x');
  });

  test('a frame split into one-byte chunks parses the same', () => {
    const { p, frames } = parser();
    const whole = bytes('SEND\r\ndestination:/q\ncontent-length:3\n\na\0b\0\nMESSAGE\n\nzz\0');
    for (let i = 0; i < whole.length; i++) p.push(whole.subarray(i, i + 1));
    expect(frames.map((f) => f.command)).toEqual(['SEND', 'MESSAGE']);
    expect([...frames[0].body]).toEqual([97, 0, 98]);
    expect(dec.decode(frames[1].body)).toBe('zz');
  });

  test('many frames in one chunk, with EOL heart-beats between them', () => {
    const { p, frames, beats } = parser();
    p.push(bytes('\n\r\nSEND\ndestination:/a\n\n1\0\n\nSEND\ndestination:/b\n\n2\0\r\n'));
    expect(frames.map((f) => f.headers['destination'])).toEqual(['/a', '/b']);
    expect(beats()).toBe(5);
  });

  test('content-length bodies may hold NULs and any byte', () => {
    const { p, frames } = parser();
    const body = new Uint8Array(256).map((_, i) => i);
    const head = bytes(`SEND\ndestination:/q\ncontent-length:${body.length}\n\n`);
    const all = new Uint8Array(head.length + body.length + 1);
    all.set(head);
    all.set(body, head.length);
    p.push(all.subarray(0, 50));
    p.push(all.subarray(50, 200));
    p.push(all.subarray(200));
    expect([...frames[0].body]).toEqual([...body]);
  });

  test('a body without content-length ends at the first NUL', () => {
    const { p, frames } = parser();
    p.push(bytes('SEND\n\nab'));
    p.push(bytes('cd\0SEND\n\nx'));
    expect(frames.map((f) => dec.decode(f.body))).toEqual(['abcd']);
    p.push(bytes('\0'));
    expect(frames.map((f) => dec.decode(f.body))).toEqual(['abcd', 'x']);
  });

  test('repeated header: the first value wins', () => {
    const { p, frames } = parser();
    p.push(bytes('SEND\nfoo:1\nfoo:2\n\n\0'));
    expect(frames[0].headers['foo']).toBe('1');
  });

  test('values keep colons after the first and are not trimmed', () => {
    const { p, frames } = parser();
    p.push(bytes('SEND\nurl: http://x:1 \n\n\0'));
    expect(frames[0].headers['url']).toBe(' http://x:1 ');
  });

  test('1.2 unescapes \\\\ \\n \\r \\c in SEND headers', () => {
    const { p, frames } = parser();
    p.push(bytes('SEND\na\\cb:x\\ny\\rz\\\\w\n\n\0'));
    expect(frames[0].headers).toEqual({ 'a:b': 'x\ny\rz\\w' });
  });

  test('CONNECT headers are never unescaped', () => {
    const { p, frames } = parser();
    p.push(bytes('CONNECT\npasscode:a\\cb\n\n\0'));
    expect(frames[0].headers['passcode']).toBe('a\\cb');
  });

  test('1.1 has no \\r escape: it is a fatal error', () => {
    const { p } = parser();
    p.version = '1.1';
    expect(() => p.push(bytes('SEND\na:\\r\n\n\0'))).toThrow(StompError);
    const q = parser();
    q.p.version = '1.1';
    q.p.push(bytes('SEND\na:\\n\\c\n\n\0'));
    expect(q.frames[0].headers['a']).toBe('\n:');
  });

  test('1.0 does not unescape at all', () => {
    const { p, frames } = parser();
    p.version = '1.0';
    p.push(bytes('SEND\na:\\n\\q\n\n\0'));
    expect(frames[0].headers['a']).toBe('\\n\\q');
  });

  test('an undefined escape sequence is a malformed frame', () => {
    const { p } = parser();
    expect(() => p.push(bytes('SEND\na:\\t\n\n\0'))).toThrow(/Malformed frame/);
  });

  test('a header line without a colon is malformed', () => {
    const { p } = parser();
    expect(() => p.push(bytes('SEND\nnocolon\n\n\0'))).toThrow(/Malformed frame/);
  });

  test('an invalid content-length is malformed', () => {
    const { p } = parser();
    expect(() => p.push(bytes('SEND\ncontent-length:-1\n\n\0'))).toThrow(/Malformed frame/);
  });

  test('a content-length body must be followed by NUL', () => {
    const { p } = parser();
    const e = thrown(() => p.push(bytes('SEND\ncontent-length:1\n\nab\0')));
    expect(e.message).toBe('Malformed frame');
    expect(e.detail).toMatch(/Expected NUL/);
  });

  test('content-length over the frame limit is refused before any body byte arrives', () => {
    const { p } = parser({ maxFrameSize: 1000 });
    expect(() => p.push(bytes('SEND\ncontent-length:5000\n\n'))).toThrow(/Frame too large/);
  });

  test('a body without content-length is refused as soon as it passes the limit', () => {
    const { p } = parser({ maxFrameSize: 100 });
    p.push(bytes('SEND\n\n'));
    p.push(new Uint8Array(50).fill(65));
    expect(() => p.push(new Uint8Array(60).fill(65))).toThrow(/Frame too large/);
  });

  test('headers count toward the frame limit while they stream in', () => {
    const { p } = parser({ maxFrameSize: 100, maxHeaderLength: 1000 });
    p.push(bytes('SEND\n'));
    expect(() => p.push(bytes(`a:${'x'.repeat(120)}`))).toThrow(/Frame too large/);
  });

  test('too many headers', () => {
    const { p } = parser({ maxHeaders: 2 });
    expect(() => p.push(bytes('SEND\na:1\nb:2\nc:3\n\n\0'))).toThrow(/Too many headers/);
  });

  test('a header line over the length limit is refused without its end', () => {
    const { p } = parser({ maxHeaderLength: 10 });
    p.push(bytes('SEND\n'));
    expect(() => p.push(bytes('abcdef:ghijkl'))).toThrow(/Header too long/);
  });
});

test('bodies are copies, not views of the fed chunk, even for Node Buffers whose slice is a view', () => {
  const frames: Frame[] = [];
  const p = new FrameParser(LIMITS, (f) => frames.push(f));
  const chunk = Buffer.from('SEND\n\nabc\0');
  p.push(chunk);
  chunk.fill(0);
  expect(dec.decode(frames[0].body)).toBe('abc');
  expect(frames[0].body.buffer).not.toBe(chunk.buffer);
});
