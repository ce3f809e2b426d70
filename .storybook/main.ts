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
  },
  viteFinal: async (viteConfig) => ({
    ...viteConfig,
    // sockjs-client reads `global`, which browsers do not have.
    define: { ...viteConfig.define, global: 'globalThis' },
  }),
};

export default config;
