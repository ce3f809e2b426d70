import { LOCAL_ORIGINS, originPolicy } from '../../../src/broker/node/origin.js';

describe('origin policy', () => {
  it('allows local origins on any port by default, and requests without Origin', () => {
    const allowed = originPolicy();
    for (const o of ['http://localhost', 'http://localhost:5173', 'https://127.0.0.1:8443', 'http://[::1]:3000', undefined]) {
      expect(allowed(o)).toBe(true);
    }
    for (const o of ['https://evil.example', 'http://localhost.evil.example', 'null', 'http://127.0.0.2', 'file://']) {
      expect(allowed(o)).toBe(false);
    }
  });

  it('matches listed origins exactly (case-insensitive, trailing slash ignored) and * allows all', () => {
    const allowed = originPolicy(['https://App.example.com/', ...LOCAL_ORIGINS]);
    expect(allowed('https://app.example.com')).toBe(true);
    expect(allowed('https://app.example.com:444')).toBe(false);
    expect(allowed('http://localhost:1')).toBe(true);
    expect(originPolicy(['*'])('https://anything.example')).toBe(true);
  });

  it('takes a predicate', () => {
    const allowed = originPolicy((o) => o.endsWith('.corp.example'));
    expect(allowed('https://chat.corp.example')).toBe(true);
    expect(allowed('https://corp.example.evil')).toBe(false);
  });
});
