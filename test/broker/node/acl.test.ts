import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aclAuthorizer, parseAcl } from '../../../src/broker/node/acl.js';

const chatAcl = parseAcl(JSON.parse(readFileSync(join(__dirname, '../../../docs/chat-acl.json'), 'utf8')), 'docs/chat-acl.json');

describe('parseAcl', () => {
  it('refuses a malformed file with the entry named', () => {
    expect(() => parseAcl([], 'acl.json')).toThrow(/acl.json: expected a JSON object/);
    expect(() => parseAcl({ alice: { read: '.*', write: '.*' } })).toThrow(/alice.configure must be a regular expression string/);
    expect(() => parseAcl({ alice: { read: '(', write: '', configure: '' } })).toThrow(/alice.read: .*Invalid regular expression/);
  });
});

describe('aclAuthorizer', () => {
  it('maps SUBSCRIBE to read, SEND to write, declaring to configure, with {login} escaped', () => {
    const allow = aclAuthorizer(parseAcl({ 'a.b': { configure: '^/queue/own\\.{login}$', write: '^/topic/x$', read: '^/queue/own\\.{login}$' } }));
    expect(allow('a.b', 'subscribe', '/queue/own.a.b')).toBe(true);
    expect(allow('a.b', 'subscribe', '/queue/own.aXb')).toBe(false); // the dot is literal
    expect(allow('a.b', 'configure', '/queue/own.a.b')).toBe(true);
    expect(allow('a.b', 'send', '/topic/x')).toBe(true);
    expect(allow('a.b', 'send', '/queue/own.a.b')).toBe(false);
  });

  it('gives a user missing from the file nothing, unless there is a "*" entry', () => {
    const allow = aclAuthorizer(parseAcl({ alice: { configure: '.*', write: '.*', read: '.*' } }));
    expect(allow('alice', 'send', '/topic/a')).toBe(true);
    expect(allow('mallory', 'send', '/topic/a')).toBe(false);
    expect(allow('constructor', 'send', '/topic/a')).toBe(false); // no prototype keys
  });

  it('the documented chat ACL: rooms for everyone, declared only by the room directory; private queues for their owner; no wildcard reads', () => {
    const allow = aclAuthorizer(chatAcl);
    expect(allow('alice', 'configure', '/queue/chat.room.general')).toBe(false);
    expect(allow('alice', 'configure', '/queue/chat.rooms')).toBe(false);
    expect(allow('directory', 'configure', '/queue/chat.room.general')).toBe(true);
    expect(allow('directory', 'configure', '/queue/chat.rooms')).toBe(true);
    expect(allow('directory', 'configure', '/queue/chat.room.dm.alice.bob')).toBe(false);
    expect(allow('directory', 'subscribe', '/topic/chat.typing.general')).toBe(false);
    expect(allow('alice', 'configure', '/queue/chat.room.dm.alice.bob')).toBe(true);
    expect(allow('carol', 'configure', '/queue/chat.room.dm.alice.bob')).toBe(false);
    expect(allow('alice', 'send', '/queue/chat.room.general')).toBe(true);
    expect(allow('alice', 'subscribe', '/queue/chat.rooms')).toBe(true);
    expect(allow('alice', 'subscribe', '/topic/chat.typing.general')).toBe(true);
    expect(allow('alice', 'subscribe', '/topic/#')).toBe(false);
    expect(allow('alice', 'subscribe', '/topic/chat.typing.*')).toBe(false);
    expect(allow('alice', 'subscribe', '/queue/user.bob.inbox')).toBe(false);
    expect(allow('alice', 'send', '/queue/user.bob.inbox')).toBe(true); // a message for bob
    expect(allow('bob', 'subscribe', '/queue/user.bob.inbox')).toBe(true);
    expect(allow('alice', 'configure', '/queue/jobs')).toBe(false);
    expect(allow('ops', 'subscribe', '/topic/#')).toBe(true);
    expect(allow('ops', 'send', '/topic/chat.typing.general')).toBe(false);
  });
});
