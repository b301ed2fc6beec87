/**
 * The mail log on both databases: a retried activity that records the same mail again writes one
 * row, a later outcome replaces an earlier one but never a delivery, and what was recorded reads
 * back by address and by Message-ID.
 */
import { sentMailsInLog } from '../../activities/sent-mails';
import { openRecords, type Records } from '../../records/database';
import { mailsTo, recordMail, sentBefore } from '../../records/mail-log';
import { migrateToLatest } from '../../records/migrate';
import { RECORDS_BACKENDS, type RecordsBackend } from '../helpers/records';

jest.setTimeout(60_000);

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  let db: Records;

  beforeAll(async () => {
    backend = await startBackend();
    db = await openRecords(await backend.freshDatabase());
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await backend?.stop();
  });

  const request = {
    scope: 'solna/annual-follow-up/2025/omsorg',
    kind: 'request',
    messageId: '<request.omsorg.2025@uppfoljning.solna.example>',
    address: 'Anna.Berg@Solna.example',
  };

  test('a mail recorded again is one row, with the newer outcome, and a delivery stays a delivery', async () => {
    const at = new Date('2026-01-15T08:00:00Z');
    await recordMail(db, { ...request, outcome: 'put-off', serverResponse: '451 4.7.1 Try again later', at });
    await recordMail(db, { ...request, outcome: 'put-off', serverResponse: '451 4.7.1 Try again later', at });
    expect(await sentBefore(db, request.messageId, request.address)).toBe(false);

    const delivered = new Date('2026-01-15T08:05:00Z');
    await recordMail(db, { ...request, address: ' anna.berg@solna.example ', outcome: 'delivered', serverResponse: '250 2.0.0 Ok: queued', at: delivered });
    // A retried attempt that failed after the server took the mail cannot take the delivery back.
    await recordMail(db, { ...request, outcome: 'failed', serverResponse: 'Connection closed', at: new Date('2026-01-15T08:06:00Z') });

    const mails = await mailsTo(db, 'ANNA.BERG@solna.example');
    expect(mails).toEqual([
      { scope: request.scope, kind: 'request', sequence: 0, messageId: request.messageId, address: 'anna.berg@solna.example', outcome: 'delivered', serverResponse: '250 2.0.0 Ok: queued', at: delivered },
    ]);
    expect(await sentBefore(db, request.messageId, 'anna.berg@SOLNA.example')).toBe(true);
    expect(await sentBefore(db, request.messageId, 'someone.else@solna.example')).toBe(false);
  });

  test('where there is a database, the sender finds the mails the server took in the mail log, and earlier ones in its former record', async () => {
    const scope = 'solna.annual-follow-up.2025';
    const messageId = '<solna.annual-follow-up.2025.omsorg.reminder.1@uppfoljning.solna.example>';
    const formerly = { sentAt: async (_s: string, id: string) => (id === '<from-before@x>' ? '2025-01-02T08:00:00.000Z' : undefined), record: async () => undefined };
    const sent = sentMailsInLog(db, formerly);
    await recordMail(db, { scope, kind: 'reminder', sequence: 1, messageId, address: 'omsorg@solna.example', outcome: 'put-off', serverResponse: '451 Try again later', at: new Date('2026-01-20T08:00:00Z') });
    // Put off is not taken: a retry sends it.
    expect(await sent.sentAt(scope, messageId)).toBeUndefined();
    await recordMail(db, { scope, kind: 'reminder', sequence: 1, messageId, address: 'omsorg@solna.example', outcome: 'delivered', at: new Date('2026-01-20T09:00:00Z') });
    expect(await sent.sentAt(scope, messageId)).toBe('2026-01-20T09:00:00.000Z');
    expect(await sent.sentAt('solna.annual-follow-up.2024', messageId)).toBeUndefined();
    expect(await sent.sentAt(scope, '<from-before@x>')).toBe('2025-01-02T08:00:00.000Z');
  });

  test('each mail to an address reads back, oldest first; refusals keep the server\'s words', async () => {
    const address = 'chef.omsorg@solna.example';
    await recordMail(db, { scope: request.scope, kind: 'reminder', sequence: 2, messageId: '<reminder-2@x>', address, outcome: 'refused', serverResponse: '550 5.1.1 No such user', at: new Date('2026-02-02T08:00:00Z') });
    await recordMail(db, { scope: request.scope, kind: 'reminder', sequence: 1, messageId: '<reminder-1@x>', address, outcome: 'delivered', at: new Date('2026-01-26T08:00:00Z') });
    await recordMail(db, { scope: request.scope, kind: 'escalation', messageId: '<escalation@x>', address: 'other@solna.example', outcome: 'delivered', at: new Date('2026-02-03T08:00:00Z') });

    const mails = await mailsTo(db, address);
    expect(mails.map((m) => [m.kind, m.sequence, m.outcome, m.serverResponse])).toEqual([
      ['reminder', 1, 'delivered', undefined],
      ['reminder', 2, 'refused', '550 5.1.1 No such user'],
    ]);
    expect(await sentBefore(db, '<reminder-2@x>', address)).toBe(false);
    expect(await mailsTo(db, 'nobody@solna.example')).toEqual([]);
  });
});
