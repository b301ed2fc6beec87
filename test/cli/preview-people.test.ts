/**
 * `followup preview` with a database of record (DATABASE_URL, npm start's PGlite): the contacts a
 * unit got in the web receive its mails, marked as set in the web over the config, and a person's
 * substitute on a mail's day gets that person's mail, marked with whom they stand in for. Without
 * DATABASE_URL the config's people are shown; the preview writes nothing to the database.
 */
import path from 'node:path';
import { DateTime } from 'luxon';
import { runCli } from '../../cli/program';
import { openRecords, type Records } from '../../records/database';
import { migrateToLatest } from '../../records/migrate';
import { addSubstitution, setUnitContacts } from '../../records/people';
import type { Preview } from '../../preview/mails';
import { PROJECT_ROOT } from '../helpers/environment';
import { startEmbeddedBackend, type RecordsBackend } from '../helpers/records';

jest.setTimeout(120_000);

let backend: RecordsBackend;
let url: string;
let db: Records;

beforeAll(async () => {
  backend = await startEmbeddedBackend();
  url = await backend.freshDatabase();
  db = await openRecords(url);
  await migrateToLatest(db);
});

afterAll(async () => {
  await db?.destroy();
  await backend?.stop();
});

async function followup(args: string[], databaseUrl?: string) {
  let out = '';
  let err = '';
  const env: NodeJS.ProcessEnv = { ...process.env, FOLLOWUP_CONFIG: path.join(PROJECT_ROOT, 'config/examples/solna.yaml'), TEMPORAL_ADDRESS: '127.0.0.1:1' };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env });
  return { code, out, err };
}

test("the preview mails the contacts set in the web and a person's substitute on the mail's day, marked as such", async () => {
  const period = String(new Date().getUTCFullYear() + 1);
  const args = ['preview', 'annual-follow-up', '--period', period];

  // Without a database: the config's people.
  const plain = JSON.parse((await followup([...args, '--json'])).out) as Preview;
  const request = (to: string, preview: Preview) => preview.mails.find((m) => m.kind === 'request' && m.to === to);
  const karins = request('karin.sandberg@solna.example', plain)!;
  expect(request('sofia.bergstrom@solna.example', plain)).toBeDefined();
  expect(plain.mails.some((m) => m.setInWeb || m.substituteFor)).toBe(false);

  // The culture department answers from a shared mailbox; Karin is away the day her request goes.
  await setUnitContacts(db, { org: 'solna', unit: 'kultur-fritid', contacts: [{ email: 'kultur.internationellt@solna.example' }], changedBy: 'Anna Berg (anna.berg)', changedAt: new Date() });
  const day = DateTime.fromISO(karins.at, { zone: 'Europe/Stockholm' });
  const until = day.plus({ days: 2 }).toISODate()!;
  await addSubstitution(db, { org: 'solna', personEmail: 'karin.sandberg@solna.example', substitute: { name: 'Per Ek', email: 'per.ek@solna.example' }, from: day.toISODate()!, until, copyPerson: false, createdBy: 'Anna Berg (anna.berg)', createdAt: new Date() });

  const json = await followup([...args, '--json'], url);
  expect(json.err).toBe('');
  expect(json.code).toBe(0);
  const preview = JSON.parse(json.out) as Preview;
  expect(request('sofia.bergstrom@solna.example', preview)).toBeUndefined();
  expect(request('kultur.internationellt@solna.example', preview)).toMatchObject({ setInWeb: true });
  expect(request('karin.sandberg@solna.example', preview)).toBeUndefined();
  const substitute = request('per.ek@solna.example', preview)!;
  expect(substitute).toMatchObject({ at: karins.at, substituteFor: `karin.sandberg@solna.example until ${until}`, subject: karins.subject });
  expect(substitute.text).toMatch(/^Du får detta som ersättare för Karin Sandberg \(karin\.sandberg@solna\.example\)/);
  expect(substitute.setInWeb).toBeUndefined();
  // After her days, Karin's own mails again (the escalation goes to the head, not to her).
  expect(preview.mails.filter((m) => m.to === 'karin.sandberg@solna.example' && m.at > karins.at).length).toBeGreaterThan(0);
  expect(preview.notes.join('\n')).toContain('Mottagarna är de som gäller i registret (DATABASE_URL) i dag');

  // As the terminal shows it.
  const human = await followup(args, url);
  expect(human.code).toBe(0);
  expect(human.out).toContain('kultur.internationellt@solna.example (set in the web, overrides the config)');
  expect(human.out).toContain(`per.ek@solna.example (substitute for karin.sandberg@solna.example until ${until})`);
  const summary = await followup([...args, '--summary'], url);
  expect(summary.out).toMatch(/request\s+kultur\.internationellt@solna\.example \(set in the web, overrides the config\)/);

  // Nothing was written: no mail on record, no webhook delivery.
  expect(await db.selectFrom('mail_log').select('id').execute()).toEqual([]);
  expect(await db.selectFrom('webhook_deliveries').selectAll().execute()).toEqual([]);
});
