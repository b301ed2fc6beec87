import type { RetryPolicy } from '@temporalio/common';

/**
 * Mail retries for as long as it takes (an SMTP outage of days loses nothing), with the interval
 * capped so that mail flows within the hour after the server is back. Permanent rejections fail at once.
 */
export const mailRetry: RetryPolicy = {
  initialInterval: '30 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 hour',
  nonRetryableErrorTypes: ['PermanentMailError', 'DirectoryError'],
};

export const planningRetry: RetryPolicy = {
  initialInterval: '5 seconds',
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: ['DirectoryError', 'CalendarError'],
};

/** Archive writes retry (a full or read-only disk gets fixed by a person) with a visible error meanwhile. */
export const archiveRetry: RetryPolicy = {
  initialInterval: '10 seconds',
  backoffCoefficient: 2,
  maximumInterval: '10 minutes',
  nonRetryableErrorTypes: ['DirectoryError'],
};
