import type { Context } from 'hono';
import { coreError } from '../core/errors.ts';
import { clientAddress } from '../web/client-address.ts';
import type { AppEnv } from '../web/context.ts';
import { RateLimiter } from '../web/rate-limit.ts';
import { signIn, type SignedIn } from './sessions.ts';

// Ten failed sign-ins a minute per client address, for the API and the page form together; the
// per-account lockout is the lasting guard. Successful sign-ins give their try back, so that an
// office or a school behind one address can still sign its people in.
const signInLimiter = new RateLimiter(10, 60_000);

/**
 * Signs in on behalf of one client, within its limit. The try is counted before the password is
 * checked, so guesses sent at once cannot all slip under the limit.
 */
export async function signInWithinLimit(c: Context<AppEnv>, credentials: { email: string; password: string }): Promise<SignedIn> {
  const client = clientAddress(c);
  const wait = signInLimiter.hit(client);
  if (wait > 0) throw coreError('rate_limited', 429, { seconds: wait }, undefined, { 'Retry-After': String(wait) });
  const session = await signIn(c.get('deps').db, credentials);
  signInLimiter.giveBack(client);
  return session;
}
