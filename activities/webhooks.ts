/**
 * Webhooks: what happened, as a signed POST to every endpoint the organisation registered for it.
 *
 * Emitting an event (from the activity that records what happened, or the web's "send a test
 * event") writes one delivery per endpoint and hands it by signal-with-start to the endpoint's
 * delivery workflow (workflows/webhook-delivery.ts, one per endpoint), which sends the endpoint's
 * events one at a time in the order of their rows; both steps are idempotent, so an activity tried
 * again emits the same event once. Which endpoints take which events is kept in memory and read again every few
 * seconds: an event nobody registered for costs no query and starts nothing, which keeps a cycle of
 * a thousand answers as fast as without webhooks.
 *
 * The delivery's activity signs as Standard Webhooks says (webhook-id, webhook-timestamp,
 * webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>"), waits at most ten seconds, and
 * takes a 2xx as delivered and 410 Gone as "disable this endpoint"; anything else fails the try, and
 * the workflow's retry policy tries again, for days.
 */
import { createHash, createHmac } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  DEFAULT_WEBHOOK_RETRY,
  nextTryAfterMs,
  shownUrl,
  WEBHOOK_EVENT_SIGNAL,
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
  type WebhookMessageType,
  type WebhookOutcome,
  type WebhookPayload,
  type WebhookQueued,
  type WebhookRetry,
} from '../domain/webhook-events';
import type { Records } from '../records/database';
import type { ActivityDeps } from './index';
import {
  abandonWebhookDelivery,
  activeWebhookSubscriptions,
  disableWebhookEndpoint,
  enqueueWebhookDeliveries,
  recordWebhookAttempt,
  secretKey,
  webhookDelivery,
  webhookEndpointWithSecret,
  type WebhookSubscription,
} from '../records/webhooks';

/** How a deployment's webhooks behave; every field has a default, tests shorten them. */
export interface WebhookOptions {
  retry?: WebhookRetry;
  /** How long the endpoints in memory are trusted before they are read again. */
  refreshMs?: number;
  /** How long a receiver may take to answer. */
  timeoutMs?: number;
}

export const WEBHOOK_REFRESH_MS = 5_000;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is kept and shown. */
const RESPONSE_EXCERPT = 500;

/** Something that happened, as the code that recorded it tells it. */
export interface WebhookEvent {
  org: string;
  type: WebhookMessageType;
  /** The business key of what happened, unique within its type: the event's id is made from it, so telling it again is the same event. */
  key: string;
  /** When it happened. */
  at: string;
  data: Record<string, unknown>;
}

export type EmitWebhookEvent = (event: WebhookEvent) => Promise<void>;

/** The id receivers see in webhook-id: the same for an event however often it is emitted. */
export function webhookEventId(type: string, key: string): string {
  return `msg_${createHash('sha256').update(`${type}\n${key}`).digest('hex').slice(0, 32)}`;
}

/** The signature of one try: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body" with the secret's bytes. */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Hands an event to its endpoint's delivery workflow: signal-with-start under the endpoint's
 * business key (the running workflow gets the signal; when none runs, one is started with it).
 */
export type StartWebhookDelivery = (workflowId: string, input: WebhookDeliveryInput, event: WebhookQueued) => Promise<unknown>;

/** Signal-with-start through a client (the web's "send a test event", tests). */
export function clientWebhookDelivery(client: Client, taskQueue: string): StartWebhookDelivery {
  return (workflowId, input, event) => client.workflow.signalWithStart('webhookDeliveryWorkflow', { workflowId, taskQueue, args: [input], signal: WEBHOOK_EVENT_SIGNAL, signalArgs: [event] });
}

export interface WebhookEmitter {
  /** To every endpoint of the event's organisation that takes its type. */
  emit: EmitWebhookEvent;
  /** To this endpoint only, whatever it takes ("send a test event"). */
  emitTo(endpointId: string, event: WebhookEvent): Promise<void>;
  /** Reads the endpoints again on the next event (one was added, disabled or removed in this process). */
  forget(): void;
}

export function createWebhookEmitter(records: Records, start: StartWebhookDelivery, options: WebhookOptions = {}): WebhookEmitter {
  const refreshMs = options.refreshMs ?? WEBHOOK_REFRESH_MS;
  let cached: { readAt: number; subscriptions: Promise<WebhookSubscription[]> } | undefined;
  const subscriptions = () => {
    if (!cached || Date.now() - cached.readAt > refreshMs) {
      const read = activeWebhookSubscriptions(records);
      cached = { readAt: Date.now(), subscriptions: read };
      // A failed read is not kept: the next event reads again (and the activity that emitted is retried).
      read.catch(() => {
        if (cached?.subscriptions === read) cached = undefined;
      });
    }
    return cached.subscriptions;
  };
  const deliver = async (event: WebhookEvent, endpointIds: string[]) => {
    if (endpointIds.length === 0) return;
    const eventId = webhookEventId(event.type, event.key);
    const payload: WebhookPayload = { type: event.type, timestamp: event.at, data: { organisation: event.org, ...event.data } };
    const sequences = await enqueueWebhookDeliveries(records, { eventId, org: event.org, type: event.type, payload: JSON.stringify(payload), at: new Date() }, endpointIds);
    for (const endpointId of endpointIds) {
      const sequence = sequences.get(endpointId);
      // Every endpoint has its row now (written, or found from the first emit); none is skipped but by a bug.
      if (sequence === undefined) continue;
      await start(webhookDeliveryWorkflowId(event.org, endpointId), { org: event.org, endpointId, ...(options.retry ? { retry: options.retry } : {}) }, { eventId, sequence });
    }
  };
  return {
    async emit(event) {
      const endpoints = (await subscriptions()).filter((s) => s.org === event.org && s.events.includes(event.type));
      await deliver(
        event,
        endpoints.map((e) => e.id),
      );
    },
    emitTo: (endpointId, event) => deliver(event, [endpointId]),
    forget() {
      cached = undefined;
    },
  };
}

/**
 * The activities' way to tell what happened: an endpoint's delivery workflow is signalled (and
 * started when none runs) on the task queue of the activity that emits. Without a database of
 * record there are no endpoints; a starter that cannot signal (a preview's, a bench's) sends none.
 */
export function activityWebhookEmitter(deps: ActivityDeps): EmitWebhookEvent {
  const records = deps.records;
  const starter = deps.starter;
  if (!records || !starter.signalWithStart) return async () => undefined;
  const emitter = createWebhookEmitter(
    records,
    (workflowId, input, event) => starter.signalWithStart!('webhookDeliveryWorkflow', workflowId, [input], WEBHOOK_EVENT_SIGNAL, [event], Context.current().info.taskQueue),
    deps.webhooks,
  );
  return emitter.emit;
}

/** The start of a receiver's answer, read no further than that (it may be a whole HTML page). */
async function excerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < RESPONSE_EXCERPT) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, RESPONSE_EXCERPT);
}

/** Why no answer came, in words a secretariat can act on. */
function noAnswer(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return error.cause?.code ? `${error.cause.code}: ${error.cause.message ?? error.message}` : error.message;
}

/** The try this is: the activity's attempt, or 1 when it is called outside an activity. */
function currentAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

export function createWebhookActivities(records: Records | undefined, options: WebhookOptions = {}) {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return {
    /** One try of one event to one endpoint. Fails (to be tried again) unless the receiver took it or is gone. */
    async deliverWebhook({ endpointId, eventId, retry }: { endpointId: string; eventId: string; retry?: WebhookRetry }): Promise<WebhookOutcome> {
      if (!records) return 'abandoned';
      const delivery = await webhookDelivery(records, endpointId, eventId);
      if (!delivery || delivery.abandonedAt) return 'abandoned';
      // Taken already: a try whose completion was lost, or a workflow started again, sends nothing twice.
      if (delivery.deliveredAt) return 'delivered';
      const endpoint = await webhookEndpointWithSecret(records, endpointId);
      if (!endpoint || endpoint.disabledAt) {
        await abandonWebhookDelivery(records, endpointId, eventId, new Date(), endpoint ? 'endpoint disabled' : 'endpoint removed');
        return 'abandoned';
      }
      const attempt = currentAttempt();
      const sentAt = new Date();
      const timestamp = Math.floor(sentAt.getTime() / 1000);
      let status: number | undefined;
      let response: string;
      try {
        const answer = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'policy-followup-webhooks',
            'webhook-id': eventId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': webhookSignature(endpoint.secret, eventId, timestamp, delivery.payload),
          },
          body: delivery.payload,
          // A redirect is not followed: the secretariat registers where deliveries go.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = answer.status;
        response = await excerpt(answer).catch((err: Error) => `(the answer could not be read: ${err.message})`);
      } catch (err) {
        response = noAnswer(err, timeoutMs);
      }
      const durationMs = Date.now() - sentAt.getTime();
      const taken = status !== undefined && status >= 200 && status < 300;
      const gone = status === 410;
      await recordWebhookAttempt(records, delivery.id, {
        attempt,
        at: sentAt,
        ...(status !== undefined ? { status } : {}),
        response,
        durationMs,
        delivered: taken,
        abandoned: gone,
        nextTryAt: new Date(sentAt.getTime() + nextTryAfterMs(retry ?? DEFAULT_WEBHOOK_RETRY, attempt)),
      });
      if (taken) return 'delivered';
      if (gone) {
        await disableWebhookEndpoint(records, endpoint.org, endpoint.id, `the receiver answered 410 Gone (${sentAt.toISOString()})`, sentAt);
        return 'gone';
      }
      throw ApplicationFailure.retryable(
        `The webhook receiver at ${shownUrl(endpoint.url)} did not take event ${eventId}: ${status !== undefined ? `it answered ${status}` : 'no answer'}${response ? ` (${response.slice(0, 200)})` : ''}. It is tried again.`,
        'WebhookNotTaken',
      );
    },

    /** A delivery whose tries ran out (or whose workflow gave up): shown as given up. */
    async abandonWebhook({ endpointId, eventId, why }: { endpointId: string; eventId: string; why: string }): Promise<void> {
      if (records) await abandonWebhookDelivery(records, endpointId, eventId, new Date(), why);
    },
  };
}
