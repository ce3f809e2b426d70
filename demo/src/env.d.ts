/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** A WebSocket URL of an external broker (RabbitMQ Web-STOMP); empty: the bundled one on this origin. */
  readonly VITE_STOMPKIT_URL?: string;
  /** A SockJS URL of that broker, if it serves one. */
  readonly VITE_STOMPKIT_SOCKJS_URL?: string;
  /** Passcode sent with the sign-in name as login. */
  readonly VITE_STOMPKIT_PASSCODE?: string;
  /** STOMP `host` header (a RabbitMQ virtual host); default `stompkit` for an external broker, empty for none. */
  readonly VITE_STOMPKIT_VHOST?: string;
}
