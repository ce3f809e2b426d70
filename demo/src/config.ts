import type { Endpoints } from 'stompkit/core';

/**
 * Where the demo connects. By default the dev broker the Vite plugin mounts
 * on this same origin (`/ws` and `/sockjs`); with `VITE_STOMPKIT_URL` (set by
 * `npm run demo -- --broker-url …` or `STOMPKIT_URL=…`) an external broker
 * such as RabbitMQ's Web-STOMP, where the sign-in name is the login; several
 * comma-separated URLs are the nodes of a cluster, failed over between.
 */
export interface DemoConfig {
  endpoints: Endpoints;
  /** The WebSocket URLs of a cluster's nodes (more than one), else empty. */
  nodes: string[];
  passcode: string;
  host: string | undefined;
  /** True when talking to the bundled dev broker. */
  bundled: boolean;
  /** The room directory service's login, when one declares the rooms (chat goes through `withRoomDirectory`). */
  directory: string | undefined;
}

export function readConfig(env: ImportMetaEnv = import.meta.env, origin: string = window.location.origin): DemoConfig {
  const external = env.VITE_STOMPKIT_URL?.trim();
  if (external) {
    const nodes = external.split(',').map((url) => url.trim()).filter(Boolean);
    const sockjs = env.VITE_STOMPKIT_SOCKJS_URL?.trim();
    // `scripts/rabbitmq-setup` puts the demo users in the `stompkit` vhost, so
    // that is the default here; an empty VITE_STOMPKIT_VHOST sends no host header.
    const vhost = env.VITE_STOMPKIT_VHOST === undefined ? 'stompkit' : env.VITE_STOMPKIT_VHOST.trim();
    return {
      endpoints: sockjs ? { websocket: nodes[0]!, sockjs } : { websocket: nodes[0]! },
      nodes: nodes.length > 1 ? nodes : [],
      passcode: env.VITE_STOMPKIT_PASSCODE ?? 'stompkit',
      host: vhost || undefined,
      bundled: false,
      directory: env.VITE_STOMPKIT_DIRECTORY?.trim() || undefined,
    };
  }
  const ws = origin.replace(/^http/, 'ws');
  return {
    endpoints: { websocket: `${ws}/ws`, sockjs: `${origin}/sockjs` },
    nodes: [],
    passcode: env.VITE_STOMPKIT_PASSCODE ?? 'stompkit',
    host: env.VITE_STOMPKIT_VHOST?.trim() || undefined,
    bundled: true,
    directory: undefined,
  };
}

/** Names become STOMP logins and user ids: keep them short and plain. */
export const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,31}$/u;

export function validateName(raw: string): string | null {
  const name = raw.trim();
  if (!name) return 'Enter a name to sign in.';
  if (!NAME_PATTERN.test(name)) return 'Use up to 32 letters, digits, spaces, dots, dashes or underscores.';
  return null;
}
