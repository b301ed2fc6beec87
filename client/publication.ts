/** The organisation's public feed, read from its registers (and, where contact details are published, from each owner's workflow). */
import type { Client } from '@temporalio/client';
import type { OrganisationConfig } from '../config/schema';
import { buildPublicFeed, CONTACT_FIELDS, type PublicFeed } from '../domain/publication';
import type { Person } from '../domain/registers';
import type { Language } from '../domain/types';
import { agreementStatus } from './agreements';
import { projectStatus } from './projects';
import { readRegister } from './registers';

export class NothingPublishedError extends Error {
  override name = 'NothingPublishedError';
}

export async function loadPublicFeed(client: Client, config: OrganisationConfig, now: Date, language?: Language): Promise<PublicFeed> {
  const settings = config.publication;
  if (!settings) throw new NothingPublishedError(`${config.organisation.id} publishes nothing: add a "publication" section to its config naming the registers and fields that are public.`);
  const orgId = config.organisation.id;
  const register = await readRegister(client, orgId);
  const owners = new Map<string, Person>();
  const wantsContact = (r: 'projects' | 'agreements') => {
    const s = settings.registers[r];
    return Boolean(s?.contactDetails && s.fields.some((f) => CONTACT_FIELDS.includes(f)));
  };
  // Owners are not in the register's summaries: asked of each entry, a few at a time.
  const ask = async <T>(ids: string[], read: (id: string) => Promise<T & { owner: Person }>, prefix: string) => {
    for (let i = 0; i < ids.length; i += 20) {
      const found = await Promise.all(ids.slice(i, i + 20).map(async (id) => [id, (await read(id)).owner] as const));
      for (const [id, owner] of found) owners.set(`${prefix}/${id}`, owner);
    }
  };
  if (wantsContact('projects')) await ask(register.projects.map((p) => p.id), (id) => projectStatus(client, orgId, id), 'projects');
  if (wantsContact('agreements')) await ask(register.agreements.map((a) => a.id), (id) => agreementStatus(client, orgId, id), 'agreements');
  const names = new Map(config.units.map((u) => [u.id, u.name]));
  return buildPublicFeed({
    org: { id: orgId, name: config.organisation.name, language: config.organisation.language },
    unitName: (id, lang) => names.get(id)?.[lang] ?? id,
    settings,
    register,
    owners,
    language,
    now,
  });
}
