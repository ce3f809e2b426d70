import { optimizeDeps, resolveConfig } from 'vite';
import { demoServerConfig } from './demo-server';

/**
 * Pre-bundles the demo's dependencies once for each kind of demo server (with
 * the dev broker plugin, and pointed at an external broker), before the test
 * files start. Servers started side by side then all find a ready cache
 * instead of each bundling and swapping the same directory under the others.
 */
export default async function warmDemoDependencies(): Promise<void> {
  for (const options of [{ memory: true }, { brokerUrl: 'ws://127.0.0.1:1/ws' }]) {
    // `optimizeDeps` warns that calling it by hand is deprecated: the dev server
    // would do it, but only once a page asks, which is what this avoids.
    const config = await resolveConfig({ ...demoServerConfig(options), logLevel: 'error' }, 'serve');
    await optimizeDeps(config);
  }
}
