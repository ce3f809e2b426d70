/**
 * One client connection: CONNECT negotiation, frame dispatch, receipts,
 * heart-beats, ERROR-then-close (STOMP 1.2 §"Connecting", §"Client Frames",
 * §"Server Frames", §"Heart-beating").
 *
 * RabbitMQ 3.10 findings mirrored here:
 * - CONNECTED carries `server`, `session`, `heart-beat`, `version` (we add
 *   `user-name`, the authenticated login).
 * - ERROR frames carry `message` plus `content-type:text/plain` and a body
 *   with details. Messages used by RabbitMQ and by us: `Bad CONNECT` (refused
 *   credentials, body "Access refused for user 'x'"), `Bad command` (body
 *   `Could not interpret command "FOO"`), `Missing destination` (body
 *   `"SEND" must include a 'destination' header`), `Unknown destination`,
 *   `Bad transaction`, `No subscription found`, `Duplicated subscription
 *   identifier`, `precondition_failed`.
 * - A SEND whose `user-id` is not the login: ERROR `precondition_failed`,
 *   body "PRECONDITION_FAILED - user_id property set to 'mallory' but
 *   authenticated user was 'guest'"; the connection dies.
 * - RabbitMQ passes every sender header (even `receipt`) through to MESSAGE.
 * Unlike RabbitMQ (which keeps some connections open after an ERROR and puts
 * no `receipt-id` on ERROR), we always close after ERROR and add `receipt-id`
 * when the bad frame asked for a receipt (STOMP 1.2 §"ERROR").
 */
import type { BrokerLimits, ConnectionSink, EngineConnection, EngineOptions } from './types.js';
import { type Frame, type StompVersion, StompError, utf8 } from './frame.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Flow, FlowConsumer, FlowPublisher } from './flow.js';
import { FrameParser } from './parser.js';
import { HEARTBEAT, encodeFrame } from './serializer.js';
import type { Router } from './router.js';
import { Subscription, type SubscriptionOwner } from './subscription.js';
import { Transactions } from './transactions.js';
import { Commands } from './commands.js';
import { negotiateVersion, parseHeartBeat } from './negotiation.js';

/** What every connection shares with the engine. */
export interface EngineContext {
  readonly router: Router;
  readonly limits: BrokerLimits;
  readonly options: Required<Pick<EngineOptions, 'serverName' | 'heartbeat' | 'heartbeatGrace' | 'connectTimeout'>> &
    Pick<EngineOptions, 'authenticate' | 'authorize'> & { log: (message: string) => void };
  readonly clock: NonNullable<EngineOptions['clock']>;
  readonly counters: { framesIn: number; framesOut: number };
  readonly connections: Set<Connection>;
  readonly throttle: LoginThrottle;
  readonly flow: Flow;
  nextSession(): string;
}

type Phase = 'new' | 'connecting' | 'connected' | 'closing' | 'closed';

export class Connection implements EngineConnection, SubscriptionOwner, FlowPublisher, FlowConsumer {
  version: StompVersion = '1.2';
  session = '';
  user: string | undefined;
  readonly subscriptions = new Map<string, Subscription>();
  readonly transactions = new Transactions();
  private readonly deliveries = new Map<number, Subscription>();
  private readonly parser: FrameParser;
  private readonly commands: Commands;
  private phase: Phase = 'new';
  private tag = 0;
  private inbox: Frame[] = [];
  /** Body bytes held in `inbox` while an async hook runs; bounded by `maxPendingBytes`. */
  private inboxBytes = 0;
  private busy = false;
  /** Flow control stopped reading it: its heart-beats cannot arrive, so they are not expected. */
  private readingPaused = false;
  private receiptTail: Promise<void> | null = null;
  private lastReceived: number;
  private lastWritten: number;
  private timers: unknown[] = [];
  private connectTimer: unknown = undefined;

  constructor(
    readonly ctx: EngineContext,
    readonly sink: ConnectionSink,
  ) {
    this.parser = new FrameParser(ctx.limits, (f) => this.onFrame(f));
    this.commands = new Commands(this);
    this.lastReceived = this.lastWritten = ctx.clock.now();
    const wait = ctx.options.connectTimeout;
    if (wait > 0) {
      this.connectTimer = ctx.clock.setTimeout(() => {
        if (this.phase === 'new' || this.phase === 'connecting') {
          this.fail(new StompError('Connect timeout', `No CONNECT within ${wait} ms`), undefined);
        }
      }, wait);
    }
  }

  get isOpen(): boolean {
    return this.phase === 'connected' || this.phase === 'connecting';
  }

  receive(chunk: Uint8Array | string): void {
    if (this.phase === 'closed' || this.phase === 'closing') return;
    this.lastReceived = this.ctx.clock.now();
    try {
      this.parser.push(typeof chunk === 'string' ? utf8(chunk) : chunk);
    } catch (err) {
      this.fail(err, this.parser.partialReceipt);
    }
  }

  closed(reason?: string): void {
    if (this.phase === 'closed') return;
    if (reason) this.ctx.options.log(`connection ${this.session || '(unconnected)'} closed: ${reason}`);
    this.teardown();
  }

  // ---- SubscriptionOwner ----
  nextTag(): number {
    return ++this.tag;
  }
  track(tag: number, sub: Subscription): void {
    this.deliveries.set(tag, sub);
  }
  untrack(tag: number): void {
    this.deliveries.delete(tag);
  }
  subscriptionForTag(tag: number): Subscription | undefined {
    return this.deliveries.get(tag);
  }
  writeMessage(bytes: Uint8Array): void {
    this.write(bytes, true);
  }

  /** Write a whole frame (RECEIPT, CONNECTED, MESSAGE, ...). */
  writeFrame(command: string, headers: Record<string, string>, body?: Uint8Array): void {
    this.write(encodeFrame(command, headers, body, this.version), true);
  }

  /**
   * Send RECEIPT for `receipt` once `effect` (the frame's durable effect) is
   * done and every earlier receipt went out, so receipts keep frame order.
   */
  receipt(receipt: string | undefined, effect?: Promise<void>): void {
    if (receipt === undefined) {
      effect?.catch((err: unknown) => this.fail(new StompError('Store failure', String(err)), undefined));
      return;
    }
    if (!effect && !this.receiptTail) {
      this.writeFrame('RECEIPT', { 'receipt-id': receipt });
      return;
    }
    const before = this.receiptTail;
    const p: Promise<void> = Promise.all([before, effect]).then(
      () => {
        if (this.isOpen || this.phase === 'closing') this.writeFrame('RECEIPT', { 'receipt-id': receipt });
      },
      (err: unknown) => this.fail(new StompError('Store failure', String(err)), receipt),
    );
    this.receiptTail = p;
    void p.finally(() => {
      if (this.receiptTail === p) this.receiptTail = null;
    });
  }

  /** CONNECTED: negotiate, start heart-beats. */
  accept(frame: Frame, user: string | undefined): void {
    if (this.phase !== 'connecting') return; // closed while the authenticate hook ran
    this.stopConnectTimer();
    const version = negotiateVersion(frame.headers['accept-version']);
    this.version = version;
    this.parser.version = version;
    this.user = user;
    this.session = this.ctx.nextSession();
    const [cx, cy] = parseHeartBeat(frame.headers['heart-beat']);
    const [sx, sy] = this.ctx.options.heartbeat;
    // The periods in effect (the max rule), as RabbitMQ answers them.
    const out = sx && cy ? Math.max(sx, cy) : 0;
    const expect = cx && sy ? Math.max(cx, sy) : 0;
    const headers: Record<string, string> = {
      server: this.ctx.options.serverName,
      session: this.session,
      'heart-beat': `${out},${expect}`,
      version,
    };
    if (user !== undefined) headers['user-name'] = user;
    this.phase = 'connected';
    this.writeFrame('CONNECTED', headers);
    this.startHeartbeats(out, expect);
  }

  /** DISCONNECT: receipt after pending receipts, then close. */
  disconnect(receipt: string | undefined): void {
    this.phase = 'closing';
    const finish = (): void => {
      if (receipt !== undefined) this.writeFrame('RECEIPT', { 'receipt-id': receipt });
      this.closeSink();
      this.teardown();
    };
    if (this.receiptTail) void this.receiptTail.then(finish, finish);
    else finish();
  }

  markConnecting(): void {
    this.phase = 'connecting';
  }

  get connected(): boolean {
    return this.phase === 'connected';
  }

  /** Send ERROR (with `receipt-id` when asked), then close (STOMP 1.2 §"ERROR"). */
  fail(err: unknown, receipt: string | undefined): void {
    if (this.phase === 'closed') return;
    const e = err instanceof StompError ? err : new StompError('Internal error', String(err));
    if (!(err instanceof StompError)) this.ctx.options.log(`internal error: ${String(err)}`);
    const headers: Record<string, string> = { message: e.message, ...e.headers, 'content-type': 'text/plain' };
    if (receipt !== undefined) headers['receipt-id'] = receipt;
    const bytes = encodeFrame('ERROR', headers, utf8(e.detail), this.version);
    this.ctx.counters.framesOut++;
    this.push(bytes);
    this.closeSink();
    this.teardown();
  }

  private onFrame(frame: Frame): void {
    this.ctx.counters.framesIn++;
    if (this.busy || this.inbox.length > 0) {
      this.inbox.push(frame);
      this.inboxBytes += frame.body.length + 64;
      if (this.inboxBytes > this.ctx.limits.maxPendingBytes) {
        this.fail(
          new StompError('Too many frames in flight', 'The client sent more than the broker holds while it waits for a hook'),
          frame.headers['receipt'],
        );
      }
      return;
    }
    this.run(frame);
    if (this.inbox.length > 0 && !this.busy) this.drain();
  }

  private drain(): void {
    while (!this.busy && this.inbox.length > 0 && this.isOpen) {
      const frame = this.inbox.shift() as Frame;
      this.inboxBytes -= frame.body.length + 64;
      this.run(frame);
    }
  }

  /** Handle one frame; an async step (auth hooks) holds later frames until it is done. */
  private run(frame: Frame): void {
    if (!this.isOpen && this.phase !== 'new') return;
    let pending: Promise<void> | void;
    const flow = this.ctx.flow;
    // What this frame fans out is written on this connection's behalf (flow.ts).
    const previous = flow.enter(this);
    try {
      pending = this.commands.handle(frame);
      if (frame.command === 'SEND') flow.hold(this);
    } catch (err) {
      this.fail(err, frame.headers['receipt']);
      return;
    } finally {
      flow.leave(previous);
    }
    if (pending) {
      this.busy = true;
      pending.then(
        () => {
          this.busy = false;
          this.drain();
        },
        (err: unknown) => {
          this.busy = false;
          this.fail(err, frame.headers['receipt']);
        },
      );
    }
  }

  private write(bytes: Uint8Array, frame: boolean): void {
    if (this.phase === 'closed') return;
    const limit = this.ctx.limits.maxPendingBytes;
    const backlog = this.sink.pendingBytes() + bytes.length;
    if (backlog > limit) {
      this.fail(
        new StompError('Slow consumer', `More than ${limit} bytes are waiting to be sent to this client; closing`),
        undefined,
      );
      return;
    }
    if (frame) this.ctx.counters.framesOut++;
    this.lastWritten = this.ctx.clock.now();
    this.push(bytes);
    this.ctx.flow.wrote(this, backlog);
  }

  pauseReading(): void {
    this.readingPaused = true;
    this.sink.pause?.();
  }

  resumeReading(): void {
    this.readingPaused = false;
    // Its silence was ours: the heart-beat clock starts again now.
    this.lastReceived = this.ctx.clock.now();
    this.sink.resume?.();
  }

  pendingBytes(): number {
    return this.sink.pendingBytes();
  }

  /** It lagged and then made no progress at all while publishers waited on it. */
  stalled(): void {
    const ms = this.ctx.limits.consumerStallMs;
    this.fail(new StompError('Slow consumer', `Stopped reading for over ${ms} ms while publishers waited; closing`), undefined);
  }

  /**
   * A host whose channel broke may throw from `write`: that ends this
   * connection only, never the publisher whose message was being fanned out.
   */
  private push(bytes: Uint8Array): void {
    try {
      this.sink.write(bytes);
    } catch (err) {
      this.closeSink();
      this.closed(`write failed: ${String(err)}`);
    }
  }

  private closeSink(): void {
    try {
      this.sink.close();
    } catch (err) {
      this.ctx.options.log(`sink.close failed: ${String(err)}`);
    }
  }

  /** STOMP 1.2 §"Heart-beating": `out` ms between our EOLs, `expect` ms promised by the client. */
  private startHeartbeats(out: number, expect: number): void {
    const clock = this.ctx.clock;
    if (out > 0) {
      // Tick at half the period so the gap between two writes never exceeds `out`.
      const half = Math.max(1, Math.floor(out / 2));
      this.timers.push(
        clock.setInterval(() => {
          if (clock.now() - this.lastWritten >= half) this.write(HEARTBEAT, false);
        }, half),
      );
    }
    if (expect > 0) {
      const allowed = expect * this.ctx.options.heartbeatGrace;
      this.timers.push(
        clock.setInterval(
          () => {
            if (!this.readingPaused && clock.now() - this.lastReceived > allowed) {
              this.fail(new StompError('Heart-beat timeout', `No data from the client for over ${allowed} ms`), undefined);
            }
          },
          Math.max(1, Math.floor(expect / 2)),
        ),
      );
    }
  }

  private stopConnectTimer(): void {
    if (this.connectTimer !== undefined) this.ctx.clock.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  /** Forget everything: discard transactions, give unacked messages back, stop timers. */
  private teardown(): void {
    this.phase = 'closed';
    this.stopConnectTimer();
    for (const t of this.timers) this.ctx.clock.clearInterval(t);
    this.timers = [];
    this.inbox = [];
    this.inboxBytes = 0;
    this.transactions.clear();
    for (const sub of this.subscriptions.values()) this.commands.detach(sub);
    this.subscriptions.clear();
    this.deliveries.clear();
    this.ctx.connections.delete(this);
  }
}
