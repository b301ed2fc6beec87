/**
 * The events a secretariat can register a webhook endpoint for, by the names receivers see in the
 * payload's `type`, and the shape of every payload (Standard Webhooks: type, timestamp, data).
 * `webhook.test` is sent only by "send a test event", to the one endpoint asked for.
 */
export const WEBHOOK_EVENT_TYPES = [
  'answer.received',
  'unit.late',
  'report.compiled',
  'report.delivered',
  'goals.submitted',
  'goals.approved',
  'agreement.decided',
  'revision.recorded',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookMessageType = WebhookEventType | 'webhook.test';

export const isWebhookEventType = (name: string): name is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(name);

export interface WebhookPayload {
  type: WebhookMessageType;
  /** When it happened (ISO 8601, UTC). */
  timestamp: string;
  data: { organisation: string } & Record<string, unknown>;
}

/**
 * An endpoint's URL as a page or a list may show it: without a password, and without the query
 * string's values, where a receiver's own key often travels ("?code=…").
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) parsed.searchParams.set(name, '…');
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * How a delivery is tried again while its receiver does not take it: from the first interval,
 * doubling, at most the largest, until the whole time has passed (then it is given up and shown so).
 */
export interface WebhookRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  giveUpAfterMs: number;
}

/** Tried for three days: the first retry after half a minute, then no longer than two hours apart. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { initialIntervalMs: 30_000, maximumIntervalMs: 2 * 3_600_000, giveUpAfterMs: 3 * 86_400_000 };

/** When try `attempt` (1, 2, …) is followed by the next, as the delivery workflow's retry policy spaces them. */
export function nextTryAfterMs(retry: WebhookRetry, attempt: number): number {
  return Math.min(retry.initialIntervalMs * 2 ** Math.max(0, attempt - 1), retry.maximumIntervalMs);
}

/**
 * What an endpoint's delivery workflow is started with: its endpoint and how to retry; continued as
 * new, also what it still has to send and what it sent last.
 */
export interface WebhookDeliveryInput {
  org: string;
  endpointId: string;
  retry?: WebhookRetry;
  /** The events not yet sent, in the order they go (carried over when the workflow continues as new). */
  queue?: WebhookQueued[];
  /** The ids of the events sent last, so one told again soon after is not queued again. */
  recent?: string[];
}

/** One event for an endpoint, as the emitter signals it to the endpoint's delivery workflow. */
export interface WebhookQueued {
  eventId: string;
  /** The delivery's row in webhook_deliveries (its id, a bigint as text): the endpoint's events go in this order. */
  sequence: string;
  /** When the workflow queued it (ms since 1970, set by the workflow): its time to be given up counts from then. */
  queuedAt?: number;
}

/** The signal that hands an event to its endpoint's delivery workflow (signal-with-start). */
export const WEBHOOK_EVENT_SIGNAL = 'webhookEvent';

export type WebhookOutcome = 'delivered' | 'gone' | 'abandoned';

/** What an endpoint's delivery workflow did before it ended (idle) or continued as new. */
export interface WebhookDeliverySummary {
  delivered: number;
  abandoned: number;
}

/**
 * The business key of an endpoint's deliveries: one workflow per endpoint sends its events one at a
 * time, in the order they were emitted, so a receiver that was down gets what it missed in order.
 */
export const webhookDeliveryWorkflowId = (org: string, endpointId: string) => `webhook/${org}/${endpointId}`;
