import { defineConfig } from 'vite';
import { demoViteConfig } from './vite-config.js';

// `npm run demo` (scripts/demo.mjs) builds its config from vite-config.ts
// directly; this file lets `npx vite demo` work too. STOMPKIT_URL or
// VITE_STOMPKIT_URL point the demo at an external broker such as RabbitMQ;
// the room directory service then runs beside it (login `directory`,
// STOMPKIT_DIRECTORY_PASSCODE, default the demo passcode).
export default defineConfig(
  demoViteConfig({
    brokerUrl: process.env.VITE_STOMPKIT_URL || process.env.STOMPKIT_URL || undefined,
    sockjsUrl: process.env.VITE_STOMPKIT_SOCKJS_URL || undefined,
    passcode: process.env.VITE_STOMPKIT_PASSCODE || process.env.STOMPKIT_PASSCODE || undefined,
    vhost: process.env.VITE_STOMPKIT_VHOST || process.env.STOMPKIT_VHOST || undefined,
    // With an external broker, the room directory service runs beside it unless STOMPKIT_ROOM_DIRECTORY=off.
    ...(process.env.STOMPKIT_ROOM_DIRECTORY !== 'off' && {
      roomDirectory: { passcode: process.env.STOMPKIT_DIRECTORY_PASSCODE || process.env.VITE_STOMPKIT_PASSCODE || process.env.STOMPKIT_PASSCODE || 'stompkit' },
    }),
  }),
);
