#!/usr/bin/env node
// `npm run demo`: the demo app on Vite's dev server with the dev broker
// mounted on the same origin (STOMP over WebSocket at /ws, SockJS at /sockjs).
//
//   npm run demo                                  # http://127.0.0.1:5173
//   npm run demo -- --port 8080
//   npm run demo -- --broker-url ws://127.0.0.1:15674/ws [--passcode stompkit]
//   STOMPKIT_URL=ws://127.0.0.1:15674/ws npm run demo   # the same, RabbitMQ
//   STOMPKIT_URL=$(scripts/rabbitmq-cluster urls) npm run demo   # a cluster: comma-separated URLs, failed over between
//   npm run demo -- --broker-url ws://127.0.0.1:15674/ws --vhost stompkit   # or STOMPKIT_VHOST=stompkit
//     (scripts/rabbitmq-setup puts the demo users alice, bob, ... in the `stompkit` vhost)
//
// With a broker URL the bundled broker is not started; the app signs in to
// that broker with the sign-in name as login and the passcode, and the room
// directory service runs beside it (login `directory`, passcode
// STOMPKIT_DIRECTORY_PASSCODE or the demo's; STOMPKIT_ROOM_DIRECTORY=off if
// you run your own), since the demo users may not declare rooms.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const usage = `usage: npm run demo -- [--port <n>] [--host <addr>] [--broker-url <ws-url>] [--sockjs-url <url>] [--passcode <p>] [--vhost <v>]`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'broker-url': { type: 'string' },
      'sockjs-url': { type: 'string' },
      passcode: { type: 'string' },
      vhost: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  console.error(`demo: ${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

let port;
if (values.port !== undefined) {
  port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo: --port must be an integer from 0 to 65535, got "${values.port}"\n${usage}`);
    process.exit(2);
  }
}

const brokerUrl = values['broker-url'] ?? process.env.STOMPKIT_URL ?? process.env.VITE_STOMPKIT_URL;
if (brokerUrl !== undefined && !brokerUrl.split(',').every((url) => /^wss?:\/\//.test(url.trim()))) {
  console.error(`demo: each broker URL (comma-separated) must start with ws:// or wss://, got "${brokerUrl}"`);
  process.exit(2);
}
// The demo's vite.config.ts reads these; the flags win over the environment.
if (brokerUrl) process.env.VITE_STOMPKIT_URL = brokerUrl;
if (values['sockjs-url']) process.env.VITE_STOMPKIT_SOCKJS_URL = values['sockjs-url'];
if (values.passcode !== undefined) process.env.VITE_STOMPKIT_PASSCODE = values.passcode;
const vhost = values.vhost ?? process.env.STOMPKIT_VHOST;
if (vhost !== undefined) process.env.VITE_STOMPKIT_VHOST = vhost;

const configFile = fileURLToPath(new URL('../demo/vite.config.ts', import.meta.url));
const server = await createServer({
  configFile,
  logLevel: 'info',
  server: {
    ...(port !== undefined ? { port, strictPort: true } : {}),
    ...(values.host ? { host: values.host } : {}),
  },
});
try {
  await server.listen();
} catch (error) {
  console.error(`demo: could not start: ${error.message}`);
  process.exit(1);
}

const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
console.log('');
console.log(`  stompkit demo   ${url}`);
console.log(brokerUrl ? `  broker          ${brokerUrl} (external)` : `  broker          bundled: ${url.replace(/^http/, 'ws')}ws and ${url}sockjs`);
console.log('  Open it in two windows and chat. Ctrl+C stops.');
console.log('');

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
