#!/usr/bin/env node
// `stompkit-broker`: the dev broker (src/broker/node/cli.ts).
import { loadEntry } from './load-entry.js';

process.env.STOMPKIT_BROKER_CLI = '1';
await loadEntry('stompkit-broker', 'broker/cli.js', 'src/broker/node/cli.ts');
