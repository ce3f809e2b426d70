/**
 * Test harness: a fake sink that records what the engine writes, a frame
 * builder, a parser of written bytes, and a manual clock.
 */
import { createEngine } from '../../../src/broker/engine/index.js';
import type {
  BrokerEngine,
  ConnectionSink,
  EngineClock,
  EngineConnection,
  EngineOptions,
  TransportKind,
} from '../../../src/broker/engine/types.js';
import { FrameParser } from '../../../src/broker/engine/parser.js';
import type { Frame } from '../../../src/broker/engine/frame.js';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Build raw frame text (no escaping: tests write exactly what a client would). */
export function raw(command: string, headers: Record<string, string> = {}, body = ''): string {
  let s = `${command}\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}:${v}\n`;
  return `${s}\n${body}\0`;
}

export class ManualClock implements EngineClock {
  time = 1_700_000_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void; every?: number }>();
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  setInterval(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn, every: ms });
    return id;
  }
  clearInterval(h: unknown): void {
    this.timers.delete(h as number);
  }
  /** Move time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void; every?: number }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      const [id, t] = next;
      this.time = t.at;
      if (t.every) t.at += t.every;
      else this.timers.delete(id);
      t.fn();
    }
    this.time = end;
  }
}

/** A client connection driven by bytes, with every frame the engine wrote. */
export class FakeClient {
  readonly frames: Frame[] = [];
  readonly chunks: Uint8Array[] = [];
  heartbeats = 0;
  closed = false;
  pending = 0;
  readonly conn: EngineConnection;
  private readonly parser = new FrameParser(
    { maxFrameSize: 1 << 30, maxHeaders: 1000, maxHeaderLength: 1 << 20 },
    (f) => this.frames.push(f),
    () => this.heartbeats++,
  );

  constructor(engine: BrokerEngine, transport: TransportKind = 'memory') {
    const sink: ConnectionSink = {
      transport,
      binary: true,
      write: (data) => {
        if (this.closed) throw new Error('write after close');
        this.chunks.push(data);
        this.parser.push(data);
      },
      pendingBytes: () => this.pending,
      close: () => {
        this.closed = true;
      },
    };
    this.conn = engine.open(sink);
  }

  send(text: string | Uint8Array): void {
    this.conn.receive(typeof text === 'string' ? enc.encode(text) : text);
  }

  frame(command: string, headers: Record<string, string> = {}, body = ''): void {
    this.send(raw(command, headers, body));
  }

  connect(headers: Record<string, string> = {}): Frame {
    this.frame('CONNECT', { 'accept-version': '1.2', host: '/', ...headers });
    const f = this.frames[this.frames.length - 1];
    return f;
  }

  /** Frames with `command`, optionally removing them from the log. */
  take(command: string): Frame[] {
    const out = this.frames.filter((f) => f.command === command);
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i].command === command) this.frames.splice(i, 1);
    return out;
  }

  bodies(command = 'MESSAGE'): string[] {
    return this.frames.filter((f) => f.command === command).map((f) => dec.decode(f.body));
  }

  last(): Frame {
    return this.frames[this.frames.length - 1];
  }
}

/** A started engine. */
export async function engine(options: EngineOptions = {}): Promise<BrokerEngine> {
  const e = createEngine(options);
  await e.start();
  return e;
}

/** Let promise callbacks (store writes, async hooks) run. */
export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** The error `fn` throws (fails the test when it throws nothing). */
export function thrown(fn: () => unknown): { message: string; detail: string } {
  try {
    fn();
  } catch (err) {
    return err as { message: string; detail: string };
  }
  throw new Error('expected a throw');
}
