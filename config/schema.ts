/**
 * The one schema of an organisation's YAML file. Strict objects and bounded strings and lists:
 * a typo is an error with its path, never silently ignored.
 */
import { z } from 'zod';
import { isValidZone, parseIsoDuration } from '../domain/calendar';

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, at most 63 characters (e.g. "kultur-fritid")');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const localized = (max: number) => z.strictObject({ sv: text(max), en: text(max) });
const email = z.email('must be an e-mail address such as namn@solna.example').max(254);
const isoDuration = z
  .string()
  .max(32)
  .refine((s) => {
    try {
      parseIsoDuration(s);
      return true;
    } catch {
      return false;
    }
  }, 'must be an ISO-8601 duration such as P14D (14 days) or P1M (one month)');
const language = z.enum(['sv', 'en']);

export const personSchema = z.strictObject({
  name: text(120),
  email,
  /** The language this person reads; the organisation's language when left out. */
  language: language.optional(),
});

export const bodySchema = z.strictObject({
  id: slug,
  kind: z.enum(['council', 'executive-board', 'committee']),
  name: localized(160),
  recipients: z.array(personSchema).min(1, 'a body needs at least one recipient').max(50),
});

export const unitSchema = z.strictObject({
  id: slug,
  kind: z.enum(['department', 'board', 'office', 'sector', 'company']),
  name: localized(160),
  contacts: z.array(personSchema).min(1, 'a unit needs at least one contact person').max(10),
  head: personSchema,
});

export const fieldSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,40}$/, 'use lower-case letters, digits and underscores, starting with a letter'),
    type: z.enum(['text', 'textarea', 'number', 'boolean', 'date', 'choice']),
    label: localized(300),
    help: z.strictObject({ sv: text(2000).optional(), en: text(2000).optional() }).optional(),
    required: z.boolean().default(false),
    maxLength: z.number().int().min(1).max(50_000).optional(),
    options: z.array(z.strictObject({ value: slug, label: localized(200) })).min(2).max(50).optional(),
  })
  .refine((f) => (f.type === 'choice') === (f.options !== undefined), {
    message: 'a field of type "choice" needs options, and only such a field may have them',
    path: ['options'],
  });

export const cycleCalendarSchema = z.strictObject({
  sendTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00').default('09:00'),
  opensAfterPeriodEnd: isoDuration,
  deadlineAfterPeriodEnd: isoDuration,
  closesAfterPeriodEnd: isoDuration,
  remindersBeforeDeadline: z.array(isoDuration).max(10).default([]),
  escalationAfterDeadline: isoDuration,
  /**
   * true (default): deadlines on working days, mails at sendTime. false: the offsets exactly as
   * given, to the second; for benchmarks and drills with time compressed to seconds.
   */
  workingDays: z.boolean().default(true),
});

const mailTemplateName = z.string().regex(/^[a-z0-9-]{1,40}$/, 'a template name in templates/mail/<language>/, without extension');

export const periodicDataCallSchema = z.strictObject({
  id: slug,
  kind: z.literal('periodic-data-call'),
  title: localized(200),
  /** The sentence of the policy this obligation comes from. */
  source: text(2000),
  period: z.enum(['annual']),
  calendar: cycleCalendarSchema,
  questionnaire: z.array(fieldSchema).min(1).max(60),
  report: z.strictObject({
    /** Ids of bodies in `bodies` that receive the compiled report. */
    recipients: z.array(slug).min(1).max(20),
    title: localized(200).optional(),
  }),
  templates: z
    .strictObject({
      request: mailTemplateName.default('request'),
      reminder: mailTemplateName.default('reminder'),
      escalation: mailTemplateName.default('escalation'),
      receipt: mailTemplateName.default('receipt'),
      reportDelivery: mailTemplateName.default('report-delivery'),
    })
    .default({ request: 'request', reminder: 'reminder', escalation: 'escalation', receipt: 'receipt', reportDelivery: 'report-delivery' }),
});

export const obligationSchema = z.discriminatedUnion('kind', [periodicDataCallSchema]);

export const organisationConfigSchema = z
  .strictObject({
    organisation: z.strictObject({
      id: slug,
      name: text(160),
      timeZone: z.string().max(64).refine(isValidZone, 'must be an IANA time zone such as Europe/Stockholm').default('Europe/Stockholm'),
      language: language.default('sv'),
      /** Country whose public holidays move deadlines (ISO 3166 code). */
      holidays: z.string().regex(/^[A-Z]{2}$/).default('SE'),
    }),
    secretariat: z.strictObject({
      name: text(160),
      email,
    }),
    bodies: z.array(bodySchema).min(1).max(20),
    // A regional host may run a large organisation; 10,000 units bounds memory, not any real municipality.
    units: z.array(unitSchema).min(1).max(10_000),
    obligations: z.array(obligationSchema).min(1).max(50),
  });

export interface CrossReferenceIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks that need the whole file (unique ids, references between sections). Runs on the raw
 * document, so these problems are reported together with the schema's, not after they are fixed.
 */
export function crossReferenceIssues(raw: unknown): CrossReferenceIssue[] {
  const issues: CrossReferenceIssue[] = [];
  const doc = (raw ?? {}) as Record<string, unknown>;
  const list = (value: unknown): Record<string, unknown>[] =>
    Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : [];
  const unique = (items: Record<string, unknown>[], path: (string | number)[]) => {
    const seen = new Set<unknown>();
    items.forEach((item, i) => {
      if (typeof item.id !== 'string') return;
      if (seen.has(item.id)) issues.push({ path: [...path, i, 'id'], message: `"${item.id}" is used twice; ids must be unique` });
      seen.add(item.id);
    });
  };
  unique(list(doc.bodies), ['bodies']);
  unique(list(doc.units), ['units']);
  unique(list(doc.obligations), ['obligations']);
  const bodyIds = new Set(list(doc.bodies).map((b) => b.id));
  list(doc.obligations).forEach((o, i) => {
    unique(list(o.questionnaire), ['obligations', i, 'questionnaire']);
    const report = (o.report ?? {}) as Record<string, unknown>;
    (Array.isArray(report.recipients) ? report.recipients : []).forEach((r: unknown, j: number) => {
      if (!bodyIds.has(r)) {
        issues.push({ path: ['obligations', i, 'report', 'recipients', j], message: `no body with id "${String(r)}"; known: ${[...bodyIds].join(', ')}` });
      }
    });
  });
  return issues;
}

export type OrganisationConfig = z.infer<typeof organisationConfigSchema>;
export type UnitConfig = z.infer<typeof unitSchema>;
export type PersonConfig = z.infer<typeof personSchema>;
export type ObligationConfig = z.infer<typeof obligationSchema>;
export type PeriodicDataCallConfig = z.infer<typeof periodicDataCallSchema>;
