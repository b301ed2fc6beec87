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
  /** Set once withdrawn (by the contact from their link, or by the secretariat): the colleague's link no longer works. */
  withdrawnBy?: string;
  withdrawnAt?: Date;
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
  /** Set once removed: what was in force stays on record. */
  removedBy?: string;
  removedAt?: Date;
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

type DelegationRow = { id: string; org: string; obligation: string; period: string; unit: string; name: string | null; email: string; delegated_by: string; delegated_at: Date; withdrawn_by: string | null; withdrawn_at: Date | null };
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
  ...(r.withdrawn_at ? { withdrawnBy: r.withdrawn_by ?? '', withdrawnAt: r.withdrawn_at } : {}),
});

export async function delegationById(db: Records, id: string): Promise<Delegation | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db.selectFrom('unit_delegations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? delegationOf(row) : undefined;
}

/**
 * A cycle's delegations in force, oldest first; one unit's where it is named. With `withdrawn`,
 * those withdrawn too (what the cycle's history and the archive show).
 */
export async function delegationsOf(db: Records, key: { org: string; obligation: string; period: string }, unit?: string, options: { withdrawn?: boolean } = {}): Promise<Delegation[]> {
  let query = db.selectFrom('unit_delegations').selectAll().where('org', '=', key.org).where('obligation', '=', key.obligation).where('period', '=', key.period);
  if (unit) query = query.where('unit', '=', unit);
  if (!options.withdrawn) query = query.where('withdrawn_at', 'is', null);
  return (await query.orderBy('delegated_at').orderBy('id').execute()).map(delegationOf);
}

/** The organisation's delegations in force, of every cycle, oldest first: what the secretariat may withdraw. */
export async function delegationsInForce(db: Records, org: string): Promise<Delegation[]> {
  return (await db.selectFrom('unit_delegations').selectAll().where('org', '=', org).where('withdrawn_at', 'is', null).orderBy('delegated_at').orderBy('id').execute()).map(delegationOf);
}

/**
 * Withdraws a delegation in force, of the organisation (and of the cycle and unit, where they are
 * named: a contact's link reaches only its own unit's). Kept, not deleted: who handed what to whom
 * stays on record. The delegation as it was, or undefined when there was none in force to withdraw.
 */
export async function withdrawDelegation(
  db: Records,
  where: { org: string; id: string; obligation?: string; period?: string; unit?: string },
  by: string,
  at: Date,
): Promise<Delegation | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(where.id)) return undefined;
  let query = db.updateTable('unit_delegations').set({ withdrawn_by: by, withdrawn_at: at }).where('org', '=', where.org).where('id', '=', where.id).where('withdrawn_at', 'is', null);
  if (where.obligation !== undefined) query = query.where('obligation', '=', where.obligation);
  if (where.period !== undefined) query = query.where('period', '=', where.period);
  if (where.unit !== undefined) query = query.where('unit', '=', where.unit);
  const row = await query.returningAll().executeTakeFirst();
  return row ? delegationOf(row) : undefined;
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

type SubstitutionRow = { id: string; org: string; person_email: string; substitute_name: string | null; substitute_email: string; from_date: string; until_date: string; copy_person: boolean; created_by: string; created_at: Date; removed_by: string | null; removed_at: Date | null };
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
  ...(r.removed_at ? { removedBy: r.removed_by ?? '', removedAt: r.removed_at } : {}),
});

/** The organisation's substitutions not removed, by their first day. */
export async function substitutionsOf(db: Records, org: string): Promise<Substitution[]> {
  const rows = await db.selectFrom('substitutions').selectAll().where('org', '=', org).where('removed_at', 'is', null).orderBy('from_date').orderBy('created_at').execute();
  return rows.map(substitutionOf);
}

/**
 * The organisation's substitutions of a year, removed ones too, by their first day: those whose days
 * reach into it (days YYYY-MM-DD, both included) or that were set or removed in [from, until).
 */
export async function substitutionsOfYear(db: Records, org: string, days: { first: string; last: string }, range: { from: Date; until: Date }): Promise<Substitution[]> {
  const rows = await db
    .selectFrom('substitutions')
    .selectAll()
    .where('org', '=', org)
    .where((eb) =>
      eb.or([
        eb.and([eb('from_date', '<=', days.last), eb('until_date', '>=', days.first)]),
        eb.and([eb('created_at', '>=', range.from), eb('created_at', '<', range.until)]),
        eb.and([eb('removed_at', '>=', range.from), eb('removed_at', '<', range.until)]),
      ]),
    )
    .orderBy('from_date')
    .orderBy('created_at')
    .execute();
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

/** Sets a unit's contacts over the config's; the change is kept as a record of its own too (unit_contact_changes). */
export async function setUnitContacts(db: Records, input: UnitContactsOverride): Promise<void> {
  const values = { contacts: JSON.stringify(input.contacts), head: input.head ? JSON.stringify(input.head) : null, changed_by: input.changedBy, changed_at: input.changedAt };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('unit_contacts')
      .values({ org: input.org, unit: input.unit, ...values })
      .onConflict((oc) => oc.columns(['org', 'unit']).doUpdateSet(values))
      .execute();
    await trx.insertInto('unit_contact_changes').values({ org: input.org, unit: input.unit, ...values }).execute();
  });
}

/**
 * Back to the config's contacts and head. Whether there was an override. With `change` (who, when),
 * the return to the config is kept as a change on record (contacts null).
 */
export async function clearUnitContacts(db: Records, org: string, unit: string, change?: { by: string; at: Date }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.deleteFrom('unit_contacts').where('org', '=', org).where('unit', '=', unit).executeTakeFirst();
    const cleared = Number(result.numDeletedRows) > 0;
    if (cleared && change) await trx.insertInto('unit_contact_changes').values({ org, unit, contacts: null, head: null, changed_by: change.by, changed_at: change.at }).execute();
    return cleared;
  });
}

/** One change of a unit's contacts on record; no contacts: back to the config's. */
export interface UnitContactChange {
  id: string;
  org: string;
  unit: string;
  contacts?: Contact[];
  head?: Contact;
  changedBy: string;
  changedAt: Date;
}

/** The organisation's changes of units' contacts made in [from, until), oldest first. */
export async function unitContactChanges(db: Records, org: string, range: { from: Date; until: Date }): Promise<UnitContactChange[]> {
  const rows = await db.selectFrom('unit_contact_changes').selectAll().where('org', '=', org).where('changed_at', '>=', range.from).where('changed_at', '<', range.until).orderBy('changed_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: String(r.id),
    org: r.org,
    unit: r.unit,
    ...(r.contacts ? { contacts: r.contacts.map(contactOf) } : {}),
    ...(r.head ? { head: contactOf(r.head) } : {}),
    changedBy: r.changed_by,
    changedAt: r.changed_at,
  }));
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
