/**
 * A relay's limit: the worker hands mails to SMTP no faster than FOLLOWUP_MAIL_PER_MINUTE, evenly
 * spaced, however many mailings ask at once; every one still arrives.
 */
import { createSmtpMailer, TransientMailError, withMailRate, type OutgoingMail } from '../../activities/mailer';
import { environmentSchema } from '../../config/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(() => smtp.close());

const mail = (i: number): OutgoingMail => ({
  from: { name: 'Sekretariatet', address: 'sekretariatet@solna.example' },
  to: [{ name: `Kontakt ${i}`, address: `kontakt-${i}@solna.example` }],
  envelopeTo: `kontakt-${i}@solna.example`,
  subject: `Påminnelse ${i}`,
  text: 'Hej',
  messageId: `<rate.${i}@solna.example>`,
  date: new Date('2027-02-01T08:00:00Z'),
  language: 'sv',
});

test('eight mails asked for at once at 240 a minute arrive a quarter of a second apart, all of them', async () => {
  const mailer = createSmtpMailer(smtp.url, { pool: false, perMinute: 240 });
  const arrived: number[] = [];
  // When the relay sees each mail's connection (one per mail, unpooled): what its limit counts.
  const connected: number[] = [];
  const started = Date.now();
  smtp.refuseConnections = () => void connected.push(Date.now() - started);
  try {
    await Promise.all(Array.from({ length: 8 }, (_, i) => mailer.send(mail(i)).then(() => arrived.push(Date.now() - started))));
  } finally {
    smtp.refuseConnections = undefined;
    mailer.close();
  }
  expect(smtp.received.map((m) => m.messageId).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `<rate.${i}@solna.example>`).sort());
  arrived.sort((a, b) => a - b);
  // Seven gaps of 250 ms: not before 1.75 s, and not much later either.
  expect(arrived.at(-1)!).toBeGreaterThanOrEqual(1_740);
  expect(arrived.at(-1)!).toBeLessThan(4_000);
  // No mail before its turn: the k-th reaches the relay no sooner than k quarters of a second after
  // the first was asked for. (A turn's timer on a busy machine may fire late, never early, so two
  // mails can end closer together than their turns; the limit is on how many, not how evenly.)
  expect(connected).toHaveLength(8);
  connected.sort((a, b) => a - b).forEach((at, k) => expect(at).toBeGreaterThanOrEqual(k * 250 - 10));
});

test('a mail whose turn is further off than half a minute is put off, not held past its activity\'s time, and sent on a later try', async () => {
  // Four mails at 4 a minute: turns at 0, 15, 30 and 45 s. Time passes only in the fake sleep.
  const mailer = withMailRate(createSmtpMailer(smtp.url, { pool: false }), 4, async () => undefined);
  const before = smtp.received.length;
  const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => mailer.send(mail(100 + i))));
  mailer.close();
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
  const putOff = (outcomes[3] as PromiseRejectedResult).reason as Error;
  expect(putOff).toBeInstanceOf(TransientMailError);
  expect(putOff.message).toContain('FOLLOWUP_MAIL_PER_MINUTE');
  expect(smtp.received.length - before).toBe(3);
});

test('the rate is a setting of the environment: unset, none; a number of mails a minute', () => {
  const base = { FOLLOWUP_LINK_SECRET: 'x'.repeat(32) };
  expect(environmentSchema.parse(base).FOLLOWUP_MAIL_PER_MINUTE).toBeUndefined();
  expect(environmentSchema.parse({ ...base, FOLLOWUP_MAIL_PER_MINUTE: '600' }).FOLLOWUP_MAIL_PER_MINUTE).toBe(600);
  expect(environmentSchema.safeParse({ ...base, FOLLOWUP_MAIL_PER_MINUTE: '0' }).success).toBe(false);
});
