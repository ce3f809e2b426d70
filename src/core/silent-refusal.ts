/**
 * Frames a broker refuses by closing the connection without an ERROR frame.
 *
 * STOMP 1.2 §"ERROR": a server that refuses a frame sends ERROR (naming the
 * frame's `receipt`) and then closes. RabbitMQ's Web-STOMP closes the
 * WebSocket cleanly (code 1000, "STOMP died") but its ERROR never reaches the
 * client (rabbitmq/rabbitmq-server#6737; STOMP over TCP does send it). A
 * refused SUBSCRIBE or SEND then looks like a dropped connection, and when
 * the session restores or resends it, it kills the next connection too: a
 * reconnect loop that never settles (observed: ~25 connections a second).
 *
 * Brokers answer frames in order, and every SUBSCRIBE and SEND the session
 * writes asks for a receipt, so the frame a connection died on is the oldest
 * one still waiting for its RECEIPT. When the same frame is that suspect on
 * `threshold` consecutive clean closes, it is treated as refused, exactly as
 * if the ERROR had arrived. An outage does not look like this: the frame is
 * answered after the reconnect, and a crashed or restarting broker closes
 * abnormally (1006) or as "going away" (1001).
 *
 * Wiring: Connection records the `receipt` of every frame it writes, forgets
 * it on its RECEIPT or ERROR, and keeps the socket's close code; the
 * session's `onDropped` calls `dropped(connection.closeCode,
 * connection.oldestUnanswered)` before it loses the pending receipts and
 * handles a returned id as an ERROR naming that receipt.
 */

/** Clean WebSocket close (RFC 6455 §7.4.1): what RabbitMQ's refusal looks like. */
const NORMAL_CLOSURE = 1000;

/** Counts clean closes per suspect frame; made by {@link createSilentRefusals}. */
export interface SilentRefusals {
  /**
   * A connection that had reached CONNECTED ended. Returns the receipt id of
   * the frame to treat as refused, or null.
   */
  dropped(closeCode: number | undefined, oldestUnanswered: string | undefined): string | null;
}

export function createSilentRefusals(threshold = 3): SilentRefusals {
  let suspect: string | null = null;
  let count = 0;
  return {
    dropped(closeCode, oldestUnanswered) {
      const key = closeCode === NORMAL_CLOSURE && oldestUnanswered !== undefined ? frameKey(oldestUnanswered) : null;
      if (key === null || key !== suspect) {
        suspect = key;
        count = key === null ? 0 : 1;
      } else {
        count++;
      }
      if (key === null || count < threshold) return null;
      suspect = null;
      count = 0;
      return oldestUnanswered!;
    },
  };
}

/** The same frame across attempts: the outbox numbers its receipts `send:<id>:<attempt>`. */
function frameKey(receiptId: string): string {
  return receiptId.startsWith('send:') ? receiptId.replace(/:\d+$/, '') : receiptId;
}
