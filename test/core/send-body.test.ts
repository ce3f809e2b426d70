import { encodeBody } from '../../src/core/send-body.js';

describe('encodeBody', () => {
  it('keeps strings and bytes, JSON-encodes the rest unless a content-type is set', () => {
    const bytes = new Uint8Array([1]);
    expect(encodeBody('s', {})).toEqual({ body: 's', headers: {} });
    expect(encodeBody(bytes, {}).body).toBe(bytes);
    expect(encodeBody([1, 2], {})).toEqual({ body: '[1,2]', headers: { 'content-type': 'application/json' } });
    expect(encodeBody(null, {})).toEqual({ body: 'null', headers: { 'content-type': 'application/json' } });
    expect(encodeBody({}, { 'Content-Type': 'application/vnd.x+json' }).headers).toEqual({ 'Content-Type': 'application/vnd.x+json' });
  });
});
