import { defineConfig, type Options } from 'tsup';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

// One build per entry point of the map. React entries keep 'use client' so
// server-component frameworks treat them as client modules. Everything in
// `dependencies`/`peerDependencies` stays external; SockJS is reached only by
// a dynamic import in core, so it is its own chunk.
const shared: Options = {
  format: ['esm'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
  clean: false,
};

// Browser entries share one build (and so one copy of core and one React
// context). Bundlers drop module-level directives (Rollup's tree-shaking pass
// warns and removes a banner too), so 'use client' is put back at the top of
// the React entry files after the build; their source maps shift by one line.
// The chat kit adds 'chat/index': 'src/chat/index.ts' to this block.
const clientEntries = ['dist/react/index.js', 'dist/chat/index.js'];
const useClient = async (): Promise<void> => {
  for (const file of clientEntries.filter((f) => existsSync(f))) {
    const code = readFileSync(file, 'utf8');
    if (code.startsWith("'use client';")) continue;
    writeFileSync(file, `'use client';\n${code}`);
    if (existsSync(`${file}.map`)) {
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { mappings: string };
      map.mappings = `;${map.mappings}`;
      writeFileSync(`${file}.map`, JSON.stringify(map));
    }
  }
};

// `stompkit/styles.css`: the chat theme ships as one plain stylesheet (no CSS
// modules, no bundler needed to read it): the source's `@import`ed parts are
// inlined in their order.
const copyStyles = (): void => {
  mkdirSync('dist', { recursive: true });
  const css = readFileSync('src/chat/styles.css', 'utf8').replace(/^@import '\.\/(styles\/[\w-]+\.css)';$/gm, (_line, part: string) =>
    readFileSync(`src/chat/${part}`, 'utf8').trimEnd(),
  );
  if (css.includes('@import')) throw new Error('styles.css: an @import was not inlined');
  writeFileSync('dist/styles.css', css);
};

export default defineConfig([
  {
    ...shared,
    entry: {
      'core/index': 'src/core/index.ts',
      'react/index': 'src/react/index.ts',
      'testing/index': 'src/testing/index.ts',
      'chat/index': 'src/chat/index.ts',
      'chat/upload': 'src/chat/upload.ts',
      'chat/room-directory': 'src/chat/room-directory.ts',
    },
    platform: 'browser',
    onSuccess: async () => {
      await useClient();
      copyStyles();
    },
  },
  {
    ...shared,
    entry: {
      'broker/index': 'src/broker/index.ts',
      'broker/cli': 'src/broker/node/cli.ts',
      'directory/index': 'src/directory/index.ts',
      'directory/cli': 'src/directory/cli.ts',
    },
    platform: 'node',
  },
]);
