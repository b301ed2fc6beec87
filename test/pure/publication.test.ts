/** What may be published: only the fields the config lists, contact details only where it also says so. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../config/load';
import { buildPublicFeed, publicFeedSchema } from '../../domain/publication';
import { emptyRegister } from '../../activities/register-reader';
import { PROJECT_ROOT } from '../helpers/environment';

const kungalvText = readFileSync(path.join(PROJECT_ROOT, 'config/examples/kungalv.yaml'), 'utf8');
const withPublication = (projects: string) => kungalvText.replace(/\n {4}projects: \{ fields: \[[^\]]*\] \}\n/, `\n    projects: ${projects}\n`);

test('a contact detail is refused unless the register is marked for contact details too', () => {
  expect(() => parseConfigText(withPublication('{ fields: [title, contactEmail] }'), 'kungalv.yaml')).toThrow(ConfigError);
  expect(() => parseConfigText(withPublication('{ fields: [title, contactEmail] }'), 'kungalv.yaml')).toThrow(/contactEmail" is a contact detail; publish it only with "contactDetails: true"/);
  expect(() => parseConfigText(withPublication('{ fields: [title, owner] }'), 'kungalv.yaml')).toThrow(/fields/);
  const marked = parseConfigText(withPublication('{ fields: [title, contactName], contactDetails: true }'), 'kungalv.yaml');
  expect(marked.publication?.registers.projects).toEqual({ fields: ['title', 'contactName'], contactDetails: true });
});

test('the feed carries the listed fields only, and the owner where contact details are published', () => {
  const register = {
    ...emptyRegister('kungalv'),
    projects: [{ id: 'p1', title: 'Nordplus', unitId: 'sektor-omsorg', plannedStart: '2027-01-01', partners: ['Tønsberg'], euFunded: true, stage: 'project' as const, state: 'registered' as const, startedWithoutApproval: false, registeredAt: '2026-12-01T10:00:00Z' }],
  };
  const base = { org: { id: 'kungalv', name: 'Kungälvs kommun', language: 'sv' as const }, unitName: (id: string) => `Enhet ${id}`, register, now: new Date('2026-12-03T12:00:00Z') };
  const owners = new Map([['projects/p1', { name: 'Viktor Hallberg', email: 'viktor.hallberg@kungalv.example' }]]);
  const plain = buildPublicFeed({ ...base, settings: { registers: { projects: { fields: ['title', 'euFunded', 'contactEmail'] } } }, owners });
  // Listed but not marked: left out even when known.
  expect(plain.registers[0]!.items).toEqual([{ title: 'Nordplus', euFunded: true }]);
  const marked = buildPublicFeed({ ...base, settings: { registers: { projects: { fields: ['title', 'unit', 'contactName', 'contactEmail'], contactDetails: true } } }, owners, language: 'en' });
  expect(marked.registers[0]).toMatchObject({ title: 'Projects', fields: [{ id: 'title', label: 'Title' }, { id: 'unit', label: 'Unit' }, { id: 'contactName', label: 'Contact' }, { id: 'contactEmail', label: 'E-mail' }] });
  expect(marked.registers[0]!.items).toEqual([{ title: 'Nordplus', unit: 'Enhet sektor-omsorg', contactName: 'Viktor Hallberg', contactEmail: 'viktor.hallberg@kungalv.example' }]);
  expect(() => publicFeedSchema.parse(marked)).not.toThrow();
});
