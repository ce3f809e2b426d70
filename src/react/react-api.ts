/**
 * React as the hooks of this layer use it, imported in one place: bundlers
 * write one `import … from "react"` per importing module, and five of them
 * cost ~40 gzip bytes of the main chunk.
 */
export {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
export type { ReactNode } from 'react';
