import { ActivityFailure, type RetryPolicy } from '@temporalio/common';
import { FailureType } from '../domain/refusals';

/**
 * Mail retries for as long as it takes (an SMTP outage of days loses nothing), with the interval
 * capped so that mail flows within the hour after the server is back. Permanent rejections fail at once.
 */
export const mailRetry: RetryPolicy = {
  initialInterval: '30 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 hour',
  nonRetryableErrorTypes: [FailureType.permanentMail, FailureType.directory, FailureType.template],
};

/**
 * When a workflow tries again the people whose mail the server put off (4xx, unreachable): as the
 * activity retry above, 30 s doubling to at most an hour, but per person and visible meanwhile.
 */
export function mailRetryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export const planningRetry: RetryPolicy = {
  initialInterval: '5 seconds',
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: [FailureType.directory, FailureType.calendar],
};

/** Archive writes retry (a full or read-only disk gets fixed by a person) with a visible error meanwhile. */
export const archiveRetry: RetryPolicy = {
  initialInterval: '10 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: [FailureType.directory],
};

/**
 * Compiling the report: a few quick tries inside the activity; after that the cycle shows the
 * problem and tries again itself (or at once on `cycle redeliver`), so a broken template or a full
 * disk is a visible state, never a silent endless retry.
 */
/**
 * A unit's part to its board: off the report's path, so it may keep trying through a greylisting
 * or an outage (half-hourly at most, for about four days), then it is a visible failure.
 */
export const boardPartRetry: RetryPolicy = {
  initialInterval: '30 seconds',
  backoffCoefficient: 2,
  maximumInterval: '30 minutes',
  maximumAttempts: 200,
  nonRetryableErrorTypes: [FailureType.permanentMail, FailureType.directory, FailureType.template],
};

export const reportRetry: RetryPolicy = {
  initialInterval: '10 seconds',
  backoffCoefficient: 2,
  maximumAttempts: 4,
  nonRetryableErrorTypes: [FailureType.directory, FailureType.template],
};

/**
 * What an activity that gave up said (its cause's message), for a problem the secretariat sees;
 * undefined for anything else, which the workflow must not swallow.
 */
export function activityProblem(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  return err.cause instanceof Error ? err.cause.message : err.message;
}
