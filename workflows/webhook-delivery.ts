/**
 * One event's delivery to one webhook endpoint, under the business key
 * webhook/<org>/<endpoint>/<event> (started twice, it runs once). The activity tries the POST; the
 * retry policy spaces the tries (doubling, capped) for days while the receiver is down or failing.
 * When the time is up the delivery is given up and the secretariat's page says so.
 */
import * as wf from '@temporalio/workflow';
import { ActivityFailure } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DEFAULT_WEBHOOK_RETRY, type WebhookDeliveryInput, type WebhookOutcome } from '../domain/webhook-events';

// The record that it was given up goes to the database however long it is away.
const records = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookOutcome> {
  const retry = input.retry ?? DEFAULT_WEBHOOK_RETRY;
  const posting = wf.proxyActivities<Activities>({
    // The receiver has ten seconds; the rest is the database's.
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: retry.giveUpAfterMs,
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: retry.maximumIntervalMs },
  });
  try {
    return await posting.deliverWebhook({ endpointId: input.endpointId, eventId: input.eventId, retry });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const span = retry.giveUpAfterMs >= 3_600_000 ? `${Math.round(retry.giveUpAfterMs / 3_600_000)} hours` : `${Math.round(retry.giveUpAfterMs / 1000)} seconds`;
    await records.abandonWebhook({ endpointId: input.endpointId, eventId: input.eventId, why: `given up after ${span} of tries: ${err.cause?.message ?? err.message}` });
    return 'abandoned';
  }
}
