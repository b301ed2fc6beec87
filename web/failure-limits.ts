/**
 * Limits that protect instead of lock out: wrong passwords and invalid links are counted per
 * client (its own address, through FOLLOWUP_TRUST_PROXY behind a proxy), never anyone's successes,
 * so a flood from one address blocks that address alone. rate-limiter-flexible keeps the counts:
 * in the database of record where there is one, so that every web process behind a proxy counts
 * together and a restart forgives nobody; in memory where there is none (tests).
 */
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Records } from '../records/database';
import { FAILURE_COUNTS_TABLE, failureCountsClient } from '../records/failure-counts';

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

export interface FailureLimitSettings {
  /** Its counts' prefix in the shared table: limits with one name count together. */
  name: string;
  failures: number;
  withinSeconds: number;
  blockSeconds: number;
}

/** Wrong passwords: ten in a quarter of an hour, then a quarter of an hour's wait. */
export const SIGN_IN_LIMIT: FailureLimitSettings = { name: 'sign-in', failures: 10, withinSeconds: 15 * 60, blockSeconds: 15 * 60 };
/** Links that are not ours (answer, goals, agreement, unit): someone guessing tokens, not a person with a mail. */
export const INVALID_LINK_LIMIT: FailureLimitSettings = { name: 'invalid-link', failures: 30, withinSeconds: 60, blockSeconds: 5 * 60 };

export function createFailureLimit(options: FailureLimitSettings, records?: Records): FailureLimit {
  const settings = { keyPrefix: options.name, points: options.failures, duration: options.withinSeconds, blockDuration: options.blockSeconds };
  const limiter = records
    ? new RateLimiterPostgres({ ...settings, storeClient: failureCountsClient(records), storeType: 'pool', tableName: FAILURE_COUNTS_TABLE, tableCreated: true })
    : new RateLimiterMemory(settings);
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
