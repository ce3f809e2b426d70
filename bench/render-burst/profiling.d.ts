// `react-dom/profiling` is `react-dom/client` built for production with the
// Profiler kept; @types/react-dom has no entry for it, so borrow the client's types.
declare module 'react-dom/profiling' {
  export { createRoot, hydrateRoot } from 'react-dom/client';
}
