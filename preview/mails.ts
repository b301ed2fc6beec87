/**
 * Every mail a period of an obligation will send, rendered by the same activities that send them
 * (so the same templates, recipients and Message-IDs), into a recording mailer instead of SMTP.
 * Nothing is started and nothing is sent. Assumes nobody answers: receipts, and reminders that an
 * answer makes moot, depend on what people do.
 */
import { createActivities } from '../activities';
import { createArchiveInMemory } from './memory-archive';
import type { Mailer, OutgoingMail } from '../activities/mailer';
import type { Renderer } from '../activities/renderer';
import { createDirectory } from '../activities/directory';
import type { RegisterReader } from '../activities/register-reader';
import type { OrganisationConfig } from '../config/schema';
import { formatDate, planCycle, planRevision, revisionPeriodIds, latestEndedPeriod } from '../domain/calendar';
import type { CycleKey } from '../domain/ids';
import type { ArchivedReport, Language } from '../domain/types';
import type { AnswerLinks } from '../domain/answer-links';
import { DateTime } from 'luxon';

export interface PreviewMail {
  /** The instant it is sent (ISO) and the same in the organisation's local time. */
  at: string;
  localTime: string;
  kind: string;
  to: string;
  /** Set when the person gets a copy of a mail to someone else (Cc). */
  copyOf?: string;
  subject: string;
  text: string;
  attachments: string[];
  messageId: string;
}

export interface Preview {
  obligationId: string;
  kind: string;
  period: string;
  mails: PreviewMail[];
  /** What the preview cannot show, in the organisation's language. */
  notes: string[];
}

export class PreviewError extends Error {
  override name = 'PreviewError';
}

type NoteKey = 'nobodyAnswers' | 'reportCounts' | 'registerBased' | 'occurrences';
const NOTES: Record<Language, Record<NoteKey, string>> = {
  sv: {
    nobodyAnswers: 'Förhandsvisningen antar att ingen svarar: kvitton skickas när någon svarar, och påminnelser och eskalering bara till enheter som inte har svarat.',
    reportCounts: 'Rapportens siffror är okända före stängningen; rapportmejlet visas med [antal] i stället.',
    registerBased: 'Den här skyldigheten skickar e-post när något registreras (projekt eller avtal); det finns inget schema att förhandsvisa.',
    occurrences: 'Varningarna skickas bara om antalet registrerade seminarier då är för lågt; här visas de som om inget registreras.',
  },
  en: {
    nobodyAnswers: 'The preview assumes nobody answers: receipts go out when someone answers, and reminders and the escalation only to units that have not.',
    reportCounts: 'The report\'s figures are unknown before closing; the report mail shows [count] instead.',
    registerBased: 'This obligation sends mail when something is registered (a project or an agreement); there is no schedule to preview.',
    occurrences: 'The warnings go out only if the count of registered seminars is still short then; they are shown as if nothing is registered.',
  },
};

/** A mailer that keeps what it is given: every person gets a mail of their own, as with SMTP. */
function recordingMailer(into: OutgoingMail[]): Mailer {
  return {
    async send(mail) {
      into.push(mail);
      return { messageId: mail.messageId, accepted: [mail.envelopeTo], rejected: [] };
    },
    close() {},
  };
}

const LINK_PLACEHOLDER = { sv: '[personlig-svarslank]', en: '[personal-answer-link]' };

/** The default period of a preview: the one a cycle started now would follow up. */
export function defaultPeriod(org: OrganisationConfig, obligationId: string, now: Date): string {
  const obligation = org.obligations.find((o) => o.id === obligationId);
  if (!obligation) throw new PreviewError(`${org.organisation.id} has no obligation "${obligationId}". Known: ${org.obligations.map((o) => o.id).join(', ')}.`);
  const zone = org.organisation.timeZone;
  if (obligation.kind === 'periodic-data-call') return latestEndedPeriod(obligation.period, DateTime.fromJSDate(now).setZone(zone));
  if (obligation.kind === 'revision') return revisionPeriodIds(obligation.rule, now, 1, zone)[0]!;
  return String(DateTime.fromJSDate(now).setZone(zone).year);
}

export async function previewMails(args: {
  org: OrganisationConfig;
  obligationId: string;
  period?: string;
  renderer: Renderer;
  registers: RegisterReader;
  publicBaseUrl: string;
  now: Date;
}): Promise<Preview> {
  const { org, obligationId, renderer, now } = args;
  const language = org.organisation.language;
  const obligation = org.obligations.find((o) => o.id === obligationId);
  if (!obligation) throw new PreviewError(`${org.organisation.id} has no obligation "${obligationId}". Known: ${org.obligations.map((o) => o.id).join(', ')}.`);
  const period = args.period ?? defaultPeriod(org, obligationId, now);
  const sent: OutgoingMail[] = [];
  const archive = createArchiveInMemory();
  const activities = createActivities({
    mailer: recordingMailer(sent),
    renderer,
    archive,
    directory: createDirectory([org]),
    clock: () => now,
    publicBaseUrl: args.publicBaseUrl,
    // Links are bearer credentials: a preview shows where the link goes, not a working one.
    answerLinks: { token: () => LINK_PLACEHOLDER[language], check: (): ReturnType<AnswerLinks['check']> => ({ ok: false, reason: 'malformed' }) },
    registers: args.registers,
    starter: {
      start: () => Promise.reject(new PreviewError('A preview starts nothing.')),
    },
  });
  const kinds: string[] = [];
  const notes: string[] = [];
  const record = async (kind: string, run: () => Promise<unknown>) => {
    const before = sent.length;
    await run();
    for (let i = before; i < sent.length; i++) kinds.push(kind);
  };

  if (obligation.kind === 'periodic-data-call') {
    const key: CycleKey = { orgId: org.organisation.id, obligationId, period };
    const plan = planCycle(obligation.calendar, obligation.period, period, org.organisation.timeZone, now);
    const units = org.units.filter((u) => !obligation.units || obligation.units.includes(u.id));
    const base = { key, plan, closesAt: plan.closesAt };
    // Reminders whose time had passed when the cycle opened are not sent (a cycle started late).
    const reminders = plan.reminderTimes.filter((t) => Date.parse(t) > Date.parse(plan.opensAt));
    for (const unit of units) {
      await record('request', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'request', sequence: 1, at: plan.opensAt }));
      for (const [i, at] of reminders.entries()) await record('reminder', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'reminder', sequence: i + 1, at }));
      await record('escalation', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'escalation', sequence: 1, at: plan.escalationAt }));
    }
    const counts = language === 'sv' ? '[antal]' : '[count]';
    // The report mail as it goes out, its figures standing in (the report is compiled at closing).
    const report = { html: await archive.put('preview/report.html', ''), markdown: await archive.put('preview/report.md', ''), asked: counts, answered: counts, exempt: counts };
    await record('report', () => activities.deliverReport({ key, closedAt: plan.closesAt, report: report as unknown as ArchivedReport }));
    notes.push(NOTES[language].nobodyAnswers, NOTES[language].reportCounts);
  } else if (obligation.kind === 'revision') {
    const plan = planRevision(obligation.rule, period, obligation.remindEvery, obligation.sendTime, org.organisation.timeZone);
    const base = { orgId: org.organisation.id, obligationId, periodId: period, dueDate: plan.dueDate };
    let sequence = 0;
    await record('revision-request', () => activities.sendRevisionMail({ ...base, kind: 'revision-request', sequence: ++sequence, at: plan.askAt }));
    for (const at of plan.reminderTimes) await record('revision-reminder', () => activities.sendRevisionMail({ ...base, kind: 'revision-reminder', sequence: ++sequence, at }));
    await record('revision-overdue', () => activities.sendRevisionMail({ ...base, kind: 'revision-overdue', sequence: ++sequence, at: plan.dueAt }));
    notes.push(NOTES[language].nobodyAnswers);
  } else {
    notes.push(NOTES[language][obligation.kind === 'minimum-occurrences' ? 'occurrences' : 'registerBased']);
  }

  const zone = org.organisation.timeZone;
  const mails = sent.map((mail, i) => {
    const copy = mail.cc?.some((c) => c.address === mail.envelopeTo) && !mail.to.some((t) => t.address === mail.envelopeTo);
    return {
      at: mail.date.toISOString(),
      localTime: formatDate(mail.date.toISOString(), zone, language, true),
      kind: kinds[i]!,
      to: mail.envelopeTo,
      ...(copy ? { copyOf: mail.to.map((t) => t.address).join(', ') } : {}),
      subject: mail.subject,
      text: mail.text,
      attachments: (mail.attachments ?? []).map((a) => String(a.filename)),
      messageId: mail.messageId,
    };
  });
  mails.sort((a, b) => a.at.localeCompare(b.at));
  return { obligationId, kind: obligation.kind, period, mails, notes };
}
