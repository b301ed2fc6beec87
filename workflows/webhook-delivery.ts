/**
 * One webhook endpoint's deliveries, under the business key webhook/<org>/<endpoint>. The emitter
 * hands each event to it by signal-with-start; it keeps them in a queue in the order of their rows
 * in webhook_deliveries and sends one at a time, so a receiver that was down gets what it missed
 * in order, and each event once (an event told again is dropped here, and one sent already is not
 * sent again by the activity, which reads the delivery's row first).
 *
 * The head of the queue is tried by the activity; the retry policy spaces the tries (doubling,
 * capped) while the receiver is down or failing, until the event's time is up (counted from when it
 * was queued): then it is given up, the secretariat's page says so, and the next goes. After a
 * number of events the workflow continues as new with what is left, to keep its history short;
 * idle for a while, it ends, and the next event starts it again.
 */
import * as wf from '@temporalio/workflow';
import { ActivityFailure } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DEFAULT_WEBHOOK_RETRY, WEBHOOK_EVENT_SIGNAL, type WebhookDeliveryInput, type WebhookDeliverySummary, type WebhookQueued } from '../domain/webhook-events';

export const webhookEventSignal = wf.defineSignal<[WebhookQueued]>(WEBHOOK_EVENT_SIGNAL);

/** Events sent before the workflow continues as new. */
const EVENTS_PER_RUN = 200;
/** How many sent events' ids are remembered (and carried over) to drop one told again. */
const RECENT = 100;
/** How long the workflow waits for another event before it ends. */
const IDLE = '1 hour';
/** However late an event is in the queue, it gets this long of tries (at most its whole time). */
const LEAST_TIME_MS = 30_000;

// The record that it was given up goes to the database however long it is away.
const records = wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } });

/** Whether row a comes before row b (bigints as text, without leading zeros). */
const before = (a: string, b: string) => (a.length !== b.length ? a.length < b.length : a < b);

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliverySummary> {
  const retry = input.retry ?? DEFAULT_WEBHOOK_RETRY;
  const queue: WebhookQueued[] = [...(input.queue ?? [])];
  const recent: string[] = [...(input.recent ?? [])];
  const summary: WebhookDeliverySummary = { delivered: 0, abandoned: 0 };
  let sending: string | undefined;

  wf.setHandler(webhookEventSignal, (event) => {
    if (event.eventId === sending || recent.includes(event.eventId) || queue.some((q) => q.eventId === event.eventId)) return;
    const queued: WebhookQueued = { eventId: event.eventId, sequence: event.sequence, queuedAt: event.queuedAt ?? Date.now() };
    const at = queue.findIndex((q) => before(queued.sequence, q.sequence));
    if (at < 0) queue.push(queued);
    else queue.splice(at, 0, queued);
  });

  const send = async (event: WebhookQueued): Promise<void> => {
    const left = retry.giveUpAfterMs - (Date.now() - (event.queuedAt ?? Date.now()));
    const posting = wf.proxyActivities<Activities>({
      // The receiver has ten seconds; the rest is the database's.
      startToCloseTimeout: '1 minute',
      scheduleToCloseTimeout: Math.max(left, Math.min(LEAST_TIME_MS, retry.giveUpAfterMs)),
      retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: retry.maximumIntervalMs },
    });
    try {
      const outcome = await posting.deliverWebhook({ endpointId: input.endpointId, eventId: event.eventId, retry });
      if (outcome === 'delivered') summary.delivered++;
      else summary.abandoned++;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const span = retry.giveUpAfterMs >= 3_600_000 ? `${Math.round(retry.giveUpAfterMs / 3_600_000)} hours` : `${Math.round(retry.giveUpAfterMs / 1000)} seconds`;
      await records.abandonWebhook({ endpointId: input.endpointId, eventId: event.eventId, why: `given up after ${span} of tries: ${err.cause?.message ?? err.message}` });
      summary.abandoned++;
    }
  };

  let sent = 0;
  for (;;) {
    if (!(await wf.condition(() => queue.length > 0, IDLE))) return summary;
    const head = queue.shift()!;
    sending = head.eventId;
    await send(head);
    sending = undefined;
    recent.push(head.eventId);
    if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
    if (++sent >= EVENTS_PER_RUN || wf.workflowInfo().continueAsNewSuggested) {
      await wf.continueAsNew<typeof webhookDeliveryWorkflow>({ org: input.org, endpointId: input.endpointId, ...(input.retry ? { retry: input.retry } : {}), queue, recent });
    }
  }
}
