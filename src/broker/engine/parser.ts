/**
 * Streaming STOMP frame parser (STOMP 1.2 §"STOMP Frames", §"Augmented BNF").
 *
 * Fed arbitrary chunks: a frame may be split across many chunks and a chunk
 * may hold many frames. EOLs between frames are heart-beats (§"Heart-beating").
 * Limits are checked while bytes arrive, so an oversize frame is refused as
 * soon as it is known to be too big, never buffered whole.
 */
import { type Frame, type StompVersion, StompError, escapesHeaders, text, unescapeHeader } from './frame.js';

export interface ParserLimits {
  maxFrameSize: number;
  maxHeaders: number;
  maxHeaderLength: number;
}

const LF = 10;
const CR = 13;
const NUL = 0;

const enum State {
  Idle,
  Head,
  BodyLength,
  Trailer,
  BodyScan,
}

/** A growable byte buffer; bounded by the limits the parser enforces before appending. */
class Bytes {
  private buf = new Uint8Array(256);
  length = 0;
  append(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(src.subarray(start, end), this.length);
    this.length += n;
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
  clear(): void {
    this.length = 0;
  }
}

export class FrameParser {
  /** Negotiated version; decides header unescaping. Frames before CONNECTED are CONNECT/STOMP (never escaped). */
  version: StompVersion = '1.2';
  private state = State.Idle;
  private readonly line = new Bytes();
  private readonly scanned = new Bytes();
  private command = '';
  private headers: Record<string, string> = {};
  private headerCount = 0;
  private frameBytes = 0;
  private body: Uint8Array = new Uint8Array(0);
  private bodyFilled = 0;

  constructor(
    private readonly limits: ParserLimits,
    private readonly onFrame: (frame: Frame) => void,
    private readonly onHeartbeat: () => void = () => {},
  ) {}

  /** The `receipt` header of the frame being parsed, if already read (for the ERROR of a bad frame). */
  get partialReceipt(): string | undefined {
    return this.state === State.Idle ? undefined : this.headers['receipt'];
  }

  /** Feed bytes. Throws {@link StompError} on a malformed or over-limit frame; the parser is then unusable. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Idle: {
          const b = chunk[i];
          if (b === LF) {
            this.onHeartbeat();
            i++;
          } else if (b === CR) {
            i++; // the LF that follows completes the heart-beat EOL
          } else {
            this.startFrame();
            this.state = State.Head;
          }
          break;
        }
        case State.Head:
          i = this.readHead(chunk, i);
          break;
        case State.BodyLength: {
          const take = Math.min(this.body.length - this.bodyFilled, n - i);
          this.body.set(chunk.subarray(i, i + take), this.bodyFilled);
          this.bodyFilled += take;
          i += take;
          if (this.bodyFilled === this.body.length) this.state = State.Trailer;
          break;
        }
        case State.Trailer:
          if (chunk[i] !== NUL) {
            throw new StompError('Malformed frame', 'Expected NUL after a body of content-length bytes');
          }
          i++;
          this.emit(this.body);
          break;
        case State.BodyScan: {
          const end = chunk.indexOf(NUL, i);
          const stop = end < 0 ? n : end;
          this.grow(stop - i);
          if (end < 0) {
            this.scanned.append(chunk, i, n);
            i = n;
          } else {
            let body: Uint8Array;
            // Copy: Node's Buffer#slice is a view, and a kept body must not pin the host's read buffer.
            if (this.scanned.length === 0) body = Uint8Array.prototype.slice.call(chunk, i, end);
            else {
              this.scanned.append(chunk, i, end);
              body = this.scanned.take();
            }
            i = end + 1;
            this.emit(body);
          }
          break;
        }
      }
    }
  }

  private startFrame(): void {
    this.command = '';
    this.headers = {};
    this.headerCount = 0;
    this.frameBytes = 0;
    this.line.clear();
    this.scanned.clear();
  }

  private grow(bytes: number): void {
    this.frameBytes += bytes;
    if (this.frameBytes > this.limits.maxFrameSize) {
      throw new StompError('Frame too large', `Frame exceeds the limit of ${this.limits.maxFrameSize} bytes`);
    }
  }

  /** Consume header-section bytes from `i`; returns the next index. */
  private readHead(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    while (i < n && this.state === State.Head) {
      const nl = chunk.indexOf(LF, i);
      const stop = nl < 0 ? n : nl;
      const lineLength = this.line.length + (stop - i);
      // +1 allows the CR of a CRLF line end.
      if (lineLength > this.limits.maxHeaderLength + 1) {
        throw new StompError('Header too long', `A header line exceeds the limit of ${this.limits.maxHeaderLength} bytes`);
      }
      this.grow(stop - i + (nl < 0 ? 0 : 1));
      if (nl < 0) {
        this.line.append(chunk, i, n);
        return n;
      }
      let bytes: Uint8Array;
      if (this.line.length === 0) bytes = chunk.subarray(i, nl);
      else {
        this.line.append(chunk, i, nl);
        bytes = this.line.view();
      }
      const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
      const content = text(bytes.subarray(0, end));
      this.line.clear();
      this.handleLine(content);
      i = nl + 1;
    }
    return i;
  }

  private handleLine(line: string): void {
    if (this.command === '') {
      this.command = line;
      return;
    }
    if (line === '') {
      this.endOfHeaders();
      return;
    }
    if (++this.headerCount > this.limits.maxHeaders) {
      throw new StompError('Too many headers', `A frame may carry at most ${this.limits.maxHeaders} headers`);
    }
    const colon = line.indexOf(':');
    if (colon < 0) throw new StompError('Malformed frame', `Header line without a colon: "${line}"`);
    const escaped = escapesHeaders(this.command, this.version);
    const rawName = line.slice(0, colon);
    const rawValue = line.slice(colon + 1);
    const name = escaped ? unescapeHeader(rawName, this.version) : rawName;
    const value = escaped ? unescapeHeader(rawValue, this.version) : rawValue;
    // STOMP 1.2 §"Repeated Header Entries": only the first entry counts.
    if (!Object.prototype.hasOwnProperty.call(this.headers, name)) this.headers[name] = value;
  }

  private endOfHeaders(): void {
    const cl = this.headers['content-length'];
    if (cl === undefined) {
      this.state = State.BodyScan;
      return;
    }
    if (!/^\d{1,15}$/.test(cl)) throw new StompError('Malformed frame', `Invalid content-length "${cl}"`);
    const length = Number(cl);
    // Refuse now, before a single body byte is buffered.
    this.grow(length);
    this.body = new Uint8Array(length);
    this.bodyFilled = 0;
    this.state = length === 0 ? State.Trailer : State.BodyLength;
  }

  private emit(body: Uint8Array): void {
    const frame: Frame = { command: this.command, headers: this.headers, body };
    this.state = State.Idle;
    this.headers = {};
    this.onFrame(frame);
  }
}
