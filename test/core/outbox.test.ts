import { createOutbox, type OutboxLink } from '../../src/core/outbox.js';
import { createReceipts } from '../../src/core/receipts.js';
import { memoryStorage } from '../../src/core/storage.js';
import type { StorageAdapter } from '../../src/core/types.js';

/** Records what the outbox writes; `connected` is flipped by the test. */
function recordingLink(): OutboxLink & { frames: { destination: string; headers: Record<string, string>; body: string | Uint8Array }[]; connected: boolean } {
  return {
    connected: true,
    frames: [],
    publish(destination, headers, body) {
      if (!this.connected) throw new Error('There is no underlying STOMP connection');
      this.frames.push({ destination, headers, body });
    },
  };
}

function setup(storage: StorageAdapter = memoryStorage(), receiptTimeout = 1000) {
  const receipts = createReceipts();
  let n = 0;
  const outbox = createOutbox({ storage, key: 'test:outbox', receipts, receiptTimeout, newId: () => `id-${++n}`, now: () => 42 });
  return { outbox, receipts, storage };
}

const flushMicrotasks = () => new Promise<void>((r) => queueMicrotask(r));

describe('Outbox', () => {
  it('queues while offline and flushes in order with id and receipt headers', async () => {
    const { outbox, receipts } = setup();
    const first = outbox.add('/queue/a', 'one');
    const second = outbox.add('/queue/a', { n: 2 }, { priority: '5' });
    expect(outbox.getSnapshot().map((e) => [e.id, e.status])).toEqual([
      ['id-1', 'queued'],
      ['id-2', 'queued'],
    ]);
    const link = recordingLink();
    outbox.attach(link);
    expect(link.frames.map((f) => f.body)).toEqual(['one', '{"n":2}']);
    expect(link.frames[1]!.headers).toEqual({
      priority: '5',
      'content-type': 'application/json',
      'stompkit-id': 'id-2',
      receipt: 'send:id-2:1',
    });
    expect(outbox.getSnapshot().map((e) => e.status)).toEqual(['sent', 'sent']);
    receipts.receipt('send:id-1:1');
    receipts.receipt('send:id-2:1');
    await expect(first).resolves.toEqual({ id: 'id-1', destination: '/queue/a', receiptId: 'send:id-1:1' });
    await expect(second).resolves.toMatchObject({ id: 'id-2' });
    expect(outbox.getSnapshot().map((e) => e.status)).toEqual(['confirmed', 'confirmed']);
    expect(outbox.pending).toBe(0);
  });

  it('puts sends in flight back to queued when the connection drops, and resends them first', () => {
    const { outbox, receipts } = setup();
    const link = recordingLink();
    outbox.attach(link);
    outbox.add('/queue/a', 'one');
    outbox.add('/queue/a', 'two');
    link.connected = false;
    outbox.detach();
    receipts.loseAll('connection lost');
    outbox.add('/queue/a', 'three');
    expect(outbox.getSnapshot().map((e) => e.status)).toEqual(['queued', 'queued', 'queued']);
    const next = recordingLink();
    outbox.attach(next);
    expect(next.frames.map((f) => [f.body, f.headers.receipt])).toEqual([
      ['one', 'send:id-1:2'],
      ['two', 'send:id-2:2'],
      ['three', 'send:id-3:1'],
    ]);
    // Same idempotency key on the resend, so the receiver can drop the copy.
    expect(next.frames[0]!.headers['stompkit-id']).toBe(link.frames[0]!.headers['stompkit-id']);
  });

  it('a late RECEIPT puts the send back to queued (the link is suspect) and the next link resends it with the same id', async () => {
    vi.useFakeTimers();
    try {
      const timedOut: string[] = [];
      const receipts = createReceipts((id) => timedOut.push(id));
      let n = 0;
      const outbox = createOutbox({ storage: memoryStorage(), key: 'k', receipts, receiptTimeout: 500, newId: () => `id-${++n}` });
      const link = recordingLink();
      outbox.attach(link);
      let settled = false;
      const sent = outbox.add('/queue/a', 'x');
      void sent.then(() => (settled = true), () => (settled = true));
      vi.advanceTimersByTime(500);
      await flushMicrotasks();
      expect(timedOut).toEqual(['send:id-1:1']);
      expect(settled).toBe(false); // not failed: still the user's message to deliver
      expect(outbox.getSnapshot()[0]).toMatchObject({ status: 'queued', attempts: 1, error: 'no RECEIPT within 500 ms' });
      expect(outbox.pending).toBe(1);
      // The session replaces the link; the next one resends it, same key.
      link.connected = false;
      outbox.detach();
      const next = recordingLink();
      outbox.attach(next);
      expect(next.frames[0]!.headers).toMatchObject({ 'stompkit-id': 'id-1', receipt: 'send:id-1:2' });
      receipts.receipt('send:id-1:2');
      await expect(sent).resolves.toMatchObject({ id: 'id-1', receiptId: 'send:id-1:2' });
      expect(outbox.getSnapshot()[0]).toMatchObject({ status: 'confirmed', attempts: 2 });
      expect(outbox.getSnapshot()[0]!.error).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails only past the send deadline, and a retry starts a new one', async () => {
    vi.useFakeTimers();
    try {
      const receipts = createReceipts();
      let n = 0;
      const outbox = createOutbox({ storage: memoryStorage(), key: 'k', receipts, receiptTimeout: 0, deadline: 1000, newId: () => `id-${++n}` });
      const first = outbox.add('/q', 'a');
      vi.advanceTimersByTime(600);
      const second = outbox.add('/q', 'b');
      vi.advanceTimersByTime(400);
      await expect(first).rejects.toThrow(/past the send deadline of 1000 ms/);
      expect(outbox.getSnapshot().map((e) => e.status)).toEqual(['failed', 'queued']);
      vi.advanceTimersByTime(600);
      await expect(second).rejects.toThrow(/deadline/);
      const again = outbox.retry('id-1');
      const link = recordingLink();
      outbox.attach(link);
      expect(link.frames.map((f) => f.body)).toEqual(['a']);
      receipts.receipt('send:id-1:1');
      await expect(again).resolves.toMatchObject({ id: 'id-1' });
      vi.advanceTimersByTime(1000); // the confirmation is persisted lazily
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('persists confirmations within a moment, and at once when asked (the page is hidden or unloaded)', async () => {
    vi.useFakeTimers();
    try {
      const storage = memoryStorage();
      const receipts = createReceipts();
      const outbox = createOutbox({ storage, key: 'k', receipts, receiptTimeout: 0, newId: () => 'a' });
      outbox.attach(recordingLink());
      void outbox.add('/q', 'x');
      await flushMicrotasks();
      receipts.receipt('send:a:1');
      expect(JSON.parse(storage.getItem('k')!)).toHaveLength(1); // not yet written
      outbox.persistNow();
      expect(storage.getItem('k')).toBeNull(); // a reload now would not resend it
      void outbox.add('/q', 'y', { 'stompkit-id': 'b' });
      await flushMicrotasks();
      receipts.receipt('send:b:1');
      vi.advanceTimersByTime(250);
      expect(storage.getItem('k')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a dropped send in flight: its late RECEIPT does not confirm a new send that reuses the id', async () => {
    const { outbox, receipts } = setup();
    outbox.attach(recordingLink());
    const first = outbox.add('/q', 'one', { 'stompkit-id': 'same' });
    outbox.drop('same');
    await expect(first).rejects.toThrow(/dropped/);
    expect(receipts.size).toBe(0);
    const second = outbox.add('/q', 'two', { 'stompkit-id': 'same' });
    expect(receipts.size).toBe(1);
    let settled = false;
    void second.then(() => (settled = true));
    await flushMicrotasks();
    expect(settled).toBe(false);
  });

  it('with write confirmation, a send is confirmed once written and asks for no receipt', async () => {
    const receipts = createReceipts();
    const outbox = createOutbox({ storage: memoryStorage(), key: 'k', receipts, receiptTimeout: 1000, confirmation: 'write', newId: () => 'w' });
    const link = recordingLink();
    outbox.attach(link);
    await expect(outbox.add('/q', 'x')).resolves.toEqual({ id: 'w', destination: '/q', receiptId: '' });
    expect(link.frames[0]!.headers).toEqual({ 'stompkit-id': 'w' });
    expect(receipts.size).toBe(0);
  });

  it('flushes a large backlog in order, in slices that let the page run', async () => {
    let clock = 0;
    const receipts = createReceipts();
    let n = 0;
    // Every clock read advances 1 ms: a slice ends after about 8 ms of writing.
    const outbox = createOutbox({ storage: memoryStorage(), key: 'k', receipts, receiptTimeout: 0, now: () => ++clock, newId: () => `${++n}` });
    for (let i = 0; i < 2000; i++) void outbox.add('/q', `m${i}`);
    const link = recordingLink();
    outbox.attach(link);
    const firstSlice = link.frames.length;
    expect(firstSlice).toBeGreaterThan(0);
    expect(firstSlice).toBeLessThan(2000);
    void outbox.add('/q', 'after'); // behind the backlog, not ahead of it
    await vi.waitFor(() => expect(link.frames).toHaveLength(2001));
    expect(link.frames.map((f) => f.body)).toEqual([...Array.from({ length: 2000 }, (_, i) => `m${i}`), 'after']);
  });

  it('does linear work for 10,000 sends: one notification and one storage write per burst', async () => {
    const storage = memoryStorage();
    const writes = vi.spyOn(storage, 'setItem');
    const receipts = createReceipts();
    let n = 0;
    const outbox = createOutbox({ storage, key: 'k', receipts, receiptTimeout: 0, newId: () => `${++n}` });
    let notified = 0;
    outbox.onChange(() => notified++);
    for (let i = 0; i < 10_000; i++) void outbox.add('/q', `m${i}`);
    await flushMicrotasks();
    expect([notified, writes.mock.calls.length, outbox.pending]).toEqual([1, 1, 10_000]);
    const link = recordingLink();
    outbox.attach(link);
    await vi.waitFor(() => expect(link.frames).toHaveLength(10_000));
    await flushMicrotasks();
    notified = 0;
    for (let i = 1; i <= 10_000; i++) receipts.receipt(`send:${i}:1`);
    await flushMicrotasks();
    expect(notified).toBe(1);
    expect(outbox.pending).toBe(0);
    expect(outbox.getSnapshot()).toHaveLength(50);
  });

  it('fails an entry the link cannot write and goes on with the next', async () => {
    const { outbox } = setup();
    const link = recordingLink();
    const publish = link.publish.bind(link);
    link.publish = (destination, headers, body) => {
      if (body instanceof Uint8Array) throw new TypeError('The encoded data was not valid for encoding utf-8');
      publish(destination, headers, body);
    };
    const bad = outbox.add('/q', new Uint8Array([255]));
    void outbox.add('/q', 'fine');
    outbox.attach(link);
    await expect(bad).rejects.toThrow(/not valid for encoding utf-8/);
    expect(outbox.getSnapshot().map((e) => e.status)).toEqual(['failed', 'sent']);
    expect(link.frames.map((f) => f.body)).toEqual(['fine']);
  });

  it('fails a send the broker answered with ERROR', async () => {
    const { outbox, receipts } = setup();
    outbox.attach(recordingLink());
    const sent = outbox.add('/queue/a', 'x');
    receipts.error('send:id-1:1', 'Access refused');
    await expect(sent).rejects.toThrow(/refused by the broker: Access refused/);
    expect(outbox.getSnapshot()[0]!.status).toBe('failed');
  });

  it('drop removes an entry and rejects its promise; unknown ids are reported', async () => {
    const { outbox } = setup();
    const sent = outbox.add('/queue/a', 'x');
    outbox.drop('id-1');
    await expect(sent).rejects.toThrow(/dropped/);
    expect(outbox.getSnapshot()).toEqual([]);
    await expect(outbox.retry('nope')).rejects.toThrow(/no entry nope/);
    outbox.drop('nope'); // no-op
  });

  it('persists through the storage adapter and restores after a "reload"', async () => {
    const storage = memoryStorage();
    const { outbox } = setup(storage);
    const link = recordingLink();
    outbox.attach(link);
    outbox.add('/queue/a', 'in flight');
    link.connected = false;
    outbox.detach();
    outbox.add('/queue/a', new Uint8Array([0, 1, 254, 255]));
    outbox.add('/queue/a', { a: 1 });
    await flushMicrotasks();
    // A new page: same storage, new outbox.
    const reloaded = setup(storage).outbox;
    expect(reloaded.getSnapshot().map((e) => [e.id, e.status, e.binary ?? false])).toEqual([
      ['id-1', 'queued', false], // was `sent`: unknown whether it arrived, so it goes again
      ['id-2', 'queued', true],
      ['id-3', 'queued', false],
    ]);
    const next = recordingLink();
    reloaded.attach(next);
    expect(next.frames.map((f) => f.body)).toEqual(['in flight', new Uint8Array([0, 1, 254, 255]), '{"a":1}']);
    expect(next.frames[2]!.headers['content-type']).toBe('application/json');
  });

  it('one storage write per burst of sends', async () => {
    const storage = memoryStorage();
    const writes = vi.spyOn(storage, 'setItem');
    const { outbox } = setup(storage);
    for (let i = 0; i < 100; i++) outbox.add('/queue/a', `m${i}`);
    await flushMicrotasks();
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('keeps an unreadable stored outbox aside instead of overwriting it', () => {
    const storage = memoryStorage();
    storage.setItem('test:outbox', '{not json');
    const { outbox } = setup(storage);
    expect(outbox.getSnapshot()).toEqual([]);
    expect(storage.getItem('test:outbox.corrupt')).toBe('{not json');
  });

  it('skips malformed stored entries and keeps the good ones', () => {
    const storage = memoryStorage();
    const good = { id: 'g', destination: '/q', headers: {}, body: 'b', status: 'failed', createdAt: 1, attempts: 1, error: 'x' };
    storage.setItem('test:outbox', JSON.stringify([{ id: 1 }, good, null, { ...good, id: 'h', status: 'weird' }]));
    expect(setup(storage).outbox.getSnapshot()).toEqual([good]);
  });

  it('rejects bad input clearly and queues nothing', async () => {
    const { outbox } = setup();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(outbox.add('', 'x')).rejects.toThrow(/destination/);
    await expect(outbox.add('/q', circular)).rejects.toThrow(/cannot be serialised as JSON/);
    await expect(outbox.add('/q', undefined)).rejects.toThrow(/cannot be serialised/);
    await expect(outbox.add('/q', 'x', { receipt: 'mine' })).rejects.toThrow(/"receipt" is set by the session/);
    await expect(outbox.add('/q', 'x', { n: 1 as unknown as string })).rejects.toThrow(/"n" must be a string/);
    // Header lines that would add or redirect frame lines are refused before anything is queued.
    await expect(outbox.add('/queue/mine', 'x', { 'x:1\ndestination': '/queue/theirs' })).rejects.toThrow(/header name .* cannot be sent/);
    await expect(outbox.add('/q', 'x', { 'back\\slash': '1' })).rejects.toThrow(/header name/);
    await expect(outbox.add('/q\ndestination:/other', 'x')).rejects.toThrow(/line break/);
    expect(outbox.getSnapshot()).toEqual([]);
  });

  it('uses a caller-given idempotency key and refuses a duplicate while pending', async () => {
    const { outbox } = setup();
    void outbox.add('/q', 'x', { 'stompkit-id': 'evt-1' });
    expect(outbox.getSnapshot()[0]!.id).toBe('evt-1');
    await expect(outbox.add('/q', 'x', { 'stompkit-id': 'evt-1' })).rejects.toThrow(/already in the outbox/);
  });

  it('notifies listeners once per burst with a new immutable snapshot', async () => {
    const { outbox } = setup();
    const seen: (readonly unknown[])[] = [];
    const off = outbox.onChange(() => seen.push(outbox.getSnapshot()));
    void outbox.add('/q', 'x');
    void outbox.add('/q', 'x2');
    await flushMicrotasks();
    outbox.attach(recordingLink());
    await flushMicrotasks();
    off();
    void outbox.add('/q', 'y');
    await flushMicrotasks();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(outbox.getSnapshot().length === 3 ? seen[1] : null);
    expect(seen[0]).not.toBe(seen[1]);
    expect(Object.isFrozen(seen[1])).toBe(true);
  });

  it('close rejects waiting promises and keeps the entries persisted as queued', async () => {
    const storage = memoryStorage();
    const { outbox } = setup(storage);
    outbox.attach(recordingLink());
    const sent = outbox.add('/q', 'x');
    outbox.close('session closed');
    await expect(sent).rejects.toThrow('session closed');
    expect(JSON.parse(storage.getItem('test:outbox')!)).toMatchObject([{ id: 'id-1', status: 'queued' }]);
  });

  it('forgets old confirmations (bounded memory)', () => {
    const receipts = createReceipts();
    let n = 0;
    const outbox = createOutbox({ storage: memoryStorage(), key: 'k', receipts, receiptTimeout: 0, keepConfirmed: 2, newId: () => `${++n}` });
    outbox.attach(recordingLink());
    for (let i = 1; i <= 5; i++) {
      void outbox.add('/q', 'x');
      receipts.receipt(`send:${i}:1`);
    }
    expect(outbox.getSnapshot().map((e) => e.id)).toEqual(['4', '5']);
  });
});
