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
import type { OrganisationConfig, PeriodicDataCallConfig } from '../config/schema';
import { formatDate } from '../domain/calendar';
import { describeRecipients, planDataCall } from '../domain/escalation';
import { kindOf, type PreviewNote } from '../activities/kinds';
import type { CyclePlan, Language } from '../domain/types';
import type { AnswerLinks } from '../domain/answer-links';
import { DateTime } from 'luxon';
import type { Records } from '../records/database';
import { substitutionsOf, unitContactOverrides } from '../records/people';

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
  /** The language the recipient reads it in: a page marks it, so a screen reader reads it in that language. */
  language: Language;
  attachments: string[];
  messageId: string;
  /** The address is a unit's contact or head set in the web (/people), over the config's. */
  setInWeb?: boolean;
  /** The mail goes to a substitute on its day: whose ("karin.sandberg@solna.example until 2027-03-14"). */
  substituteFor?: string;
  /** The organisation's own template the mail is rendered from ("solna-mallar/mail/sv/request.txt.hbs"); absent for the product's. */
  ownTemplate?: string;
}

/** A reminder's or the escalation's window: each unit's mail goes at a moment of its own in it (domain/spread.ts). */
export interface PreviewSpread {
  kind: 'reminder' | 'escalation';
  /** The reminder's number, 1 for the first (1 for the escalation). */
  sequence: number;
  from: string;
  until: string;
  /** The window in the organisation's language, e.g. "Påminnelse 1: 3 mars 2027 09:00–15:00, …". */
  text: string;
}

export interface Preview {
  obligationId: string;
  kind: string;
  period: string;
  mails: PreviewMail[];
  /** The windows over which reminders and the escalation are spread (a data call's; empty for other kinds). */
  spread: PreviewSpread[];
  /** What the preview cannot show, in the organisation's language. */
  notes: string[];
}

export class PreviewError extends Error {
  override name = 'PreviewError';
}

const NOTES: Record<Language, Record<PreviewNote, string>> = {
  sv: {
    nobodyAnswers: 'Förhandsvisningen antar att ingen svarar: kvitton skickas när någon svarar, och påminnelser och eskalering bara till enheter som inte har svarat.',
    reportCounts: 'Rapportens siffror är okända före stängningen; rapportmejlet visas med [antal] i stället.',
    registerBased: 'Den här skyldigheten skickar e-post när något registreras (projekt eller avtal); det finns inget schema att förhandsvisa.',
    occurrences: 'Varningarna skickas bara om antalet registrerade seminarier då är för lågt; de beror på registret och visas inte här.',
    eventBased: 'Den här skyldigheten skickar e-post inför varje registrerad händelse; här visas meddelandena om de händelser som redan är registrerade, utan de berörda personer som varje registrering anger.',
    gateProjects: 'Här visas e-posten för de projekt som hittills registrerats under grinden, inom perioden, om ingen svarar: begäran om mål, påminnelserna och varningen vid planerad start. Registret innehåller inga personuppgifter, så projektägaren visas som [projektägaren].',
  },
  en: {
    nobodyAnswers: 'The preview assumes nobody answers: receipts go out when someone answers, and reminders and the escalation only to units that have not.',
    reportCounts: 'The report\'s figures are unknown before closing; the report mail shows [count] instead.',
    registerBased: 'This obligation sends mail when something is registered (a project or an agreement); there is no schedule to preview.',
    occurrences: 'The warnings go out only if the count of registered seminars is still short then; they depend on the register and are not shown here.',
    eventBased: 'This obligation sends mail before each registered event; shown here are the notices of the events registered so far, without the people each registration names.',
    gateProjects: 'Shown here are the mails of the projects registered so far under the gate, within the period, if nobody answers: the request for goals, the reminders and the warning at the planned start. The register keeps no personal data, so the project owner shows as [project-owner].',
  },
};

const SPREAD_TEXTS: Record<Language, Record<PreviewSpread['kind'], string>> = {
  sv: {
    reminder: 'Påminnelse {{sequence}} sprids över {{window}}: varje enhet får sin vid en egen tidpunkt, densamma varje gång (se raderna).',
    escalation: 'Eskaleringen sprids över {{window}}: varje enhet vid en egen tidpunkt, densamma varje gång (se raderna).',
  },
  en: {
    reminder: 'Reminder {{sequence}} is spread over {{window}}: each unit gets its own at a moment of its own, the same every time (see the lines).',
    escalation: 'The escalation is spread over {{window}}: each unit at a moment of its own, the same every time (see the lines).',
  },
};

/** A window as people read it: "3 mars 2027 09:00–15:00", the end's date only when it is another day. */
export function windowText(from: string, until: string, zone: string, language: Language): string {
  const start = formatDate(from, zone, language, true);
  const end = formatDate(until, zone, language, true);
  const sameDay = formatDate(from, zone, language) === formatDate(until, zone, language);
  return `${start}–${sameDay ? end.slice(-5) : end}`;
}

const LADDER_TEXTS: Record<Language, { step: string; cc: string; afterClose: string }> = {
  sv: { step: 'Eskaleringssteg {{sequence}} av {{of}} ({{after}} efter sista svarsdagen) till {{to}}{{cc}}, mallen {{template}}: {{when}}.', cc: ', kopia till {{cc}}', afterClose: 'efter att omgången stänger, skickas inte' },
  en: { step: 'Escalation step {{sequence}} of {{of}} ({{after}} after the deadline) to {{to}}{{cc}}, template {{template}}: {{when}}.', cc: ', copy to {{cc}}', afterClose: 'after the cycle closes, not sent' },
};

/**
 * The steps of a data call's escalation ladder as the preview lists them: whom each goes to, with
 * which template, and when (its window, where the mails are spread; each unit's own moment is in the lines).
 */
function ladderLines(org: OrganisationConfig, obligation: PeriodicDataCallConfig, plan: CyclePlan, language: Language): PreviewSpread[] {
  const zone = org.organisation.timeZone;
  const texts = LADDER_TEXTS[language];
  const roleName = (id: string) => org.roles?.[id]?.name[language];
  return (plan.escalationSteps ?? []).map((planned, i) => {
    const step = obligation.escalation![i]!;
    const until = planned.until ?? planned.at;
    const when = Date.parse(planned.at) >= Date.parse(plan.closesAt) ? texts.afterClose : until > planned.at ? windowText(planned.at, until, zone, language) : formatDate(planned.at, zone, language, true);
    const cc = step.cc?.length ? texts.cc.replace('{{cc}}', describeRecipients(step.cc, language, roleName)) : '';
    const text = texts.step
      .replace('{{sequence}}', String(i + 1))
      .replace('{{of}}', String(plan.escalationSteps!.length))
      .replace('{{after}}', step.after)
      .replace('{{to}}', describeRecipients(step.to, language, roleName))
      .replace('{{cc}}', cc)
      .replace('{{template}}', step.template ?? obligation.templates.escalation)
      .replace('{{when}}', when);
    return { kind: 'escalation' as const, sequence: i + 1, from: planned.at, until, text };
  });
}

/** The windows a data call's period spreads its reminders and escalation over, and its ladder's steps; none for other kinds. */
export function spreadWindowsOf(org: OrganisationConfig, obligationId: string, period: string, now: Date, language: Language = org.organisation.language): PreviewSpread[] {
  const obligation = org.obligations.find((o) => o.id === obligationId);
  if (obligation?.kind !== 'periodic-data-call') return [];
  const zone = org.organisation.timeZone;
  const plan = planDataCall(obligation, period, zone, now);
  const until = plan.spreadUntil;
  // With a ladder, each step in its own line (shown with or without a spread) in place of the escalation's window.
  const ladder = ladderLines(org, obligation, plan, language);
  if (!until) return ladder;
  const windows: Omit<PreviewSpread, 'text'>[] = [
    ...plan.reminderTimes.filter((from) => Date.parse(from) > Date.parse(plan.opensAt)).map((from, i) => ({ kind: 'reminder' as const, sequence: i + 1, from, until: until.reminders[plan.reminderTimes.indexOf(from)]! })),
    ...(ladder.length ? [] : [{ kind: 'escalation' as const, sequence: 1, from: plan.escalationAt, until: until.escalation }]),
  ];
  const spread = windows
    .filter((w) => Date.parse(w.until) > Date.parse(w.from))
    .map((w) => ({ ...w, text: SPREAD_TEXTS[language][w.kind].replace('{{sequence}}', String(w.sequence)).replace('{{window}}', windowText(w.from, w.until, zone, language)) }));
  return [...spread, ...ladder];
}

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

/** The default period of a preview: the one a start now would follow up. */
export function defaultPeriod(org: OrganisationConfig, obligationId: string, now: Date): string {
  const obligation = org.obligations.find((o) => o.id === obligationId);
  if (!obligation) throw new PreviewError(`${org.organisation.id} has no obligation "${obligationId}". Known: ${org.obligations.map((o) => o.id).join(', ')}.`);
  const schedule = kindOf(obligation).schedule;
  return schedule ? schedule.currentPeriod(org, obligation as never, now) : String(DateTime.fromJSDate(now).setZone(org.organisation.timeZone).year);
}

export async function previewMails(args: {
  org: OrganisationConfig;
  obligationId: string;
  period?: string;
  renderer: Renderer;
  registers: RegisterReader;
  publicBaseUrl: string;
  now: Date;
  /**
   * The database of record, where there is one: the contacts and heads set in the web and each
   * person's substitute on a mail's day are shown as the worker will mail them. Only read.
   */
  records?: Records;
}): Promise<Preview> {
  const { org, obligationId, renderer, now } = args;
  const language = org.organisation.language;
  const obligation = org.obligations.find((o) => o.id === obligationId);
  if (!obligation) throw new PreviewError(`${org.organisation.id} has no obligation "${obligationId}". Known: ${org.obligations.map((o) => o.id).join(', ')}.`);
  const period = args.period ?? defaultPeriod(org, obligationId, now);
  const sent: OutgoingMail[] = [];
  const archive = createArchiveInMemory();
  // The mails rendered from the organisation's own templates, to name the template beside each.
  const own: { subject: string; text: string; file: string }[] = [];
  const watched = (r: Renderer): Renderer => ({
    mail: (...mailArgs) => {
      const rendered = r.mail(...mailArgs);
      if (rendered.ownTemplate) own.push({ subject: rendered.subject, text: rendered.text, file: rendered.ownTemplate });
      return rendered;
    },
    report: (...reportArgs) => r.report(...reportArgs),
    of: (o) => watched(r.of(o)),
  });
  const activities = createActivities({
    mailer: recordingMailer(sent),
    renderer: watched(renderer),
    archive,
    directory: createDirectory([org]),
    clock: () => now,
    publicBaseUrl: args.publicBaseUrl,
    // Read from, never written to: no mail log, no answers, no webhooks (those need `records`).
    ...(args.records ? { people: args.records } : {}),
    // Links are bearer credentials: a preview shows where the link goes, not a working one.
    answerLinks: {
      token: () => LINK_PLACEHOLDER[language],
      check: (): ReturnType<AnswerLinks['check']> => ({ ok: false, reason: 'malformed' }),
      ownerToken: () => LINK_PLACEHOLDER[language],
      checkOwner: (): ReturnType<AnswerLinks['checkOwner']> => ({ ok: false, reason: 'malformed' }),
      organisationOf: () => undefined,
    },
    registers: args.registers,
    starter: {
      start: () => Promise.reject(new PreviewError('A preview starts nothing.')),
    },
  });
  const kinds: string[] = [];
  const record = async (kind: string, run: () => Promise<unknown>) => {
    const before = sent.length;
    await run();
    for (let i = before; i < sent.length; i++) kinds.push(kind);
  };
  // The data call's report mail reads the archived report: empty stand-ins, its figures shown as such.
  for (const format of ['html', 'md', 'pdf', 'docx']) await archive.put(`preview/report.${format}`, '');
  await archive.put('preview/no-outcomes.json', '[]');
  const notes = (await kindOf(obligation).preview?.({ org, obligation: obligation as never, period, now, activities, registers: args.registers, record })) ?? [];

  const zone = org.organisation.timeZone;
  const people = args.records ? await peopleInWeb(args.records, org.organisation.id) : undefined;
  const mails = sent.map((mail, i) => {
    const copy = mail.cc?.some((c) => c.address === mail.envelopeTo) && !mail.to.some((t) => t.address === mail.envelopeTo);
    // A line may come before the rendered text (whom a person stands in for): the text ends with it.
    const ownTemplate = own.find((o) => o.subject === mail.subject && mail.text.endsWith(o.text))?.file;
    return {
      at: mail.date.toISOString(),
      localTime: formatDate(mail.date.toISOString(), zone, language, true),
      kind: kinds[i]!,
      to: mail.envelopeTo,
      ...(copy ? { copyOf: mail.to.map((t) => t.address).join(', ') } : {}),
      subject: mail.subject,
      text: mail.text,
      language: mail.language,
      attachments: (mail.attachments ?? []).map((a) => String(a.filename)),
      messageId: mail.messageId,
      ...(ownTemplate ? { ownTemplate } : {}),
      ...(people ? peopleMarks(people, mail.envelopeTo, DateTime.fromJSDate(mail.date, { zone }).toISODate()!) : {}),
    };
  });
  mails.sort((a, b) => a.at.localeCompare(b.at));
  const notesShown = [...notes.map((n) => NOTES[language][n]), ...(people ? [PEOPLE_NOTE[language]] : [])];
  return { obligationId, kind: obligation.kind, period, mails, spread: spreadWindowsOf(org, obligationId, period, now), notes: notesShown };
}

const PEOPLE_NOTE: Record<Language, string> = {
  sv: 'Mottagarna är de som gäller i registret (DATABASE_URL) i dag: kontaktpersoner och chefer satta i webben ersätter konfigurationens, och en persons ersättare får mejlen under sina dagar. Ändras de före utskicket, ändras mottagarna.',
  en: "The recipients are those on record (DATABASE_URL) today: contact persons and heads set in the web replace the config's, and a person's substitute gets the mails on their days. Changed before a mailing, they change its recipients.",
};

/** The people set in the web as the preview marks them: the addresses of the overrides, and the substitutions. */
async function peopleInWeb(records: Records, orgId: string) {
  const [overrides, substitutions] = await Promise.all([unitContactOverrides(records, orgId), substitutionsOf(records, orgId)]);
  const setInWeb = new Set([...overrides.values()].flatMap((o) => [...o.contacts, ...(o.head ? [o.head] : [])]).map((c) => c.email.toLowerCase()));
  return { setInWeb, substitutions };
}

/** Whether a mail's address was set in the web, and whom it stands in for on the mail's day (YYYY-MM-DD). */
function peopleMarks(people: Awaited<ReturnType<typeof peopleInWeb>>, address: string, day: string): Pick<PreviewMail, 'setInWeb' | 'substituteFor'> {
  const lower = address.toLowerCase();
  // Of two that overlap, the one set last: as the sender picks it.
  const standsIn = people.substitutions
    .filter((s) => s.substitute.email.toLowerCase() === lower && s.from <= day && day <= s.until)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .at(-1);
  return { ...(people.setInWeb.has(lower) ? { setInWeb: true } : {}), ...(standsIn ? { substituteFor: `${standsIn.personEmail} until ${standsIn.until}` } : {}) };
}
