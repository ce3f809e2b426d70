// Request/reply over plain TCP against the real broker on port 0, the way
// RabbitMQ does it (see src/broker/engine/commands.ts): a SEND with
// `reply-to:/temp-queue/<name>` reaches the responder as
// `reply-to:/reply-queue/amq.gen-…`, and what the responder sends there comes
// back to the requester's session without a SUBSCRIBE.
import { createBroker, type Broker } from '../../../src/broker/index.js';
import { rawConnect, type RawStomp } from '../../support/raw-stomp.js';

let broker: Broker;
let port: number;
const peers: RawStomp[] = [];

beforeEach(async () => {
  broker = createBroker({ memory: true });
  port = (await broker.listen(0, '127.0.0.1')).port;
});

afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await broker.close();
});

async function connect(login: string): Promise<RawStomp> {
  const { peer } = await rawConnect(port, { login });
  peers.push(peer);
  return peer;
}

describe('/temp-queue/ replies over TCP', () => {
  it('routes a reply back to the requesting session only, and forgets the queue when that session ends', async () => {
    const responder = await connect('responder');
    responder.send('SUBSCRIBE', { id: 'req', destination: '/queue/rpc', 'auto-delete': 'true', durable: 'false', receipt: 's' });
    await responder.expect('RECEIPT');
    const bystander = await connect('bystander');
    const requester = await connect('requester');

    requester.send('SEND', { destination: '/queue/rpc', 'auto-delete': 'true', durable: 'false', 'reply-to': '/temp-queue/answers', receipt: 'q' }, 'what time is it?');
    await requester.expect('RECEIPT');
    const request = await responder.expect('MESSAGE');
    const replyTo = request.headers['reply-to'];
    expect(replyTo).toMatch(/^\/reply-queue\/amq\.gen-[A-Za-z0-9_-]{22}$/);

    responder.send('SEND', { destination: replyTo, 'correlation-id': '1', receipt: 'a' }, 'noon');
    await responder.expect('RECEIPT');
    const reply = await requester.expect('MESSAGE');
    expect(reply.body.toString()).toBe('noon');
    expect(reply.headers).toMatchObject({
      subscription: '/temp-queue/answers',
      destination: `/queue/${replyTo.slice('/reply-queue/'.length)}`,
      'correlation-id': '1',
    });
    expect(reply.headers['message-id']).toMatch(/^T_\/temp-queue\/answers@@/);

    // Nobody else saw it: a receipt on the bystander's connection comes with no MESSAGE before it.
    bystander.send('DISCONNECT', { receipt: 'bye' });
    await bystander.expect('RECEIPT');

    // The requester leaves: its temp queue is deleted and a late reply is dropped (RECEIPT, no ERROR).
    requester.send('DISCONNECT', { receipt: 'bye' });
    await requester.expect('RECEIPT');
    await requester.closed;
    expect(broker.stats().destinations.map((d) => d.destination)).toEqual(['/queue/rpc']);
    responder.send('SEND', { destination: replyTo, receipt: 'late' }, 'too late');
    expect((await responder.expect('RECEIPT')).headers['receipt-id']).toBe('late');
  });
});
