/**
 * The ceiling for the fan-out benchmark: a bare `ws` server that knows just
 * enough STOMP to be driven by @stomp/stompjs. It answers CONNECT, remembers
 * SUBSCRIBE ids, and forwards each SEND to every subscriber as a MESSAGE.
 * No routing, no parsing beyond the command and two headers, no limits: what
 * any broker on `ws` costs at least. Prints `PORT <n>` when listening.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, handleProtocols: () => 'v12.stomp' });
const subscribers = new Map<WebSocket, string>();
let counter = 0;

function header(frame: string, name: string): string | undefined {
  const m = new RegExp(`\\n${name}:([^\\n]*)`).exec(frame);
  return m?.[1];
}

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const frame = data.toString('utf8');
    const command = frame.slice(0, frame.indexOf('\n'));
    if (command === 'CONNECT' || command === 'STOMP') {
      ws.send('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0');
    } else if (command === 'SUBSCRIBE') {
      subscribers.set(ws, header(frame, 'id') ?? '0');
      const receipt = header(frame, 'receipt');
      if (receipt) ws.send(`RECEIPT\nreceipt-id:${receipt}\n\n\0`);
    } else if (command === 'SEND') {
      const destination = header(frame, 'destination') ?? '';
      const bodyStart = frame.indexOf('\n\n') + 2;
      const body = frame.slice(bodyStart, frame.lastIndexOf('\0'));
      const id = ++counter;
      for (const [peer, sub] of subscribers) {
        peer.send(`MESSAGE\ndestination:${destination}\nmessage-id:${id}\nsubscription:${sub}\ncontent-length:${Buffer.byteLength(body)}\n\n${body}\0`);
      }
    } else if (command === 'DISCONNECT') {
      const receipt = header(frame, 'receipt');
      if (receipt) ws.send(`RECEIPT\nreceipt-id:${receipt}\n\n\0`);
      ws.close();
    }
  });
  ws.on('close', () => subscribers.delete(ws));
});

wss.on('listening', () => {
  const address = wss.address();
  if (address !== null && typeof address === 'object') process.stdout.write(`PORT ${address.port}\n`);
});
