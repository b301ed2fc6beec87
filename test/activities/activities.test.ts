import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createActivities } from '../../activities';
import { ArchiveError, createFileArchive } from '../../activities/archive';
import { createSmtpMailer, PermanentMailError, TransientMailError, type OutgoingMail } from '../../activities/mailer';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { UnitStatus } from '../../domain/types';
import { SOLNA_CONFIG } from '../helpers/environment';
import { activitiesFor } from '../helpers/activities';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const solna = loadConfigFile(SOLNA_CONFIG);
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const plan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
const hostile = '<script>alert(1)</script> {{secretariat.email}} *fet* [länk](javascript:x)';

let smtp: TestSmtpServer;
let archiveDir: string;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-archive-'));
  activities = activitiesFor([solna], archiveDir, { smtpUrl: smtp.url, clock: () => new Date('2027-03-01T08:00:00Z') });
});
afterAll(() => smtp.close());
beforeEach(() => {
  smtp.received.length = 0;
  smtp.refuseConnections = undefined;
  smtp.refuseRecipient = undefined;
});

const mail: OutgoingMail = {
  from: { name: 'Sekretariatet', address: 'sekretariatet@solna.example' },
  to: [{ name: 'Anna', address: 'anna@solna.example' }],
  envelopeTo: 'anna@solna.example',
  subject: 'Test',
  text: 'Hej',
  messageId: '<x.1@solna.example>',
  date: new Date('2027-01-15T08:00:00Z'),
  language: 'sv',
};

describe('the SMTP mailer sorts failures into retry and give up', () => {
  test('a delivered mail keeps its Message-ID, date and language', async () => {
    await createSmtpMailer(smtp.url, { pool: false }).send(mail);
    expect(smtp.received[0]).toMatchObject({ messageId: '<x.1@solna.example>', language: 'sv', subject: 'Test' });
    expect(smtp.received[0]!.date.toISOString()).toBe('2027-01-15T08:00:00.000Z');
  });

  test('5xx is permanent', async () => {
    smtp.refuseRecipient = () => ({ code: 550, message: 'No such user' });
    await expect(createSmtpMailer(smtp.url, { pool: false }).send(mail)).rejects.toThrow(PermanentMailError);
  });

  test('4xx and an unreachable server are transient', async () => {
    smtp.refuseConnections = () => ({ code: 421, message: 'Try later' });
    await expect(createSmtpMailer(smtp.url, { pool: false }).send(mail)).rejects.toThrow(TransientMailError);
    await expect(createSmtpMailer('smtp://127.0.0.1:1', { pool: false }).send(mail)).rejects.toThrow(/mail server is unavailable/);
  });
});

describe('unit mails', () => {
  test('the request goes to each contact person in their language with the same Message-ID on every retry', async () => {
    const input = { key, unitId: 'tekniska', kind: 'request' as const, sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt };
    const first = await activities.sendUnitMail(input);
    const again = await activities.sendUnitMail(input);
    expect(again.messageIds).toEqual(first.messageIds);
    expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(['mikael.oberg@solna.example', 'linnea.dahl@solna.example', 'mikael.oberg@solna.example', 'linnea.dahl@solna.example']);
    expect(new Set(smtp.received.map((r) => r.messageId)).size).toBe(2);
    expect(smtp.received[0]!.mail.replyTo?.value[0]?.address).toBe('internationella.sekretariatet@solna.example');
    expect(smtp.received[0]!.mail.text).toContain('Hej Mikael Öberg,');
  });

  test('an escalation goes to the unit head, with the secretariat in copy, each in a delivery and Message-ID of their own', async () => {
    await activities.sendUnitMail({ key, unitId: 'omsorg', kind: 'escalation', sequence: 1, at: plan.escalationAt, plan, closesAt: plan.closesAt });
    const [escalation, copy] = smtp.received;
    expect(escalation!.envelopeTo).toEqual(['eva.lundgren@solna.example']);
    expect(copy!.envelopeTo).toEqual(['internationella.sekretariatet@solna.example']);
    expect(escalation!.mail.cc).toMatchObject({ value: [{ address: 'internationella.sekretariatet@solna.example' }] });
    expect(copy!.mail.to).toMatchObject({ value: [{ address: 'eva.lundgren@solna.example' }] });
    expect(copy!.messageId).not.toBe(escalation!.messageId);
    expect(escalation!.mail.text).toContain('kontaktpersonen (Karin Sandberg) har påmints');
    expect(copy!.mail.text).toBe(escalation!.mail.text);
  });

  test('a refused contact person does not stop the mail to the other, and the refusal names the address and the server\'s words', async () => {
    smtp.refuseRecipient = (address) => (address === 'mikael.oberg@solna.example' ? { code: 550, message: 'No such mailbox' } : undefined);
    const result = await activities.sendUnitMail({ key, unitId: 'tekniska', kind: 'request', sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt });
    expect(result.outcomes?.map((o) => [o.address, o.state])).toEqual([
      ['mikael.oberg@solna.example', 'refused'],
      ['linnea.dahl@solna.example', 'delivered'],
    ]);
    expect(result.outcomes?.[0]?.detail).toMatch(/550.*No such mailbox/);
    expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(['linnea.dahl@solna.example']);
  });

  test('a 4xx half-way is put off for that person only, and the retry mails only them', async () => {
    smtp.refuseRecipient = (address) => (address === 'linnea.dahl@solna.example' ? { code: 451, message: 'Greylisted, try later' } : undefined);
    const input = { key, unitId: 'tekniska', kind: 'request' as const, sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt };
    const first = await activities.sendUnitMail(input);
    expect(first.outcomes?.map((o) => o.state)).toEqual(['delivered', 'retrying']);
    smtp.refuseRecipient = undefined;
    const retry = await activities.sendUnitMail({ ...input, only: ['linnea.dahl@solna.example'] });
    expect(retry.outcomes?.map((o) => [o.address, o.state])).toEqual([['linnea.dahl@solna.example', 'delivered']]);
    expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(['mikael.oberg@solna.example', 'linnea.dahl@solna.example']);
  });

  test('a template that does not exist fails at once as a mail problem, without a retry', async () => {
    const broken = structuredClone(solna);
    const dataCall = obligationOf(broken, 'periodic-data-call');
    dataCall.templates.reminder = 'remnder';
    const withTypo = activitiesFor([broken], archiveDir, { smtpUrl: smtp.url });
    const result = await withTypo.sendUnitMail({ key, unitId: 'omsorg', kind: 'reminder', sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt });
    expect(result.outcomes).toEqual([expect.objectContaining({ address: 'karin.sandberg@solna.example', state: 'failed', detail: expect.stringMatching(/mail\/sv\/remnder\.txt\.hbs is missing/) })]);
    expect(smtp.received).toHaveLength(0);
  });

  test('a sender name with <…> and a subject with line breaks cannot change the headers', async () => {
    await createSmtpMailer(smtp.url, { pool: false }).send({
      ...mail,
      from: { name: 'Sekretariatet <evil@attacker.example>', address: 'sekretariatet@solna.example' },
      subject: 'Projekt\rBcc: evil@attacker.example\u2028Rad två',
    });
    const [received] = smtp.received;
    expect(received!.mail.from?.value).toEqual([{ name: 'Sekretariatet <evil@attacker.example>', address: 'sekretariatet@solna.example' }]);
    expect(received!.subject).toBe('Projekt Bcc: evil@attacker.example Rad två');
    expect(received!.mail.bcc).toBeUndefined();
    expect(received!.envelopeTo).toEqual(['anna@solna.example']);
  });

  test('an answer holding markup and template syntax shows as text in the receipt', async () => {
    const answer = { values: { eu_projects: hostile, other_work: 'Nej', effects: 'Inga' }, answeredAt: plan.opensAt, by: 'contact' as const, revision: 1 };
    await activities.sendUnitMail({ key, unitId: 'omsorg', kind: 'receipt', sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt, answer });
    expect(smtp.received[0]!.mail.text).toContain(hostile);
    expect(smtp.received[0]!.mail.html).toBe(false);
  });
});

describe('the report', () => {
  const outcome = (unitId: string, overrides: Partial<UnitStatus>): UnitStatus => ({
    unitId,
    state: 'requested',
    closed: true,
    plan,
    remindersSentAt: [],
    mailProblems: [],
    ...overrides,
  });

  test('escapes for each format and is archived under organisation, obligation and period', async () => {
    const outcomes = [
      outcome('omsorg', { state: 'answered', answer: { values: { eu_projects: hostile, other_work: 'Rad 1\nRad 2', effects: 'Inga' }, answeredAt: plan.opensAt, by: 'secretariat', revision: 2 } }),
      outcome('tekniska', { state: 'escalated', remindersSentAt: plan.reminderTimes, escalatedAt: plan.escalationAt }),
      outcome('kultur-fritid', { state: 'exempt', exempt: { reason: 'Omorganisation <b>', at: plan.opensAt } }),
    ];
    const parts = [await activities.stageOutcomes({ key, part: 0, outcomes: outcomes.slice(0, 2) }), await activities.stageOutcomes({ key, part: 1, outcomes: outcomes.slice(2) })];
    const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts, at: '2027-03-02T10:00:00Z' });
    expect(report).toEqual({
      html: 'solna/annual-follow-up/solna-annual-follow-up-2026.html',
      markdown: 'solna/annual-follow-up/solna-annual-follow-up-2026.md',
      pdf: 'solna/annual-follow-up/solna-annual-follow-up-2026.pdf',
      docx: 'solna/annual-follow-up/solna-annual-follow-up-2026.docx',
      asked: 2,
      answered: 1,
      exempt: 1,
    });
    const html = readFileSync(path.join(archiveDir, report.html), 'utf8');
    const markdown = readFileSync(path.join(archiveDir, report.markdown), 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; {{secretariat.email}}');
    expect(html).toContain('Omorganisation &lt;b&gt;');
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('> &lt;script&gt;alert(1)&lt;/script&gt; {{secretariat.email}} \\*fet\\* \\[länk\\](javascript:x)');
    expect(markdown).toContain('> Rad 1\n> Rad 2');
    expect(markdown).toContain('- Har inte svarat: **Tekniska förvaltningen**');
    expect(markdown).toContain('Påminnelser: 3 · Eskalerad till förvaltningschef 18 februari 2027 09:00');
    expect(markdown).toContain('_Svarade 15 januari 2027 09:00 · Registrerat av sekretariatet · version 2_');
    // Stamped with the workflow's time of compiling, not the worker's clock (2027-03-01).
    expect(markdown).toContain('Sammanställd 2 mars 2027 11:00');
  });

  test('the report names each address that bounced and each recipient it did not reach', async () => {
    const bounce = { kind: 'request' as const, sequence: 1, at: plan.opensAt, error: 'The mail server refused the mail permanently (550): No such mailbox', address: 'mikael.oberg@solna.example', state: 'refused' as const };
    const parts = [await activities.stageOutcomes({ key, part: 0, outcomes: [outcome('tekniska', { mailProblems: [bounce] })] })];
    const delivery = [{ address: 'kf.sekreterare@solna.example', state: 'refused' as const, messageId: '<r@x>', at: plan.closesAt, detail: '550 No such mailbox' }];
    const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts, delivery });
    const markdown = readFileSync(path.join(archiveDir, report.markdown), 'utf8');
    expect(markdown).toContain('- E-post som inte kom fram: **mikael.oberg@solna.example** (Tekniska förvaltningen, förfrågan)');
    expect(markdown).toContain('- Rapporten kom inte fram till: **kf.sekreterare@solna.example** – 550 No such mailbox');
  });

  test('archived files are readable by the service alone, and the staged outcomes go once the report is archived', async () => {
    const separate = mkdtempSync(path.join(tmpdir(), 'followup-archive-'));
    const archive = createFileArchive(path.join(separate, 'archive'));
    await archive.put('solna/annual-follow-up/.outcomes/2026/part-0000.json', '[]');
    await archive.put('solna/annual-follow-up/report.md', '# Rapport');
    expect(statSync(path.join(separate, 'archive', 'solna')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(separate, 'archive', 'solna/annual-follow-up/report.md')).mode & 0o777).toBe(0o600);
    await archive.remove('solna/annual-follow-up/.outcomes/2026');
    expect(existsSync(path.join(separate, 'archive', 'solna/annual-follow-up/.outcomes/2026'))).toBe(false);
    expect(existsSync(path.join(separate, 'archive', 'solna/annual-follow-up/report.md'))).toBe(true);
  });

  test('is delivered to every recipient of the configured bodies and the secretariat, with the PDF, the Word document and the web page attached', async () => {
    const parts = [await activities.stageOutcomes({ key, part: 0, outcomes: [outcome('omsorg', {})] })];
    const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts });
    await activities.deliverReport({ key, closedAt: plan.closesAt, report });
    expect(smtp.received.map((r) => r.envelopeTo[0])).toEqual(['kf.sekreterare@solna.example', 'int.kommitten@solna.example', 'internationella.sekretariatet@solna.example']);
    expect(smtp.received[0]!.mail.text).toContain('0 av 1 tillfrågade enhet har svarat');
    expect(smtp.received[0]!.mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/html']);
  });

  test('an unwritable archive fails with an error that says what to do', async () => {
    const notADirectory = path.join(archiveDir, 'plain-file');
    writeFileSync(notADirectory, 'x');
    const archive = createFileArchive(notADirectory);
    await expect(archive.put('solna/x.md', 'report')).rejects.toThrow(ArchiveError);
    await expect(archive.put('solna/x.md', 'report')).rejects.toThrow(/Make the folder writable or set FOLLOWUP_ARCHIVE_DIR/);
    await expect(archive.put('../outside.md', 'x')).rejects.toThrow(/outside the archive/);
  });
});
