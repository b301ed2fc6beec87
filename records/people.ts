/**
 * People as they are, beside the config (migration 0012): a unit's answer handed to a colleague, a
 * person's substitute for some days, and a unit's contacts set from the web. The activities read
 * them when a mail is sent, so none of it is in a workflow's history and no workflow changes.
 */
import { randomUUID } from 'node:crypto';
import type { Records } from './database';

/** Someone mailed: a person, or a shared mailbox that has only an address. */
export interface Contact {
  name?: string;
  email: string;
  language?: 'sv' | 'en';
}

export interface Delegation {
  id: string;
  org: string;
  obligation: string;
  period: string;
  unit: string;
  name?: string;
  email: string;
  delegatedBy: string;
  delegatedAt: Date;
}

export interface Substitution {
  id: string;
  org: string;
  /** In lower case. */
  personEmail: string;
  substitute: Contact;
  /** Days in the organisation's calendar, both included. */
  from: string;
  until: string;
  copyPerson: boolean;
  createdBy: string;
  createdAt: Date;
}

export interface UnitContactsOverride {
  org: string;
  unit: string;
  contacts: Contact[];
  head?: Contact;
  changedBy: string;
  changedAt: Date;
}

const lower = (email: string) => email.trim().toLowerCase();

/** A contact as stored: only the fields a contact has, the name left out when there is none. */
function contactOf(value: unknown): Contact {
  const v = value as { name?: unknown; email?: unknown; language?: unknown };
  return {
    ...(typeof v.name === 'string' && v.name ? { name: v.name } : {}),
    email: String(v.email),
    ...(v.language === 'sv' || v.language === 'en' ? { language: v.language } : {}),
  };
}

// --- Delegations ---------------------------------------------------------------------------

export async function addDelegation(db: Records, input: Omit<Delegation, 'id'>): Promise<Delegation> {
  const id = randomUUID();
  await db
    .insertInto('unit_delegations')
    .values({ id, org: input.org, obligation: input.obligation, period: input.period, unit: input.unit, name: input.name ?? null, email: input.email.trim(), delegated_by: input.delegatedBy, delegated_at: input.delegatedAt })
    .execute();
  return { ...input, id, email: input.email.trim() };
}

type DelegationRow = { id: string; org: string; obligation: string; period: string; unit: string; name: string | null; email: string; delegated_by: string; delegated_at: Date };
const delegationOf = (r: DelegationRow): Delegation => ({
  id: r.id,
  org: r.org,
  obligation: r.obligation,
  period: r.period,
  unit: r.unit,
  ...(r.name ? { name: r.name } : {}),
  email: r.email,
  delegatedBy: r.delegated_by,
  delegatedAt: r.delegated_at,
});

export async function delegationById(db: Records, id: string): Promise<Delegation | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db.selectFrom('unit_delegations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? delegationOf(row) : undefined;
}

/** A cycle's delegations, oldest first; one unit's where it is named. */
export async function delegationsOf(db: Records, key: { org: string; obligation: string; period: string }, unit?: string): Promise<Delegation[]> {
  let query = db.selectFrom('unit_delegations').selectAll().where('org', '=', key.org).where('obligation', '=', key.obligation).where('period', '=', key.period);
  if (unit) query = query.where('unit', '=', unit);
  return (await query.orderBy('delegated_at').orderBy('id').execute()).map(delegationOf);
}

// --- Substitutions -------------------------------------------------------------------------

export async function addSubstitution(db: Records, input: Omit<Substitution, 'id' | 'personEmail'> & { personEmail: string }): Promise<Substitution> {
  const id = randomUUID();
  const personEmail = lower(input.personEmail);
  await db
    .insertInto('substitutions')
    .values({
      id,
      org: input.org,
      person_email: personEmail,
      substitute_name: input.substitute.name ?? null,
      substitute_email: input.substitute.email.trim(),
      from_date: input.from,
      until_date: input.until,
      copy_person: input.copyPerson,
      created_by: input.createdBy,
      created_at: input.createdAt,
    })
    .execute();
  return { ...input, id, personEmail };
}

type SubstitutionRow = { id: string; org: string; person_email: string; substitute_name: string | null; substitute_email: string; from_date: string; until_date: string; copy_person: boolean; created_by: string; created_at: Date };
const substitutionOf = (r: SubstitutionRow): Substitution => ({
  id: r.id,
  org: r.org,
  personEmail: r.person_email,
  substitute: { ...(r.substitute_name ? { name: r.substitute_name } : {}), email: r.substitute_email },
  from: r.from_date,
  until: r.until_date,
  copyPerson: r.copy_person,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** The organisation's substitutions not removed, by their first day. */
export async function substitutionsOf(db: Records, org: string): Promise<Substitution[]> {
  const rows = await db.selectFrom('substitutions').selectAll().where('org', '=', org).where('removed_at', 'is', null).orderBy('from_date').orderBy('created_at').execute();
  return rows.map(substitutionOf);
}

/**
 * The substitution that applies to each address on a day (YYYY-MM-DD in the organisation's
 * calendar), by address in lower case; of two that overlap, the one set last.
 */
export async function substitutionsOn(db: Records, org: string, emails: readonly string[], day: string): Promise<Map<string, Substitution>> {
  const wanted = [...new Set(emails.map(lower))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('substitutions')
    .selectAll()
    .where('org', '=', org)
    .where('removed_at', 'is', null)
    .where('person_email', 'in', wanted)
    .where('from_date', '<=', day)
    .where('until_date', '>=', day)
    .orderBy('created_at')
    .execute();
  return new Map(rows.map((r) => [r.person_email, substitutionOf(r)]));
}

/** Removed, not deleted: what was in force when a mail went stays on record. Whether there was one to remove. */
export async function removeSubstitution(db: Records, org: string, id: string, by: string, at: Date): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const result = await db.updateTable('substitutions').set({ removed_by: by, removed_at: at }).where('org', '=', org).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// --- A unit's contacts ---------------------------------------------------------------------

export async function setUnitContacts(db: Records, input: UnitContactsOverride): Promise<void> {
  const values = { contacts: JSON.stringify(input.contacts), head: input.head ? JSON.stringify(input.head) : null, changed_by: input.changedBy, changed_at: input.changedAt };
  await db
    .insertInto('unit_contacts')
    .values({ org: input.org, unit: input.unit, ...values })
    .onConflict((oc) => oc.columns(['org', 'unit']).doUpdateSet(values))
    .execute();
}

/** Back to the config's contacts and head. Whether there was an override. */
export async function clearUnitContacts(db: Records, org: string, unit: string): Promise<boolean> {
  const result = await db.deleteFrom('unit_contacts').where('org', '=', org).where('unit', '=', unit).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The organisation's overrides, by unit. */
export async function unitContactOverrides(db: Records, org: string, unit?: string): Promise<Map<string, UnitContactsOverride>> {
  let query = db.selectFrom('unit_contacts').selectAll().where('org', '=', org);
  if (unit) query = query.where('unit', '=', unit);
  const rows = await query.execute();
  return new Map(
    rows.map((r) => [
      r.unit,
      { org: r.org, unit: r.unit, contacts: (r.contacts ?? []).map(contactOf), ...(r.head ? { head: contactOf(r.head) } : {}), changedBy: r.changed_by, changedAt: r.changed_at },
    ]),
  );
}
