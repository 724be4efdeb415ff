import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { isProxyEntry, resolveClientAddress, socketlessClient, trustProxies } from './client-address.ts';

const none = trustProxies([]);
const proxies = trustProxies(['127.0.0.1', '10.1.0.0/16', '2001:db8::/32']);

describe('Client address', () => {
  it('is the socket’s peer, whatever X-Forwarded-For says, when no proxy is trusted', () => {
    expect(resolveClientAddress({ peer: '192.0.2.10', forwardedFor: '203.0.113.1', proxies: none })).toBe('192.0.2.10');
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.1', proxies: none })).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(resolveClientAddress({ peer: '192.0.2.10', forwardedFor: '203.0.113.1', proxies })).toBe('192.0.2.10');
  });

  it('is the right-most address that is not a trusted proxy, from a trusted proxy', () => {
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: 'forged, 198.51.100.4, 10.1.2.3', proxies })).toBe('198.51.100.4');
    expect(resolveClientAddress({ peer: '::ffff:127.0.0.1', forwardedFor: '198.51.100.5', proxies })).toBe('198.51.100.5');
    expect(resolveClientAddress({ peer: '2001:db8::1', forwardedFor: '::ffff:198.51.100.6', proxies })).toBe('198.51.100.6');
  });

  it('is the peer when a trusted proxy sends no X-Forwarded-For, and the left-most hop when every hop is trusted', () => {
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: undefined, proxies })).toBe('127.0.0.1');
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: ' , ', proxies })).toBe('127.0.0.1');
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '10.1.0.9, 10.1.0.8', proxies })).toBe('10.1.0.9');
  });

  it('is one fixed key for requests without a socket, so that limits still apply to them', () => {
    expect(resolveClientAddress({ peer: undefined, forwardedFor: '203.0.113.1', proxies })).toBe(socketlessClient);
  });
});

describe('OREBOOK_TRUSTED_PROXIES entries', () => {
  it('takes addresses and ranges of either family, and nothing else', () => {
    for (const entry of ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32']) expect(isProxyEntry(entry)).toBe(true);
    for (const entry of ['', 'localhost', '10.0.0.0/33', '10.0.0.0/8/8', '::1/129', '10.0.0.0/x']) expect(isProxyEntry(entry)).toBe(false);
    expect(() => trustProxies(['proxy.local'])).toThrow(/not an IP address/);
  });
});

describe('loadConfig', () => {
  it('trusts no proxy by default, reads a comma-separated list, and stops on a bad entry', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ OREBOOK_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' }).trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => loadConfig({ OREBOOK_TRUSTED_PROXIES: '127.0.0.1,proxy.local' })).toThrow(/OREBOOK_TRUSTED_PROXIES/);
  });
});
