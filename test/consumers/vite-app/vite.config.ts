import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// sockjs-client (the lazy fallback chunk) reads `global`.
export default defineConfig({ plugins: [react()], define: { global: 'globalThis' }, logLevel: 'warn' });
