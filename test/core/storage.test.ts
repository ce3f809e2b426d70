import { localStorageAdapter, memoryStorage } from '../../src/core/storage.js';

describe('memoryStorage', () => {
  it('stores, reads and removes strings', () => {
    const s = memoryStorage();
    expect(s.getItem('k')).toBeNull();
    s.setItem('k', 'v');
    expect(s.getItem('k')).toBe('v');
    s.removeItem('k');
    expect(s.getItem('k')).toBeNull();
  });

  it('keeps instances apart', () => {
    const a = memoryStorage();
    a.setItem('k', '1');
    expect(memoryStorage().getItem('k')).toBeNull();
  });
});

describe('localStorageAdapter', () => {
  it('says clearly that Node has no localStorage', () => {
    expect(() => localStorageAdapter()).toThrow(/no localStorage.*memoryStorage/);
  });

  it('wraps a Web Storage object and names the key when a write fails', () => {
    const backing = new Map<string, string>();
    const web = {
      getItem: (k: string) => backing.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (v.length > 10) throw new Error('QuotaExceededError');
        backing.set(k, v);
      },
      removeItem: (k: string) => void backing.delete(k),
    };
    const s = localStorageAdapter(web);
    s.setItem('a', 'short');
    expect(s.getItem('a')).toBe('short');
    expect(() => s.setItem('b', 'far too long for the quota')).toThrow(/could not store "b".*Quota/);
    expect(backing.has('b')).toBe(false);
    s.removeItem('a');
    expect(web.getItem('a')).toBeNull();
  });
});
