/**
 * People beside the config, in the database of record (PGlite, as `npm start` runs it): a unit's
 * answer handed to a colleague, a person's substitute on the days set (the one set last where two
 * overlap, none once removed), and a unit's contacts set from the web and taken back.
 */
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { addDelegation, addSubstitution, clearUnitContacts, delegationById, delegationsOf, removeSubstitution, setUnitContacts, substitutionsOf, substitutionsOn, unitContactOverrides } from '../../records/people';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';

jest.setTimeout(60_000);

let backend: RecordsBackend;
let db: Records;

beforeAll(async () => {
  backend = await startEmbeddedBackend();
  db = await openRecords(await backend.freshDatabase());
  await migrateToLatest(db);
});
afterAll(async () => {
  await db?.destroy();
  await backend?.stop();
});

const cycle = { org: 'solna', obligation: 'annual-follow-up', period: '2026' };

test("a delegation is kept with who handed it over, read back by its id and by the cycle's unit", async () => {
  const at = new Date('2026-02-02T09:00:00Z');
  const first = await addDelegation(db, { ...cycle, unit: 'omsorg', name: 'Per Ek', email: ' per.ek@solna.example ', delegatedBy: 'Karin Sandberg', delegatedAt: at });
  // A shared mailbox: an address without a name.
  await addDelegation(db, { ...cycle, unit: 'omsorg', email: 'omsorg.internationellt@solna.example', delegatedBy: 'Karin Sandberg', delegatedAt: new Date('2026-02-03T09:00:00Z') });
  await addDelegation(db, { ...cycle, unit: 'tekniska', email: 'x@solna.example', delegatedBy: 'Mikael Öberg', delegatedAt: at });

  expect(await delegationById(db, first.id)).toEqual({ ...cycle, id: first.id, unit: 'omsorg', name: 'Per Ek', email: 'per.ek@solna.example', delegatedBy: 'Karin Sandberg', delegatedAt: at });
  expect(await delegationById(db, 'not-an-id')).toBeUndefined();
  const omsorg = await delegationsOf(db, cycle, 'omsorg');
  expect(omsorg.map((d) => [d.email, d.name])).toEqual([
    ['per.ek@solna.example', 'Per Ek'],
    ['omsorg.internationellt@solna.example', undefined],
  ]);
  expect(await delegationsOf(db, cycle)).toHaveLength(3);
  expect(await delegationsOf(db, { ...cycle, period: '2027' })).toEqual([]);
});

test('a substitute applies on the days set, both included, to the address in any case; the later of two overlapping wins; a removed one no longer applies', async () => {
  const base = { org: 'solna', createdBy: 'Anna Berg (anna.berg)', createdAt: new Date('2026-01-10T10:00:00Z') };
  const leave = await addSubstitution(db, { ...base, personEmail: 'Karin.Sandberg@solna.example', substitute: { name: 'Per Ek', email: 'per.ek@solna.example' }, from: '2026-02-01', until: '2026-02-14', copyPerson: true });
  expect(leave.personEmail).toBe('karin.sandberg@solna.example');
  const on = (day: string) => substitutionsOn(db, 'solna', ['KARIN.SANDBERG@solna.example', 'mikael.oberg@solna.example'], day);

  expect((await on('2026-01-31')).size).toBe(0);
  expect((await on('2026-02-01')).get('karin.sandberg@solna.example')).toMatchObject({ substitute: { name: 'Per Ek', email: 'per.ek@solna.example' }, copyPerson: true, until: '2026-02-14' });
  expect((await on('2026-02-14')).get('karin.sandberg@solna.example')?.id).toBe(leave.id);
  expect((await on('2026-02-15')).size).toBe(0);
  // Another organisation's substitutions are its own.
  expect((await substitutionsOn(db, 'falun', ['karin.sandberg@solna.example'], '2026-02-05')).size).toBe(0);

  const later = await addSubstitution(db, { ...base, createdAt: new Date('2026-01-20T10:00:00Z'), personEmail: 'karin.sandberg@solna.example', substitute: { email: 'omsorg@solna.example' }, from: '2026-02-10', until: '2026-02-20', copyPerson: false });
  expect((await on('2026-02-12')).get('karin.sandberg@solna.example')).toMatchObject({ id: later.id, substitute: { email: 'omsorg@solna.example' }, copyPerson: false });
  expect((await substitutionsOf(db, 'solna')).map((s) => s.id)).toEqual([leave.id, later.id]);

  expect(await removeSubstitution(db, 'solna', later.id, 'Anna Berg (anna.berg)', new Date('2026-01-21T10:00:00Z'))).toBe(true);
  expect(await removeSubstitution(db, 'solna', later.id, 'Anna Berg (anna.berg)', new Date())).toBe(false);
  expect((await on('2026-02-12')).get('karin.sandberg@solna.example')?.id).toBe(leave.id);
  expect((await substitutionsOf(db, 'solna')).map((s) => s.id)).toEqual([leave.id]);
  // Kept, with who removed it: what was in force when a mail went stays on record.
  const kept = await db.selectFrom('substitutions').select(['removed_by']).where('id', '=', later.id).executeTakeFirstOrThrow();
  expect(kept.removed_by).toBe('Anna Berg (anna.berg)');

  // The database refuses a range that ends before it starts.
  await expect(addSubstitution(db, { ...base, personEmail: 'a@solna.example', substitute: { email: 'b@solna.example' }, from: '2026-03-02', until: '2026-03-01', copyPerson: false })).rejects.toThrow();
});

test("a unit's contacts set from the web replace the config's until taken back, a shared mailbox among them", async () => {
  await setUnitContacts(db, { org: 'solna', unit: 'kultur-fritid', contacts: [{ email: 'kultur.internationellt@solna.example' }, { name: 'Sofia Bergström', email: 'sofia.bergstrom@solna.example' }], changedBy: 'Anna Berg (anna.berg)', changedAt: new Date('2026-01-05T08:00:00Z') });
  expect((await unitContactOverrides(db, 'solna')).get('kultur-fritid')).toEqual({
    org: 'solna',
    unit: 'kultur-fritid',
    contacts: [{ email: 'kultur.internationellt@solna.example' }, { name: 'Sofia Bergström', email: 'sofia.bergstrom@solna.example' }],
    changedBy: 'Anna Berg (anna.berg)',
    changedAt: new Date('2026-01-05T08:00:00Z'),
  });
  // Set again: the newer replaces it, a head with it.
  await setUnitContacts(db, { org: 'solna', unit: 'kultur-fritid', contacts: [{ email: 'kultur.internationellt@solna.example' }], head: { name: 'Ny Chef', email: 'ny.chef@solna.example' }, changedBy: 'Bo (bo)', changedAt: new Date('2026-01-06T08:00:00Z') });
  expect((await unitContactOverrides(db, 'solna', 'kultur-fritid')).get('kultur-fritid')).toMatchObject({ contacts: [{ email: 'kultur.internationellt@solna.example' }], head: { name: 'Ny Chef', email: 'ny.chef@solna.example' }, changedBy: 'Bo (bo)' });
  expect(await clearUnitContacts(db, 'solna', 'kultur-fritid')).toBe(true);
  expect(await clearUnitContacts(db, 'solna', 'kultur-fritid')).toBe(false);
  expect((await unitContactOverrides(db, 'solna')).size).toBe(0);
});
