import type { StorybookConfig } from '@storybook/react-vite';

// Storybook on the React/Vite framework. Stories run on the memory broker of
// `stompkit/testing`: no server, no sockets. Telemetry is off so `storybook`
// and `build-storybook` work offline.
const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: {
    // Docs pages take prop tables and descriptions from the components' TSDoc.
    reactDocgen: 'react-docgen-typescript',
    // Only the components have prop tables (not Storybook's own preview file).
    reactDocgenTypescriptOptions: { include: ['src/**/*.tsx'] },
  },
  viteFinal: async (viteConfig) => ({
    ...viteConfig,
    // sockjs-client reads `global`, which browsers do not have.
    define: { ...viteConfig.define, global: 'globalThis' },
    build: {
      ...viteConfig.build,
      // Storybook's own runtime is one large chunk by design (a static dev tool, not an app).
      chunkSizeWarningLimit: 4096,
      rolldownOptions: {
        ...viteConfig.build?.rolldownOptions,
        onwarn(warning, warn) {
          // 'use client' is meant for React Server Component frameworks; a browser bundle drops it, as it should.
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && /use client/.test(warning.message)) return;
          // A note on how long plugins took, not a problem with the build.
          if (warning.code === 'PLUGIN_TIMINGS') return;
          warn(warning);
        },
      },
    },
  }),
};

export default config;
