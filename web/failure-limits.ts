/**
 * Limits that protect instead of lock out: wrong passwords and invalid links are counted per
 * client (its own address, through FOLLOWUP_TRUST_PROXY behind a proxy), never anyone's successes,
 * so a flood from one address blocks that address alone. rate-limiter-flexible keeps the counts.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface FailureLimit {
  /**
   * Counts one attempt of this client before it is tried, so that many at once cannot all slip
   * through: the seconds to wait when it has used up its attempts, else 0.
   */
  attempt(client: string): Promise<number>;
  /** The seconds this client must wait (without counting anything), else 0. */
  waitSeconds(client: string): Promise<number>;
  /** Counts one failure of this client. */
  failed(client: string): Promise<void>;
  /** Forgets this client's attempts (a successful login). */
  forgive(client: string): Promise<void>;
}

export function createFailureLimit(options: { failures: number; withinSeconds: number; blockSeconds: number }): FailureLimit {
  const limiter = new RateLimiterMemory({ points: options.failures, duration: options.withinSeconds, blockDuration: options.blockSeconds });
  const seconds = (state: RateLimiterRes) => Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return {
    async attempt(client) {
      try {
        await limiter.consume(client);
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return seconds(rejection);
        throw rejection;
      }
    },
    async waitSeconds(client) {
      const state = await limiter.get(client);
      return state && state.consumedPoints >= options.failures ? seconds(state) : 0;
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
