/**
 * Limits that protect instead of lock out: failed logins and invalid links are counted per client
 * (its own address, through FOLLOWUP_TRUST_PROXY behind a proxy), never anyone's successes, so a
 * flood from one address blocks that address alone. rate-limiter-flexible keeps the counts.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface FailureLimit {
  /** Whether this client has failed too often and must wait; the seconds to wait, else 0. */
  waitSeconds(client: string): Promise<number>;
  /** Counts one failure of this client. */
  failed(client: string): Promise<void>;
  /** Forgets this client's failures (a successful login). */
  forgive(client: string): Promise<void>;
}

export function createFailureLimit(options: { failures: number; withinSeconds: number; blockSeconds: number }): FailureLimit {
  const limiter = new RateLimiterMemory({ points: options.failures, duration: options.withinSeconds, blockDuration: options.blockSeconds });
  return {
    async waitSeconds(client) {
      const state = await limiter.get(client);
      return state && state.consumedPoints > options.failures ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
    },
    async failed(client) {
      // A rejection only says the limit is now reached; waitSeconds reports it from here on.
      await limiter.consume(client).catch(() => undefined);
    },
    async forgive(client) {
      await limiter.delete(client);
    },
  };
}
