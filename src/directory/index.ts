/**
 * `stompkit/directory`: the room directory service (Node), the one principal
 * that declares chat room streams. Run it beside RabbitMQ
 * (`stompkit-directory`) or inside the dev broker (`--room-directory`).
 */
export { DEFAULT_DIRECTORY_LOGIN, startRoomDirectory, type RoomDirectory, type RoomDirectoryOptions } from './service.js';
