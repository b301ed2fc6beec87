/**
 * Who a unit's mail goes to when it is sent, read from the database of record beside the config:
 * the contacts and head the secretariat set in the web (over the config's), the colleagues a
 * contact handed the answer to, and each person's substitute on the mail's day. Read by the
 * activities only, when a mail goes out: workflow histories keep unit ids, and the recorded ones
 * replay unchanged.
 */
import { DateTime } from 'luxon';
import type { PersonConfig, UnitConfig } from '../config/schema';
import type { CycleKey } from '../domain/ids';
import type { Records } from '../records/database';
import { delegationsOf, substitutionsOn, unitContactOverrides, type Contact, type Delegation, type Substitution } from '../records/people';
import type { Directory } from './directory';

/**
 * A contact as a person to mail. A shared mailbox may have no name: its address stands in for it
 * in the greeting and the To header, so nothing downstream needs a name to be there.
 */
export function personOf(contact: Contact): PersonConfig {
  return { name: contact.name ?? contact.email, email: contact.email, ...(contact.language ? { language: contact.language } : {}) };
}

export interface UnitPeople {
  /** The unit as the config has it, with the contacts and head set in the web where there are any. */
  unit(orgId: string, unitId: string): Promise<UnitConfig>;
  /** The colleagues the unit's contacts handed this cycle's answer to, oldest first. */
  delegates(key: CycleKey, unitId: string): Promise<Delegation[]>;
}

export function createUnitPeople(directory: Directory, records: Records | undefined): UnitPeople {
  return {
    async unit(orgId, unitId) {
      const unit = directory.unit(orgId, unitId);
      if (!records) return unit;
      const override = (await unitContactOverrides(records, orgId, unitId)).get(unitId);
      if (!override) return unit;
      return { ...unit, contacts: override.contacts.length ? override.contacts.map(personOf) : unit.contacts, head: override.head ? personOf(override.head) : unit.head };
    },
    async delegates(key, unitId) {
      if (!records) return [];
      return delegationsOf(records, { org: key.orgId, obligation: key.obligationId, period: key.period }, unitId);
    },
  };
}

/** The substitution that applies to each address (in lower case) on the day of `at` in the organisation's calendar. */
export type SubstitutesOn = (orgId: string, emails: readonly string[], at: Date) => Promise<Map<string, Substitution>>;

export function createSubstitutesOn(directory: Directory, records: Records): SubstitutesOn {
  return async (orgId, emails, at) => {
    let zone: string;
    try {
      zone = directory.organisation(orgId).organisation.timeZone;
    } catch {
      // A scope of no organisation loaded here (none is): nobody's substitute applies.
      return new Map();
    }
    const day = DateTime.fromJSDate(at, { zone }).toISODate()!;
    return substitutionsOn(records, orgId, emails, day);
  };
}
