#!/usr/bin/env node
// `stompkit-directory`: the room directory service beside RabbitMQ (src/directory/cli.ts).
import { loadEntry } from './load-entry.js';

const { main } = await loadEntry('stompkit-directory', 'directory/cli.js', 'src/directory/cli.ts');
await main(process.argv.slice(2));
