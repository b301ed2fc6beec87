/** Events told of beforehand: register one, change it, cancel it, see its history. */
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { OrganisationConfig } from '../config/schema';
import { checkEvent, eventWorkflowId, type EventChange, type EventRegistration } from '../domain/registers';
import { cancelEventUpdate, changeEventUpdate, eventStatusQuery, resendMailUpdate, type EventStatus } from '../workflows/definitions';
import { assertUnit, assertValid, ensureRegister, explained, registrationObligation, startEntity } from './registers';

const hint = 'Register it with: followup event register';

export async function registerEvent(client: Client, taskQueue: string, config: OrganisationConfig, event: EventRegistration, obligationId?: string, by?: string) {
  assertValid(checkEvent(event));
  // An event already over cannot be told of beforehand; it would only show as "held, no notice".
  const today = DateTime.now().setZone(config.organisation.timeZone).toISODate()!;
  if ((event.endDate ?? event.date) < today) assertValid([{ field: 'date', message: `the event is over (today is ${today}); register events before they take place` }]);
  assertUnit(config, event.unitId);
  const obligation = registrationObligation(config, 'event-notices', obligationId);
  if (!obligation) throw new Error(`${config.organisation.id} has no "event-notices" obligation; add one to the config to register events.`);
  const orgId = config.organisation.id;
  await ensureRegister(client, taskQueue, orgId);
  return startEntity(client, taskQueue, 'eventWorkflow', eventWorkflowId(orgId, event.id), [{ orgId, obligationId: obligation, event, ...(by ? { by } : {}) }], `Event "${event.id}"`);
}

const handle = (client: Client, orgId: string, eventId: string) => client.workflow.getHandle(eventWorkflowId(orgId, eventId));

export async function eventStatus(client: Client, orgId: string, eventId: string): Promise<EventStatus> {
  return explained(`Event "${eventId}"`, hint, handle(client, orgId, eventId), (h) => h.query(eventStatusQuery));
}

export async function changeEvent(client: Client, orgId: string, eventId: string, change: EventChange, by?: string): Promise<EventStatus> {
  return explained(`Event "${eventId}"`, hint, handle(client, orgId, eventId), (h) => h.executeUpdate(changeEventUpdate, { args: [{ change, by }] }));
}

export async function cancelEvent(client: Client, orgId: string, eventId: string, reason?: string, by?: string): Promise<EventStatus> {
  return explained(`Event "${eventId}"`, hint, handle(client, orgId, eventId), (h) => h.executeUpdate(cancelEventUpdate, { args: [{ reason, by }] }));
}

/** The event's notices that did not arrive, sent again (after the title or an address is corrected). */
export async function resendEventMail(client: Client, orgId: string, eventId: string, by?: string) {
  return explained(`Event "${eventId}"`, hint, handle(client, orgId, eventId), (h) => h.executeUpdate(resendMailUpdate, { args: [{ by }] }));
}
