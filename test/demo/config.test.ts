import { readConfig, validateName } from '../../demo/src/config';

describe('readConfig', () => {
  test('without a broker URL the demo talks to the bundled broker on its own origin', () => {
    expect(readConfig({} as ImportMetaEnv, 'http://127.0.0.1:5173')).toEqual({
      endpoints: { websocket: 'ws://127.0.0.1:5173/ws', sockjs: 'http://127.0.0.1:5173/sockjs' },
      nodes: [],
      passcode: 'stompkit',
      host: undefined,
      bundled: true,
    });
  });

  test('https origins get wss', () => {
    expect(readConfig({} as ImportMetaEnv, 'https://chat.example.com').endpoints.websocket).toBe('wss://chat.example.com/ws');
  });

  test('VITE_STOMPKIT_URL points it at an external broker with the configured passcode and vhost', () => {
    const env = { VITE_STOMPKIT_URL: ' ws://127.0.0.1:15674/ws ', VITE_STOMPKIT_PASSCODE: 'secret', VITE_STOMPKIT_VHOST: '/' } as ImportMetaEnv;
    expect(readConfig(env, 'http://127.0.0.1:5173')).toEqual({
      endpoints: { websocket: 'ws://127.0.0.1:15674/ws' },
      nodes: [],
      passcode: 'secret',
      host: '/',
      bundled: false,
    });
  });

  test('an external broker defaults to the demo vhost `stompkit`; an empty one sends no host', () => {
    expect(readConfig({ VITE_STOMPKIT_URL: 'ws://h:1/ws' } as ImportMetaEnv, 'http://x').host).toBe('stompkit');
    expect(readConfig({ VITE_STOMPKIT_URL: 'ws://h:1/ws', VITE_STOMPKIT_VHOST: '' } as ImportMetaEnv, 'http://x').host).toBeUndefined();
  });

  test('an external SockJS URL is used when given', () => {
    const env = { VITE_STOMPKIT_URL: 'ws://h:1/ws', VITE_STOMPKIT_SOCKJS_URL: 'http://h:1/sockjs' } as ImportMetaEnv;
    expect(readConfig(env, 'http://x').endpoints).toEqual({ websocket: 'ws://h:1/ws', sockjs: 'http://h:1/sockjs' });
  });

  test('an empty VITE_STOMPKIT_URL means the bundled broker', () => {
    expect(readConfig({ VITE_STOMPKIT_URL: '' } as ImportMetaEnv, 'http://x').bundled).toBe(true);
  });
});

describe('validateName', () => {
  test.each(['alice', 'Ana Lima', 'نور', 'bo_chen-2', 'k.sato'])('accepts %s', (name) => {
    expect(validateName(name)).toBeNull();
  });

  test('refuses an empty name', () => {
    expect(validateName('   ')).toBe('Enter a name to sign in.');
  });

  test.each(['<script>', 'a'.repeat(33), '-dash-first', 'semi;colon', 'new\nline'])('refuses %j with a reason', (name) => {
    expect(validateName(name)).toMatch(/Use up to 32 letters/);
  });

  it('takes the comma-separated URLs of a cluster', () => {
    const env = { VITE_STOMPKIT_URL: 'ws://h:15691/ws, ws://h:15692/ws,ws://h:15693/ws' } as ImportMetaEnv;
    expect(readConfig(env, 'http://x')).toMatchObject({ endpoints: { websocket: 'ws://h:15691/ws' }, nodes: ['ws://h:15691/ws', 'ws://h:15692/ws', 'ws://h:15693/ws'] });
  });
});
