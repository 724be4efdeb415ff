import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';

/** The proxies (addresses or CIDR ranges) whose X-Forwarded-* headers are believed. */
export type ProxyTrust = { readonly entries: readonly string[]; trusts(address: string): boolean };

/** Whether `entry` is an IP address or an address/prefix range, as OREBOOK_TRUSTED_PROXIES takes them. */
export function isProxyEntry(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** An IPv4 peer on a dual-stack socket shows as `::ffff:a.b.c.d`; compare it as the IPv4 address it is. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** @example trustProxies(['127.0.0.1', '10.0.0.0/8']).trusts('::ffff:10.1.2.3') // true */
export function trustProxies(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const entry of entries) {
    if (!isProxyEntry(entry)) throw new Error(`not an IP address or range: ${entry}`);
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    entries,
    trusts(address) {
      const plain = plainAddress(address.trim());
      const family = isIP(plain);
      return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The key used for requests that came without a socket (`app.request` in tests): they all count as
 * one client, so that limits still apply to them.
 */
export const socketlessClient = 'socketless';

/** The address of the peer on the other end of the socket, as @hono/node-server hands it to the app. */
function peerAddress(c: Context<AppEnv>): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; server?: { incoming?: { socket?: { remoteAddress?: string } } } } | undefined;
  return (env?.server ?? env)?.incoming?.socket?.remoteAddress;
}

/**
 * Who the client is, for limits per client. A forwarded header is believed only from a trusted
 * proxy; behind a chain of them the client is the right-most address that is not a trusted proxy,
 * because everything left of it was written by the client itself.
 */
export function resolveClientAddress(props: { peer: string | undefined; forwardedFor: string | undefined; proxies: ProxyTrust }): string {
  if (props.peer === undefined) return socketlessClient;
  const peer = plainAddress(props.peer);
  if (!props.proxies.trusts(peer) || !props.forwardedFor) return peer;
  const hops = props.forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!props.proxies.trusts(hops[i]!)) return plainAddress(hops[i]!);
  }
  return hops[0] ? plainAddress(hops[0]) : peer;
}

export function clientAddress(c: Context<AppEnv>): string {
  return resolveClientAddress({ peer: peerAddress(c), forwardedFor: c.req.header('x-forwarded-for'), proxies: c.get('deps').trustedProxies });
}

/** Whether the request reached us through a trusted proxy, whose X-Forwarded-Proto may be believed. */
export function isFromTrustedProxy(c: Context<AppEnv>): boolean {
  const peer = peerAddress(c);
  return peer !== undefined && c.get('deps').trustedProxies.trusts(peer);
}
