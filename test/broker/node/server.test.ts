import { sniff } from '../../../src/broker/node/server.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('sniff: HTTP or STOMP from the first bytes', () => {
  it('recognises HTTP request lines', () => {
    expect(sniff(b('GET /ws HTTP/1.1\r\nHost: x\r\n'))).toBe('http');
    expect(sniff(b('POST /sockjs/1/2/xhr_send HTTP/1.1\r\n'))).toBe('http');
    expect(sniff(b('CONNECT example.com:443 HTTP/1.1\r\n'))).toBe('http');
  });

  it('recognises STOMP, including the CONNECT that shares its name with an HTTP method', () => {
    expect(sniff(b('CONNECT\naccept-version:1.2\n\n\0'))).toBe('stomp');
    expect(sniff(b('CONNECT\r\n'))).toBe('stomp');
    expect(sniff(b('STOMP\n'))).toBe('stomp');
    expect(sniff(b('\n\nCONNECT\n'))).toBe('stomp'); // heart-beat EOLs first
    expect(sniff(b('\x16\x03\x01'))).toBe('stomp'); // not a token: never HTTP
  });

  it('waits for the end of the first line when it could still be either', () => {
    expect(sniff(b(''))).toBe('undecided');
    expect(sniff(b('CONN'))).toBe('undecided');
    expect(sniff(b('GET /ws HTT'))).toBe('undecided');
  });

  it('gives up waiting after a long first line', () => {
    expect(sniff(b(`X${'A'.repeat(9000)}`))).toBe('stomp');
  });
});
