import { composerBlock } from '../../../src/chat/components/Composer';
import type { SessionState } from '../../../src/core/types';

const state = (patch: Partial<SessionState>): SessionState => ({
  status: 'connected',
  transport: 'websocket',
  attempt: 0,
  nextRetryAt: null,
  error: null,
  serverInfo: null,
  pending: 0,
  ...patch,
});

describe('composerBlock', () => {
  it('blocks only when sending cannot work, and says why', () => {
    expect(composerBlock(state({}), 'ana')).toBeNull();
    // Offline or reconnecting: sends queue in the outbox, so the composer stays usable.
    expect(composerBlock(state({ status: 'reconnecting' }), 'ana')).toBeNull();
    expect(composerBlock(state({ status: 'connecting' }), null)).toBeNull();
    expect(composerBlock(state({ status: 'closed', error: { kind: 'auth', message: 'bad login' } }), 'ana')).toMatch(/^Signed out/);
    expect(composerBlock(state({ status: 'closed' }), 'ana')).toMatch(/^Disconnected/);
    expect(composerBlock(state({}), null)).toMatch(/^Not signed in/);
  });
});
