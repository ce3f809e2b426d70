import { memoryStorage } from '../../src/core/storage.js';
import { ALL_TRANSPORTS, createTransportMemory, planTransports, resolveEndpoints, socketOpener } from '../../src/core/transports.js';

const json = (body: unknown, status = 200) => async () => ({ ok: status < 300, status, json: async () => body });

describe('resolveEndpoints', () => {
  it('takes ws(s) URLs and Endpoints objects as they are', async () => {
    await expect(resolveEndpoints('wss://h/ws')).resolves.toEqual([{ websocket: 'wss://h/ws' }]);
    await expect(resolveEndpoints({ sockjs: 'http://h/sockjs' })).resolves.toEqual([{ sockjs: 'http://h/sockjs' }]);
  });

  it('reads /stompkit.json of an http origin and resolves relative paths', async () => {
    const fetch = vi.fn(json({ websocket: '/ws', sockjs: '/sockjs', heartbeat: [10000, 10000] }));
    await expect(resolveEndpoints('https://chat.example.com/app/', fetch)).resolves.toEqual([
      {
        websocket: 'wss://chat.example.com/ws',
        sockjs: 'https://chat.example.com/sockjs',
      },
    ]);
    expect(fetch).toHaveBeenCalledWith('https://chat.example.com/stompkit.json');
  });

  it('reads the stompkit broker manifest (endpoints nested, served SockJS transports)', async () => {
    const manifest = { endpoints: { websocket: 'ws://h:1/ws', sockjs: null }, sockjsTransports: [] };
    await expect(resolveEndpoints('http://h:1', json(manifest))).resolves.toEqual([{ websocket: 'ws://h:1/ws' }]);
    const polling = { endpoints: { websocket: null, sockjs: 'http://h:1/sockjs' }, sockjsTransports: ['websocket', 'xhr-polling'] };
    const [endpoints] = await resolveEndpoints('http://h:1', json(polling));
    expect(endpoints).toEqual({ sockjs: 'http://h:1/sockjs', sockjsTransports: ['xhr-polling'] });
    expect(planTransports(ALL_TRANSPORTS, endpoints!, null, 0, 1)).toEqual(['xhr-polling']);
  });

  it('takes a list of endpoints (a cluster), in order', async () => {
    const fetch = json({ websocket: '/ws' });
    await expect(resolveEndpoints(['ws://a/ws', { websocket: 'ws://b/ws' }, 'http://c'], fetch)).resolves.toEqual([
      { websocket: 'ws://a/ws' },
      { websocket: 'ws://b/ws' },
      { websocket: 'ws://c/ws' },
    ]);
  });

  it('reads a manifest that lists several nodes', async () => {
    const manifest = { endpoints: [{ websocket: 'ws://n1/ws' }, { websocket: 'ws://n2/ws', sockjs: '' }, {}] };
    await expect(resolveEndpoints('http://h', json(manifest))).resolves.toEqual([{ websocket: 'ws://n1/ws' }, { websocket: 'ws://n2/ws' }]);
  });

  it('leaves out an origin whose manifest cannot be read while another endpoint is there', async () => {
    const down = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(resolveEndpoints(['http://down', 'ws://up/ws'], down)).resolves.toEqual([{ websocket: 'ws://up/ws' }]);
    await expect(resolveEndpoints(['http://down'], down)).rejects.toThrow('url: cannot read http://down/stompkit.json: Failed to fetch');
  });

  it('explains what is wrong', async () => {
    await expect(resolveEndpoints([])).rejects.toThrow(/list of endpoints is empty/);
    await expect(resolveEndpoints(['ws://a/ws', 'not a url'])).rejects.toThrow(/not an absolute URL/);
    await expect(resolveEndpoints('not a url')).rejects.toThrow(/not an absolute URL/);
    await expect(resolveEndpoints('memory://x')).rejects.toThrow(/unsupported scheme "memory:"/);
    await expect(resolveEndpoints('memory://x', undefined, true)).resolves.toEqual([{ websocket: 'memory://x' }]);
    await expect(resolveEndpoints({})).rejects.toThrow(/needs `websocket` or `sockjs`/);
    await expect(resolveEndpoints('http://h', json({}, 404))).rejects.toThrow(/stompkit.json answered 404/);
    await expect(resolveEndpoints('http://h', json({ other: 1 }))).rejects.toThrow(/lists neither/);
  });

  it('an unreachable origin (offline) is a retryable Error, not the TypeError of a malformed url', async () => {
    const offline = () => Promise.reject(new TypeError('Failed to fetch'));
    const failure = await resolveEndpoints('http://h', offline).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(TypeError);
    expect((failure as Error).message).toBe('url: cannot read http://h/stompkit.json: Failed to fetch');
  });
});

describe('planTransports', () => {
  const both = { websocket: 'ws://h/ws', sockjs: 'http://h/sockjs' };

  it('offers only transports whose endpoint exists', () => {
    expect(planTransports(ALL_TRANSPORTS, both, null, 0, 1000)).toEqual([...ALL_TRANSPORTS]);
    expect(planTransports(ALL_TRANSPORTS, { websocket: 'ws://h' }, null, 0, 1000)).toEqual(['websocket']);
    expect(planTransports(ALL_TRANSPORTS, { sockjs: 'http://h' }, null, 0, 1000)).toEqual(['xhr-streaming', 'eventsource', 'xhr-polling']);
    expect(planTransports(['xhr-polling', 'websocket'], both, null, 0, 1000)).toEqual(['xhr-polling', 'websocket']);
  });

  it('starts at the remembered winner, and at WebSocket again once it is old', () => {
    const remembered = { transport: 'xhr-polling' as const, at: 10_000 };
    expect(planTransports(ALL_TRANSPORTS, both, remembered, 10_500, 1000)).toEqual(['xhr-polling', 'websocket', 'xhr-streaming', 'eventsource']);
    expect(planTransports(ALL_TRANSPORTS, both, remembered, 11_000, 1000)).toEqual([...ALL_TRANSPORTS]);
  });
});

describe('TransportMemory', () => {
  it('remembers per URL in the adapter when there is no sessionStorage', () => {
    const storage = memoryStorage();
    const memory = createTransportMemory(storage, 'sk');
    memory.set('ws://a', { transport: 'eventsource', at: 5 });
    expect(createTransportMemory(storage, 'sk').get('ws://a')).toEqual({ transport: 'eventsource', at: 5 });
    expect(memory.get('ws://b')).toBeNull();
    storage.setItem('sk:transport:ws://c', '{"transport":"pigeon","at":1}');
    expect(memory.get('ws://c')).toBeNull();
  });

  it('prefers sessionStorage (per tab) when the environment has one', () => {
    const tab = memoryStorage();
    vi.stubGlobal('sessionStorage', tab);
    try {
      const adapter = memoryStorage();
      createTransportMemory(adapter, 'sk').set('ws://a', { transport: 'websocket', at: 1 });
      expect(tab.getItem('sk:transport:ws://a')).not.toBeNull();
      expect(adapter.getItem('sk:transport:ws://a')).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('socketOpener', () => {
  it('says how to get a WebSocket where there is none', async () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      await expect(socketOpener('websocket', { websocket: 'ws://h' })).rejects.toThrow(/pass `socketFactory`/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('refuses transports without their endpoint', async () => {
    await expect(socketOpener('xhr-polling', { websocket: 'ws://h' })).rejects.toThrow(/no sockjs endpoint/);
    await expect(socketOpener('websocket', { sockjs: 'http://h' })).rejects.toThrow(/no websocket endpoint/);
  });
});

describe('lazy SockJS', () => {
  it('bundles SockJS into its own chunk, never into the entry', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: ['src/core/index.ts'],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      outdir: 'out',
      write: false,
      metafile: true,
      external: ['@stomp/stompjs'],
      logLevel: 'silent',
    });
    const outputs = Object.entries(result.metafile.outputs);
    const fromSockJS = (inputs: Record<string, unknown>) => Object.keys(inputs).filter((p) => p.includes('node_modules/sockjs-client/'));
    const entry = outputs.find(([, o]) => o.entryPoint === 'src/core/index.ts');
    expect(entry).toBeDefined();
    expect(fromSockJS(entry![1].inputs)).toEqual([]);
    expect(entry![1].imports.some((i) => i.kind === 'dynamic-import')).toBe(true);
    const lazy = outputs.filter(([, o]) => fromSockJS(o.inputs).length > 0);
    expect(lazy.length).toBeGreaterThan(0);
  });
});
