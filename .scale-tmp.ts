import { rawStomp } from './test/support/raw-stomp.js';
const conn = async () => { const c = await rawStomp(61613); c.send('CONNECT', { 'accept-version': '1.2', host: 'scaletest', login: 'guest', passcode: 'guest', 'heart-beat': '0,0' }); await c.expect('CONNECTED'); return c; };
const decl = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false', ack: 'client', 'prefetch-count': '1', 'x-stream-offset': 'next' };
async function race(rounds: number, tag: string) {
  let a = await conn(), b = await conn(); let errors = 0; const t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const q = `race-${tag}-${i}-${Math.random().toString(36).slice(2, 8)}`;
    a.send('SUBSCRIBE', { id: 's' + i, destination: `/queue/${q}`, receipt: 'r' + i, ...decl }); const fa = await a.next(10000);
    if (fa.command !== 'RECEIPT') { console.log('A', fa.command, fa.headers.message); a = await conn(); continue; }
    a.send('UNSUBSCRIBE', { id: 's' + i });
    b.send('SUBSCRIBE', { id: 'b' + i, destination: `/amq/queue/${q}`, receipt: 'rb' + i, ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first' });
    b.send('SEND', { destination: `/amq/queue/${q}`, receipt: 'sb' + i }, 'hi');
    try { const f1 = await b.next(10000); const f2 = await b.next(10000); const f3 = await b.next(10000);
      const cmds = [f1, f2, f3].map((f) => f.command + (f.command === 'ERROR' ? `(${f.headers.message})` : ''));
      if (cmds.some((c) => c.startsWith('ERROR'))) { errors++; console.log('B', cmds.join(' ')); b = await conn(); }
      else b.send('UNSUBSCRIBE', { id: 'b' + i });
    } catch (e) { errors++; console.log('B timeout/close', String(e)); b = await conn(); }
  }
  console.log(`${tag}: ${rounds} rounds, ${errors} errors, ${Math.round((performance.now() - t0) / rounds)} ms/round`);
  a.end(); b.end();
}
async function fill(n: number) {
  const a = await conn(); const t0 = performance.now();
  for (let i = 0; i < n; i += 50) {
    for (let j = i; j < i + 50; j++) a.send('SUBSCRIBE', { id: 'f' + j, destination: `/queue/fill-${j}`, receipt: 'f' + j, ...decl });
    for (let j = i; j < i + 50; j++) { const f = await a.next(60000); if (f.command !== 'RECEIPT') throw new Error(f.headers.message); }
    for (let j = i; j < i + 50; j++) a.send('UNSUBSCRIBE', { id: 'f' + j });
    if ((i + 50) % 500 === 0) console.log(`filled ${i + 50}: ${Math.round((performance.now() - t0) / (i + 50))} ms/stream`);
  }
  a.end();
}
const mode = process.argv[2];
if (mode === 'race') await race(Number(process.argv[3]), process.argv[4] ?? 'x');
else await fill(Number(process.argv[3]));
process.exit(0);
