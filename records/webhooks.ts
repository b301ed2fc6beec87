/**
 * Webhook endpoints and their deliveries in the database of record. An endpoint is an
 * organisation's URL for some events, with the secret its deliveries are signed with; a delivery
 * is one event to one endpoint (one row however often the event is emitted), and each try of it is
 * kept with the receiver's answer, for the secretariat's page of recent deliveries and failures.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Records } from './database';

export interface WebhookEndpoint {
  id: string;
  org: string;
  url: string;
  events: string[];
  createdBy: string;
  createdAt: Date;
  disabledAt?: Date;
  disabledReason?: string;
}

/** What emitting an event needs of an endpoint: which organisation's events of which types. */
export interface WebhookSubscription {
  id: string;
  org: string;
  events: string[];
}

export interface WebhookAttempt {
  attempt: number;
  at: Date;
  /** The receiver's HTTP status; none when it did not answer. */
  status?: number;
  response?: string;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  org: string;
  type: string;
  payload: string;
  createdAt: Date;
  attempts: number;
  lastStatus?: number;
  lastResponse?: string;
  deliveredAt?: Date;
  nextTryAt?: Date;
  abandonedAt?: Date;
}

export class WebhookEndpointNotFoundError extends Error {
  override name = 'WebhookEndpointNotFoundError';
}

/** A secret as Standard Webhooks writes it: "whsec_" and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secret's bytes: the HMAC key. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

const endpointOf = (r: { id: string; org: string; url: string; events: string[]; created_by: string; created_at: Date; disabled_at: Date | null; disabled_reason: string | null }): WebhookEndpoint => ({
  id: r.id,
  org: r.org,
  url: r.url,
  events: r.events,
  createdBy: r.created_by,
  createdAt: r.created_at,
  ...(r.disabled_at ? { disabledAt: r.disabled_at } : {}),
  ...(r.disabled_reason ? { disabledReason: r.disabled_reason } : {}),
});

/** Registers an endpoint; its secret is returned this once (the pages and the CLI never show it again). */
export async function addWebhookEndpoint(db: Records, input: { org: string; url: string; events: readonly string[]; createdBy: string; at: Date }): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const id = `ep_${randomBytes(9).toString('base64url')}`;
  const secret = newWebhookSecret();
  const row = await db
    .insertInto('webhook_endpoints')
    .values({ id, org: input.org, url: input.url, events: JSON.stringify([...input.events]), secret, created_by: input.createdBy, created_at: input.at })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { endpoint: endpointOf(row), secret };
}

/** An organisation's endpoints, oldest first. */
export async function webhookEndpoints(db: Records, org: string): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll().where('org', '=', org).orderBy('created_at').orderBy('id').execute();
  return rows.map(endpointOf);
}

/** One endpoint with its secret (for signing), or undefined when it is removed. */
export async function webhookEndpointWithSecret(db: Records, id: string): Promise<(WebhookEndpoint & { secret: string }) | undefined> {
  const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { ...endpointOf(row), secret: row.secret } : undefined;
}

/** Every endpoint that takes events now, of every organisation: what an emitting process keeps in memory. */
export async function activeWebhookSubscriptions(db: Records): Promise<WebhookSubscription[]> {
  return db.selectFrom('webhook_endpoints').select(['id', 'org', 'events']).where('disabled_at', 'is', null).execute();
}

/** Stops an endpoint's deliveries (by hand, or because the receiver answered 410 Gone); its record stays. */
export async function disableWebhookEndpoint(db: Records, org: string, id: string, reason: string, at: Date): Promise<void> {
  const result = await db.updateTable('webhook_endpoints').set({ disabled_at: at, disabled_reason: reason }).where('org', '=', org).where('id', '=', id).where('disabled_at', 'is', null).executeTakeFirst();
  if (result.numUpdatedRows === 0n && !(await db.selectFrom('webhook_endpoints').select('id').where('org', '=', org).where('id', '=', id).executeTakeFirst())) {
    throw new WebhookEndpointNotFoundError(`There is no webhook endpoint ${id} of ${org}; "followup webhooks list" shows the endpoints.`);
  }
}

/** Removes an endpoint. Its deliveries stay on record; those still being tried stop at their next try. */
export async function removeWebhookEndpoint(db: Records, org: string, id: string): Promise<void> {
  const result = await db.deleteFrom('webhook_endpoints').where('org', '=', org).where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw new WebhookEndpointNotFoundError(`There is no webhook endpoint ${id} of ${org}; "followup webhooks list" shows the endpoints.`);
}

/**
 * One event to each of these endpoints: a row each, the first write standing when the event is
 * emitted again. Returns each endpoint's row id: its place in the order the endpoint's events go.
 */
export async function enqueueWebhookDeliveries(db: Records, event: { eventId: string; org: string; type: string; payload: string; at: Date }, endpointIds: readonly string[]): Promise<Map<string, string>> {
  if (endpointIds.length === 0) return new Map();
  await db
    .insertInto('webhook_deliveries')
    .values(endpointIds.map((endpointId) => ({ event_id: event.eventId, endpoint_id: endpointId, org: event.org, type: event.type, payload: event.payload, created_at: event.at })))
    .onConflict((c) => c.constraint('webhook_deliveries_key').doNothing())
    .execute();
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'endpoint_id'])
    .where('event_id', '=', event.eventId)
    .where('endpoint_id', 'in', [...endpointIds])
    .execute();
  return new Map(rows.map((r) => [r.endpoint_id, String(r.id)]));
}

const deliveryOf = (r: {
  id: string;
  event_id: string;
  endpoint_id: string;
  org: string;
  type: string;
  payload: string;
  created_at: Date;
  attempts: number;
  last_status: number | null;
  last_response: string | null;
  delivered_at: Date | null;
  next_try_at: Date | null;
  abandoned_at: Date | null;
}): WebhookDelivery => ({
  id: r.id,
  eventId: r.event_id,
  endpointId: r.endpoint_id,
  org: r.org,
  type: r.type,
  payload: r.payload,
  createdAt: r.created_at,
  attempts: r.attempts,
  ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
  ...(r.last_response !== null ? { lastResponse: r.last_response } : {}),
  ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
  ...(r.next_try_at ? { nextTryAt: r.next_try_at } : {}),
  ...(r.abandoned_at ? { abandonedAt: r.abandoned_at } : {}),
});

export async function webhookDelivery(db: Records, endpointId: string, eventId: string): Promise<WebhookDelivery | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('event_id', '=', eventId).executeTakeFirst();
  return row ? deliveryOf(row) : undefined;
}

/**
 * One try and what came of it: delivered (a 2xx), or when the next try is due, or given up
 * (`abandoned`). The try's number is counted here, so a retried write of the same try counts once.
 */
export async function recordWebhookAttempt(
  db: Records,
  deliveryId: string,
  attempt: WebhookAttempt & { delivered: boolean; nextTryAt?: Date; abandoned?: boolean },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('webhook_attempts')
      .values({ delivery_id: deliveryId, attempt: attempt.attempt, at: attempt.at, status: attempt.status ?? null, response: attempt.response ?? null, duration_ms: attempt.durationMs })
      .execute();
    await tx
      .updateTable('webhook_deliveries')
      .set({
        attempts: sql<number>`greatest(attempts, ${attempt.attempt})`,
        last_attempt_at: attempt.at,
        last_status: attempt.status ?? null,
        last_response: attempt.response ?? null,
        delivered_at: attempt.delivered ? attempt.at : null,
        next_try_at: attempt.delivered || attempt.abandoned ? null : (attempt.nextTryAt ?? null),
        ...(attempt.abandoned ? { abandoned_at: attempt.at } : {}),
      })
      .where('id', '=', deliveryId)
      .execute();
  });
}

/** A delivery given up without a try of its own: its endpoint was removed or disabled, or its time ran out. */
export async function abandonWebhookDelivery(db: Records, endpointId: string, eventId: string, at: Date, why: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ abandoned_at: at, next_try_at: null, last_response: sql<string>`coalesce(last_response, ${why})` })
    .where('endpoint_id', '=', endpointId)
    .where('event_id', '=', eventId)
    .where('delivered_at', 'is', null)
    .execute();
}

/** An endpoint's newest deliveries, each with its tries (newest first), for the secretariat's page. */
export async function recentWebhookDeliveries(db: Records, endpointId: string, limit = 20): Promise<(WebhookDelivery & { tries: WebhookAttempt[] })[]> {
  const rows = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  if (rows.length === 0) return [];
  const tries = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    ...deliveryOf(r),
    tries: tries
      .filter((t) => t.delivery_id === r.id)
      .map((t) => ({ attempt: t.attempt, at: t.at, ...(t.status !== null ? { status: t.status } : {}), ...(t.response !== null ? { response: t.response } : {}), durationMs: t.duration_ms })),
  }));
}
