/**
 * The one schema of an organisation's YAML file. Strict objects and bounded strings and lists:
 * a typo is an error with its path, never silently ignored.
 */
import { z } from 'zod';
import { CONTACT_FIELDS, PUBLIC_FIELDS, type PublicRegister } from '../domain/publication';
import { isValidZone, parseIsoDuration } from '../domain/calendar';
import { isSingleLine } from '../domain/text';
import { FILE_KIND_NAMES, LARGEST_MAX_FILE_MB, LARGEST_MAX_FILES } from '../domain/attachments';
import { AGREEMENT_MAIL_KINDS, EVENT_MAIL_KINDS, GOALS_MAIL_KINDS, OCCURRENCE_MAIL_KINDS, PROJECT_MAIL_KINDS, REVISION_MAIL_KINDS } from '../domain/mail-kinds';
import { SUBJECT_VALUES, subjectProblem } from '../domain/wording';
import { ladderOrderProblems } from '../domain/escalation';

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, at most 63 characters (e.g. "kultur-fritid")')
  .meta({ description: 'An id: lower-case letters, digits and dashes (e.g. "kultur-fritid").' });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
/** A name or a title: it goes into mail headers and subjects, so one line (the rule of domain/text.ts). */
const line = (max: number) => text(max).refine(isSingleLine, 'must be one line, without line breaks or control characters');
const localized = (max: number) => z.strictObject({ sv: text(max), en: text(max) });
const localizedLine = (max: number) => z.strictObject({ sv: line(max), en: line(max) });
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
  }, 'must be an ISO-8601 duration such as P14D (14 days) or P1M (one month)')
  .meta({ description: 'An ISO-8601 duration such as P14D (14 days) or P1M (one month).' });
const language = z.enum(['sv', 'en']);

export const personSchema = z.strictObject({
  name: line(120),
  email,
  language: language.optional().meta({ description: "The language this person reads; the organisation's language when left out." }),
});

/**
 * A unit's contact: a person, or a shared mailbox (funktionsbrevlåda) that may be given by its
 * address alone. Its address then stands in for the name wherever one is shown (a greeting, a
 * mail's To), so nothing downstream needs a name to be there.
 */
export const contactSchema = z
  .strictObject({
    name: line(120).optional().meta({ description: "The person's name; may be left out for a shared mailbox, whose address is then shown instead." }),
    email,
    language: language.optional().meta({ description: "The language this contact reads; the organisation's language when left out." }),
  })
  .transform((c) => ({ ...c, name: c.name ?? c.email }));

export const bodySchema = z.strictObject({
  id: slug,
  kind: z.enum(['council', 'executive-board', 'committee']),
  name: localizedLine(160),
  recipients: z.array(personSchema).min(1, 'a body needs at least one recipient').max(50),
});

const unitKind = z.enum(['department', 'board', 'office', 'sector', 'company']);

export const unitSchema = z.strictObject({
  id: slug,
  kind: unitKind,
  name: localizedLine(160),
  contacts: z.array(contactSchema).min(1, 'a unit needs at least one contact person').max(10),
  head: personSchema,
  headTitle: localizedLine(80).optional().meta({ description: 'How mails address this unit\'s head ("verkställande direktör"); by default the title of `wording.headTitles` for its kind.' }),
  board: z.strictObject({ name: localized(160), recipients: z.array(personSchema).min(1).max(20) }).optional().meta({ description: "The unit's own board (nämnd, bolagsstyrelse): gets the unit's part of a report that says so." }),
});

/** Names the answer form sends for itself (web/forms.ts answerForm): a question by one of them would never arrive. */
const FORM_OWN_NAMES = ['action', 'lang', 'submission'];
const fieldId = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,40}$/, 'use lower-case letters, digits and underscores, starting with a letter')
  .refine((id) => !FORM_OWN_NAMES.includes(id), { message: `is a name the answer form uses itself (${FORM_OWN_NAMES.join(', ')}): choose another id` });
const answerValue = z.union([z.string().max(200), z.number(), z.boolean()]);
const helpText = z.strictObject({ sv: text(2000).optional(), en: text(2000).optional() });
const requiredIf = z
  .union([
    z.strictObject({ field: fieldId, equals: answerValue }),
    z.strictObject({ field: fieldId, in: z.array(answerValue).min(1).max(50).meta({ description: 'Required when the other field holds any of these values.' }) }),
  ])
  .meta({ description: 'Required only when another field of the same section (or of the questionnaire) holds this value (`equals`) or one of these values (`in`).' });

/**
 * A rule between number fields: one at most another ("of which EU projects" ≤ "projects in all"),
 * or a sum at most a total. The error is shown beside `field` (the first of `fields`), in the
 * person's language: `message` when given, else one naming the fields.
 */
/** A field a rule names: its id, or "section.field" for a field of a section asked once. */
const ruleField = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,40}(\.[a-z][a-z0-9_]{0,40})?$/, 'use a field\'s id, or "section.field" for a field of a section asked once');
export const questionnaireRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('atMost'),
    field: ruleField,
    max: ruleField.meta({ description: 'The field whose answer `field` must not exceed.' }),
    message: localized(300).optional(),
  }),
  z.strictObject({
    kind: z.literal('sumAtMost'),
    fields: z.array(ruleField).min(2).max(30),
    max: ruleField.meta({ description: 'The field whose answer the sum of `fields` must not exceed.' }),
    message: localized(300).optional(),
  }),
]);
const questionnaireRules = z
  .array(questionnaireRuleSchema)
  .max(30)
  .optional()
  .meta({ description: 'Rules between the questionnaire\'s number fields, by the ids of its top-level fields or "section.field" of a section asked once; a repeated section\'s rules go under the section\'s `rules`.' });

export const fieldSchema = z
  .strictObject({
    id: fieldId,
    type: z.enum(['text', 'textarea', 'number', 'boolean', 'date', 'choice', 'scale', 'confirm', 'file']),
    label: localized(300),
    help: helpText.optional(),
    required: z.boolean().default(false),
    maxLength: z.number().int().min(1).max(50_000).optional(),
    options: z
      .array(z.strictObject({ value: slug, label: localized(200), help: helpText.optional().meta({ description: 'What this option means, shown under it in the form and the request mail.' }) }))
      .min(2)
      .max(50)
      .optional()
      .meta({ description: 'choice: any order; scale: from the lowest to the highest step.' }),
    min: z.number().optional().meta({ description: 'Bounds of a number field.' }),
    max: z.number().optional(),
    integer: z.boolean().optional().meta({ description: 'A number field that takes whole numbers only.' }),
    requiredIf: requiredIf.optional(),
    accept: z
      .array(z.enum(FILE_KIND_NAMES as [string, ...string[]]))
      .min(1)
      .max(FILE_KIND_NAMES.length)
      .optional()
      .meta({ description: 'A file field: the kinds of file it takes, known by their content, not their name (default: pdf, docx, xlsx, odt, ods, png, jpeg).' }),
    maxSize: z.number().positive().max(LARGEST_MAX_FILE_MB).optional().meta({ description: `A file field: the largest file it takes, in megabytes (default 10, at most ${LARGEST_MAX_FILE_MB}).` }),
    maxFiles: z.number().int().min(1).max(LARGEST_MAX_FILES).optional().meta({ description: `A file field: how many files it takes (default 5, at most ${LARGEST_MAX_FILES}).` }),
  })
  .refine((f) => (f.type === 'choice' || f.type === 'scale') === (f.options !== undefined), {
    message: 'a field of type "choice" or "scale" needs options, and only such a field may have them',
    path: ['options'],
  })
  .refine((f) => f.type === 'number' || (f.min === undefined && f.max === undefined && f.integer === undefined), {
    message: 'min, max and integer are for fields of type "number"',
    path: ['type'],
  })
  .refine((f) => f.type === 'file' || (f.accept === undefined && f.maxSize === undefined && f.maxFiles === undefined), {
    message: 'accept, maxSize and maxFiles are for fields of type "file"',
    path: ['type'],
  })
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, { message: 'min must not be larger than max', path: ['min'] })
  .refine((f) => !(f.required && f.requiredIf), { message: 'a field is either required or required if; not both', path: ['requiredIf'] });

/** An item of a list a section is repeated for: a goal of the policy, an activity type, a twin town. */
export const listItemSchema = z.strictObject({ id: slug, label: localized(300), help: helpText.optional().meta({ description: "Shown under the item's heading in the form and the request mail." }) });

/**
 * Questions that belong together, asked once or, with repeatFor, once for each item of one of
 * the obligation's lists.
 */
export const sectionSchema = z.strictObject({
  type: z.literal('section'),
  id: fieldId,
  title: localized(300),
  help: helpText.optional().meta({ description: 'Shown under the section\'s heading in the form and the request mail.' }),
  repeatFor: fieldId.optional().meta({ description: "The name of a list in the obligation's `lists`." }),
  fields: z.array(fieldSchema).min(1).max(30),
  rules: z.array(questionnaireRuleSchema).max(30).optional().meta({ description: "Rules between this section's number fields, by their ids here; a repeated section's hold for each item." }),
});

export const questionnaireSchema = z
  .array(z.discriminatedUnion('type', [sectionSchema, fieldSchema]))
  .min(1)
  .max(60);

/**
 * Named lists a questionnaire's sections repeat over: items given here, or the goals a body
 * recorded for the period's year (a yearly-goals obligation), read when the cycle starts.
 */
export const listsSchema = z
  .record(fieldId, z.union([z.array(listItemSchema).min(1).max(50), z.strictObject({ goalsOf: slug })]))
  .default({});

/** The report's files a delivery mail carries: the PDF for the agenda and the archive, Word to edit, HTML to read on any screen. */
export const REPORT_FORMATS = ['pdf', 'docx', 'html', 'md'] as const;
const reportAttachments = z.array(z.enum(REPORT_FORMATS)).max(REPORT_FORMATS.length).default(['pdf', 'docx', 'html']);

/** A retention period ("P5Y": five years after the cycle's files were archived), or keep. */
const keepOrDuration = z.union([z.literal('keep'), isoDuration]);

/**
 * How long a data call's files are kept in the archive, as the organisation's retention decision
 * (gallringsbeslut) says; `followup retention report` lists what is due, `--apply` removes it. Answers
 * and reports are public records: kept unless the decision says otherwise. The first form of
 * retention, for one data call's files; the organisation's `retention` (below) names every kind of
 * record. A category left out here follows the organisation's rule for it (stagedAnswers and
 * answers: `answers`; reports: `reports`), and is kept where there is none; one given here (even
 * `keep`) is this data call's own and stands.
 */
const retentionSchema = z
  .strictObject({
    decision: text(200).optional().meta({ description: "The decision followed, as the organisation's records name it (e.g. \"KS 2024/112 § 45\")." }),
    stagedAnswers: keepOrDuration.optional().meta({ description: 'Answers staged for the report and left behind (a cycle whose report failed); normally gone once it is delivered.' }),
    answers: keepOrDuration.optional().meta({ description: "The period's answers as kept for comparison and export: each unit's answer, when and by whom." }),
    reports: keepOrDuration.optional().meta({ description: 'The compiled report in every format (PDF, Word, HTML, Markdown).' }),
  })
  .default({});

/** The kinds of record an organisation's retention rules name (records/retention.ts). */
export const RECORD_TYPES = ['answers', 'goals', 'decisions', 'cycles', 'mailLog', 'auditLog', 'reports', 'delegations', 'substitutions', 'contactChanges'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * One kind of record's rule, as the retention decision (gallringsbeslut) gives it: removed once
 * `keep` has passed since the record's time (an answer's newest version, a case's last change, a
 * mail, an action, a file's archiving), or kept for ever; `decision` is the decision's reference,
 * written into the retention log with every removal.
 */
const retentionRuleSchema = z.strictObject({
  keep: z
    .union([
    z.literal('forever'),
    isoDuration.refine((s) => {
      try {
        return parseIsoDuration(s).as('days') >= 1;
      } catch {
        return true;
      }
    }, 'must be at least one day (such as P10Y), or "forever"'),
    ])
    .meta({ description: '"P10Y" (ten years after the record\'s time, an ISO-8601 duration of at least a day), or "forever".' }),
  decision: line(200).meta({ description: "The decision's reference as the organisation's records name it, e.g. \"KS 2024/123 § 45\"." }),
});

export type RetentionRule = z.infer<typeof retentionRuleSchema>;

/**
 * The organisation's retention decision for each kind of record, in the database of record and in
 * the archive folder. A kind without a rule is kept: nothing is removed by default, and nothing
 * without `followup retention report --apply`, which logs each removal (the log is never removed).
 */
export const organisationRetentionSchema = z.strictObject({
  answers: retentionRuleSchema.optional().meta({ description: "Every version of every answer a unit sent (answer_versions), with the period's answers files and staged answers; counted from the unit's newest version." }),
  goals: retentionRuleSchema.optional().meta({ description: "Each project's goals versions, returns, comments and approvals, with the project's case on record (which holds them too); counted from the latest of the three." }),
  decisions: retentionRuleSchema.optional().meta({ description: "The cases on record of agreements, revisions, the year's goals, events and seminars (a project's goes with its `goals`); counted from the case's last change." }),
  cycles: retentionRuleSchema.optional().meta({
    description:
      "The cycles on record (each cycle's overview after every change). A cycle goes no sooner than its period's answers and report files: it is judged under the longest of this rule and those for answers and reports (a data call's own included; none of them: kept), counted from the latest of its last change, its answers' newest version and its files' archiving.",
  }),
  mailLog: retentionRuleSchema.optional().meta({ description: 'Each mail sent to each address and what became of it; counted from the mail.' }),
  auditLog: retentionRuleSchema.optional().meta({
    description: "Who did what (the audit log). It is the deployment's, not one organisation's: with several organisations an action goes only when every one has a rule that lets it go (the longest counts).",
  }),
  reports: retentionRuleSchema.optional().meta({ description: 'The compiled reports in every format (PDF, Word, HTML, Markdown), in the database and in the archive folder; counted from when they were archived.' }),
  delegations: retentionRuleSchema.optional().meta({
    description: "Each unit's answer handed by its contact to a colleague (who, to whom, when, and its withdrawal); counted from its withdrawal, else from the latest of the handing over and its cycle's last change on record.",
  }),
  substitutions: retentionRuleSchema.optional().meta({ description: "Each person's substitute set in the web, removed ones too; counted from the latest of its last day, its setting and its removal." }),
  contactChanges: retentionRuleSchema.optional().meta({
    description: "Each change of a unit's contacts and head made in the web (and each return to the config's); counted from when the next change replaced it. The change in force is kept.",
  }),
});

export type OrganisationRetention = z.infer<typeof organisationRetentionSchema>;

const cycleCalendarSchema = z.strictObject({
  sendTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00').default('09:00').meta({ description: 'The time of day mails go out, as HH:MM.' }),
  opensAfterPeriodEnd: isoDuration,
  deadlineAfterPeriodEnd: isoDuration,
  closesAfterPeriodEnd: isoDuration,
  remindersBeforeDeadline: z.array(isoDuration).max(10).default([]),
  escalationAfterDeadline: isoDuration,
  workingDays: z.boolean().default(true).meta({ description: 'true: deadlines on working days, mails at sendTime. false: the offsets exactly as given, to the second; for benchmarks and drills with time compressed to seconds.' }),
  spreadOver: isoDuration
    .refine((s) => {
      const ms = parseIsoDuration(s).as('milliseconds');
      return ms >= 0 && ms <= 86_400_000;
    }, 'must be between PT0S and P1D (e.g. PT6H)')
    .default('PT6H')
    .meta({
      description:
        "How long from each reminder's and the escalation's time their mails are spread over, each unit at a moment of its own (the same every time, in the preview too), so that thousands of units' mails do not come at once and answers do not wait behind them. Never past workdayEnds of the day, the deadline or the next reminder. PT0S: every unit's at sendTime.",
    }),
  workdayEnds: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 16:00').default('16:00').meta({ description: 'The local time, HH:MM, by which every spread reminder and escalation has gone out: the end of the working day (with workingDays).' }),
}).superRefine((calendar, ctx) => {
  // Otherwise every window is empty and all units' mails go at once, which is what the spread is for.
  if (calendar.workingDays && parseIsoDuration(calendar.spreadOver).as('milliseconds') > 0 && calendar.workdayEnds <= calendar.sendTime) {
    ctx.addIssue({ code: 'custom', path: ['workdayEnds'], message: `must be later than sendTime (${calendar.sendTime}) for the mails to be spread over the day; set spreadOver: PT0S to send them all at sendTime` });
  }
});

const mailTemplateName = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, 'a template name in templates/mail/<language>/, without extension')
  .meta({ description: 'A template name in templates/mail/<language>/, without extension.' });

/**
 * Subjects of one's own for an obligation's mails, by mail: plain text with the mail's values as
 * {{project.title}}, checked against the values the kind's mails have (domain/wording.ts).
 */
const subjectsOf = <M extends string>(kind: string, mails: readonly [M, ...M[]]) =>
  z
    .partialRecord(
      z.enum(mails),
      localizedLine(200).superRefine((subject, ctx) => {
        for (const language of ['sv', 'en'] as const) {
          const problem = subjectProblem(subject[language], kind);
          if (problem) ctx.addIssue({ code: 'custom', path: [language], message: problem });
        }
      }),
    )
    .default({})
    .meta({
      description: `A subject of its own for any of its mails, by the mail's name, in both languages: text and the mail's values in {{ }} (${(SUBJECT_VALUES[kind] ?? []).map((v) => `{{${v}}}`).join(', ')}). The template's subject when left out.`,
    });

/** The report's headings over the registered projects, in the policy's own words. */
const projectHeadings = z
  .strictObject({ projects: localizedLine(120).optional(), euProjects: localizedLine(120).optional(), otherProjects: localizedLine(120).optional(), applications: localizedLine(120).optional() })
  .optional()
  .meta({ description: 'The report\'s headings over the registered projects (default "Registrerade projekt", "EU-projekt", "Andra internationella projekt", "Inlämnade ansökningar").' });

/** Who gets a step of the escalation ladder: the unit's contacts, its head, the secretariat, or a role in `roles` ("role:director"). */
const ladderRecipient = z
  .string()
  .regex(/^(contact|head|secretariat|role:[a-z0-9][a-z0-9-]{0,62})$/, 'must be contact, head, secretariat or role:<id> of a role in `roles` (e.g. role:director)')
  .meta({ description: 'contact, head, secretariat, or role:<id> of a role in `roles` (e.g. role:director).' });

const ladderStepSchema = z.strictObject({
  after: isoDuration.meta({ description: 'When the step goes, after the deadline (ISO-8601, as calendar.escalationAfterDeadline): P3D, P1W. On the next working day at sendTime, spread like the escalation.' }),
  to: z.array(ladderRecipient).min(1).max(10),
  cc: z.array(ladderRecipient).max(10).optional().meta({ description: 'Who gets a copy (none when left out).' }),
  template: mailTemplateName.optional().meta({ description: "The step's mail template (default: the obligation's escalation template)." }),
});

export const periodicDataCallSchema = z.strictObject({
  id: slug,
  kind: z.literal('periodic-data-call'),
  title: localized(200),
  source: text(2000).meta({ description: 'The sentence of the policy this obligation comes from.' }),
  period: z.enum(['annual', 'tertial']).meta({ description: 'annual: one cycle per calendar year; tertial: T1 (Jan–Apr), T2 (May–Aug), T3 (Sep–Dec, reported with the year-end accounts).' }),
  units: z.array(slug).min(1).max(10_000).optional().meta({ description: 'The units asked; all units when left out (e.g. only the international office for a work plan).' }),
  showRegisters: z.array(z.enum(['projects', 'seminars', 'agreements'])).max(3).default([]).meta({ description: 'Registers whose entries of the unit are listed in the request, so people confirm instead of retyping.' }),
  calendar: cycleCalendarSchema,
  escalation: z
    .array(ladderStepSchema)
    .min(1)
    .max(10)
    .superRefine((steps, ctx) => {
      for (const problem of ladderOrderProblems(steps)) ctx.addIssue({ code: 'custom', path: [problem.index, 'after'], message: problem.message });
    })
    .optional()
    .meta({
      description:
        "The escalation ladder (eskaleringstrappa): steps after the deadline, each to its people, until the unit answers or the cycle closes. With it, calendar.escalationAfterDeadline is not used (the first step is the escalation). Left out: one step to the unit head at calendar.escalationAfterDeadline, the secretariat in copy.",
    }),
  lists: listsSchema,
  questionnaire: questionnaireSchema,
  questionnaireRules,
  report: z.strictObject({
    recipients: z.array(slug).min(1).max(20).meta({ description: 'Ids of bodies in `bodies` that receive the compiled report.' }),
    title: localized(200).optional(),
    toUnitBoards: z.boolean().default(false).meta({ description: "Each unit's own board gets the unit's part (its answer) when the report is compiled." }),
    attach: reportAttachments,
    headings: projectHeadings,
  }),
  retention: retentionSchema,
  subjects: subjectsOf('periodic-data-call', ['request', 'reminder', 'escalation', 'receipt', 'reportDelivery', 'deadlineMoved', 'unitPart']),
  templates: z
    .strictObject({
      request: mailTemplateName.default('request'),
      reminder: mailTemplateName.default('reminder'),
      escalation: mailTemplateName.default('escalation'),
      receipt: mailTemplateName.default('receipt'),
      reportDelivery: mailTemplateName.default('report-delivery'),
      deadlineMoved: mailTemplateName.default('deadline-moved'),
      unitPart: mailTemplateName.default('unit-part'),
    })
    .default({
      request: 'request',
      reminder: 'reminder',
      escalation: 'escalation',
      receipt: 'receipt',
      reportDelivery: 'report-delivery',
      deadlineMoved: 'deadline-moved',
      unitPart: 'unit-part',
    }),
}).meta({ description: 'A data call: every period each unit answers a questionnaire; the answers are compiled into a report for the bodies named.' });

/** Another template for any of a kind's mails: its own words for this obligation (by default the mail's name). */
const mailTemplates = <K extends string>(kinds: readonly [K, ...K[]]) => z.partialRecord(z.enum(kinds), mailTemplateName).default({});

const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a day of the year as MM-DD, e.g. 09-01 for 1 September').meta({ description: 'A day of the year as MM-DD, e.g. 09-01 for 1 September.' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD').meta({ description: 'A date as YYYY-MM-DD.' });
const sendTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00').default('09:00').meta({ description: 'The time of day mails go out, as HH:MM.' });
const bodyIds = z.array(slug).min(1).max(20);

/**
 * What every kind beside the data call has: its id, its mails' templates, its title, the sentence
 * of the policy it comes from, and its line's label in a report's compliance summary.
 */
const obligationBase = <K extends string, M extends string>(kind: K, mails: readonly [M, ...M[]]) => ({
  id: slug,
  kind: z.literal(kind),
  templates: mailTemplates(mails),
  subjects: subjectsOf(kind, mails),
  title: localized(200).meta({ description: "The obligation's title, as mails and pages show it." }),
  source: text(2000).meta({ description: 'The sentence of the policy this obligation comes from.' }),
  reportLine: localized(200).optional().meta({ description: "Its line's label in a report's compliance summary, in the policy's own words." }),
});

/** At least `minimum` qualifying events a year, counted from the seminar register. */
export const minimumOccurrencesSchema = z.strictObject({
  ...obligationBase('minimum-occurrences', OCCURRENCE_MAIL_KINDS),
  register: z.literal('seminars'),
  minimum: z.number().int().min(1).max(100),
  countedRoles: z.array(z.enum(['organiser', 'co-organiser', 'participant'])).min(1).max(3).meta({ description: 'The roles that count (e.g. organiser and co-organiser, not participant).' }),
  euOnly: z.boolean().default(false).meta({ description: 'When true only events in an EU country count ("in Solna, Brussels or another EU country").' }),
  checkpoints: z.array(monthDay).min(1).max(12).meta({ description: 'Days of the year at which the secretariat and `warn` are told while the count is short.' }),
  sendTime,
  warn: bodyIds,
  report: z.strictObject({ recipients: bodyIds, attach: reportAttachments }),
}).meta({ description: 'At least `minimum` qualifying events a year, counted from the seminar register.' });

/** A definition each registered project needs before it starts, approved by the secretariat. */
export const gateBeforeStartSchema = z.strictObject({
  ...obligationBase('gate-before-start', PROJECT_MAIL_KINDS),
  register: z.literal('projects'),
  before: localized(200).default({ sv: 'innan projektet startar', en: 'before the project starts' }).meta({ description: 'When the definition is due, as the mails say it: "before an international project starts".' }),
  requires: z.array(localizedLine(200)).min(1).max(30).optional().meta({ description: "What the policy requires fixed before a start, as the unit head's mail on a start without approval lists it; the questionnaire's required questions when left out." }),
  lists: listsSchema,
  questionnaire: questionnaireSchema,
  questionnaireRules,
  remindEvery: isoDuration.default('P7D').meta({ description: 'How often the owner is reminded until the definition is submitted.' }),
  sendTime,
}).meta({ description: 'A definition each registered project needs before it starts, approved by the secretariat.' });

/** The policy is revised once per mandate period, or by a fixed date. */
export const revisionSchema = z.strictObject({
  ...obligationBase('revision', REVISION_MAIL_KINDS),
  rule: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('mandate-period'),
      askAfterStart: isoDuration.default('P1M').meta({ description: "After the new council's first day (15 October of the election year)." }),
      dueAfterStart: isoDuration.meta({ description: 'The decision is due this long after the period starts.' }),
    }),
    z.strictObject({ kind: z.literal('by-date'), askFrom: isoDate, due: isoDate }),
  ]),
  owner: personSchema,
  remindEvery: isoDuration,
  sendTime,
  escalateTo: bodyIds.meta({ description: 'Bodies told when the decision is overdue (the executive board).' }),
}).meta({ description: 'The policy is revised once per mandate period, or by a fixed date.' });

/** Each registered agreement reminds its owner before it ends to evaluate, renew or end it. */
export const expiryReviewSchema = z.strictObject({
  ...obligationBase('expiry-review', AGREEMENT_MAIL_KINDS),
  register: z.literal('agreements'),
  remindersBeforeEnd: z.array(isoDuration).min(1).max(10),
  sendTime,
}).meta({ description: 'Each registered agreement reminds its owner before it ends to evaluate, renew or end it.' });

const monthDayOf = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a day of the year as MM-DD, e.g. 11-30');

/** The goals a body sets each year (in the budget), recorded by the secretariat; follow-ups ask units about them. */
export const yearlyGoalsSchema = z.strictObject({
  ...obligationBase('yearly-goals', GOALS_MAIL_KINDS),
  decidedBy: slug.meta({ description: 'The body that sets the goals (its id in bodies).' }),
  recordBy: monthDayOf.meta({ description: 'The day of the year before by which the goals are decided; the secretariat is reminded from then until it records them.' }),
  remindEvery: isoDuration.default('P14D'),
  sendTime,
}).meta({ description: 'The goals a body sets each year (in the budget), recorded by the secretariat; follow-ups ask units about them.' });

/** Each registered event (a visit, a delegation, a conference hosted) is announced beforehand to those concerned. */
export const eventNoticesSchema = z.strictObject({
  ...obligationBase('event-notices', EVENT_MAIL_KINDS),
  register: z.literal('events'),
  noticeBefore: z.array(isoDuration).min(1).max(5).meta({ description: 'How long before the event each notice goes out (on the working day before, at sendTime).' }),
  sendTime,
  notify: z.array(slug).max(20).default([]).meta({ description: 'Bodies told of every event (their recipients), besides the people each registration names.' }),
  people: z.array(personSchema).max(50).default([]).meta({ description: 'People told of every event, e.g. the international coordinator or the protocol officer.' }),
}).meta({ description: 'Each registered event (a visit, a delegation, a conference hosted) is announced beforehand to those concerned.' });

export const obligationSchema = z.discriminatedUnion('kind', [
  periodicDataCallSchema,
  minimumOccurrencesSchema,
  gateBeforeStartSchema,
  revisionSchema,
  expiryReviewSchema,
  eventNoticesSchema,
  yearlyGoalsSchema,
]);

/**
 * The accessibility statement (tillgänglighetsredogörelse) the law on accessible public digital
 * services (2018:1937) asks of the organisation, with the content the supervising authority (Digg)
 * lists: how far the service complies, what is not accessible and why, when and how it was assessed,
 * and where to report a shortcoming. The organisation's own assessment: the product cannot make it.
 */
const accessibilitySchema = z.strictObject({
  service: localized(200).default({ sv: 'Uppföljning av policyer', en: 'Policy follow-up' }).meta({ description: "The service's name as the statement gives it." }),
  compliance: z.enum(['full', 'partial', 'none']).meta({ description: "helt förenlig, delvis förenlig or inte förenlig with the law's requirements." }),
  assessedOn: isoDate,
  updatedOn: isoDate,
  method: z.enum(['self-assessment', 'external-review']),
  reviewedBy: text(200).optional().meta({ description: 'Who reviewed it, when someone outside did.' }),
  contact: z.strictObject({ email, phone: text(40).optional(), answerWithinDays: z.number().int().min(1).max(60).optional() }).optional().meta({ description: 'Where people report a shortcoming or ask for content in an accessible form (default: the secretariat).' }),
  shortcomings: z.array(localized(1000)).max(50).default([]).meta({ description: 'Content that is not accessible, and why.' }),
  disproportionateBurden: z.array(localized(1000)).max(20).default([]).meta({ description: 'Content exempted as a disproportionate burden (12 §), with the reason.' }),
  notCovered: z.array(localized(1000)).max(20).default([]).meta({ description: "Content outside the law's requirements (9 §)." }),
});

export type AccessibilityConfig = z.infer<typeof accessibilitySchema>;

/** One register's publication: the fields shown, contact details only when marked as well as listed. */
const registerPublication = <R extends PublicRegister>(register: R) =>
  z
    .strictObject({
      fields: z.array(z.enum(PUBLIC_FIELDS[register] as unknown as [string, ...string[]])).min(1).max(PUBLIC_FIELDS[register].length),
      contactDetails: z.boolean().default(false).meta({ description: "Owners' names and addresses are personal data: published only with this set too." }),
    })
    .superRefine((value, ctx) => {
      for (const field of value.fields) {
        if (CONTACT_FIELDS.includes(field) && !value.contactDetails) {
          ctx.addIssue({ code: 'custom', path: ['fields'], message: `"${field}" is a contact detail; publish it only with "contactDetails: true" beside the fields (a decision on personal data)` });
        }
      }
    });

/** What anyone may read at /public and /public/feed.json, and `followup publish` writes: nothing unless listed here. */
const publicationSchema = z.strictObject({
  title: localized(200).optional(),
  intro: localized(1000).optional(),
  cacheSeconds: z.number().int().min(0).max(86_400).default(300).meta({ description: 'How long a website or a browser may keep a copy before asking again.' }),
  registers: z
    .strictObject({
      projects: registerPublication('projects').optional(),
      seminars: registerPublication('seminars').optional(),
      agreements: registerPublication('agreements').optional(),
      events: registerPublication('events').optional(),
    })
    .refine((r) => Object.values(r).some(Boolean), 'name at least one register to publish'),
});

export type PublicationConfig = z.infer<typeof publicationSchema>;

export const organisationConfigSchema = z
  .strictObject({
    organisation: z.strictObject({
      id: slug,
      name: line(160),
      timeZone: z.string().max(64).refine(isValidZone, 'must be an IANA time zone such as Europe/Stockholm').default('Europe/Stockholm').meta({ description: 'The IANA time zone of deadlines and mail times, such as Europe/Stockholm.' }),
      language: language.default('sv').meta({ description: "The language of the organisation's mails and pages, and of each person who names none." }),
      holidays: z.string().regex(/^[A-Z]{2}$/).default('SE').meta({ description: 'Country whose public holidays move deadlines (ISO 3166 code).' }),
      mailDomains: z
        .array(z.string().max(253).regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a mail domain in lower case, such as solna.se'))
        .min(1)
        .max(50)
        .optional()
        .meta({
          description:
            "The mail domains of the organisation's own people (solna.se, and a company's domain). A project registered from a unit's standing link with an owner outside them waits for the secretariat's approval before anything is mailed to that owner. Default: the domain of the secretariat's address.",
        }),
      templates: line(500)
        .optional()
        .meta({
          description:
            "A folder of the organisation's own templates, relative to this file (./solna-mallar): a file in it replaces the product's template of the same name (mail/sv/goals-request.txt.hbs, report/report.html.hbs, web/answer.hbs). `followup config check` names any file in it that replaces nothing.",
        }),
    }).meta({ description: 'Who the organisation is: its id, name, time zone, language and public holidays.' }),
    policy: z
      .strictObject({ name: localized(200) })
      .default({ name: { sv: 'policyn', en: 'the policy' } })
      .meta({ description: 'The policy whose obligations these are, as running text names it ("the international policy").' }),
    secretariat: z
      .strictObject({
        name: line(160),
        email,
      })
      .meta({ description: 'The secretariat: sender and reply-to of every mail; copied on escalations and reports.' }),
    roles: z
      .record(slug, z.strictObject({ name: localizedLine(160), email, language: language.optional() }))
      .optional()
      .meta({ description: "Named roles of the organisation that an escalation ladder can reach as role:<id> (director: { name: { sv: Kommundirektör, en: Chief executive }, email: … }); a mail greets the role by its name." }),
    bodies: z.array(bodySchema).min(1).max(20).meta({ description: 'The bodies that receive reports and warnings: the council, the executive board, committees.' }),
    // A regional host may run a large organisation; 10,000 units bounds memory, not any real municipality.
    units: z.array(unitSchema).min(1).max(10_000).meta({ description: "The units asked (departments, boards, offices, sectors, companies), each with its contacts and head." }),
    obligations: z.array(obligationSchema).min(1).max(50).meta({ description: "Every obligation of the policy; an obligation's `kind` says which settings it has." }),
    accessibility: accessibilitySchema.optional().meta({
      description:
        'The accessibility statement (tillgänglighetsredogörelse) the law on accessible public digital services (2018:1937) asks of the organisation: how far the service complies, what is not accessible and why, when and how it was assessed, and where to report a shortcoming.',
    }),
    publication: publicationSchema.optional().meta({ description: 'What anyone may read at /public and /public/feed.json, and `followup publish` writes: nothing unless listed here.' }),
    retention: organisationRetentionSchema.default({}).meta({ description: 'Retention by decision (gallring) for each kind of record; without it everything is kept.' }),
    wording: z
      .strictObject({
        headTitles: z.partialRecord(unitKind, localizedLine(80)).optional().meta({ description: 'How mails address a unit\'s head, by kind of unit (default: förvaltningschef for departments and boards, kontorschef, sektorschef, verkställande direktör for companies).' }),
      })
      .optional()
      .meta({ description: "The organisation's own words for phrases the mails would otherwise fix; each obligation's `subjects` (and a data call's `report.headings`) for its own." }),
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
  const unitIds = new Set(list(doc.units).map((u) => u.id));
  list(doc.obligations).forEach((o, i) => {
    unique(list(o.questionnaire), ['obligations', i, 'questionnaire']);
    const lists = typeof o.lists === 'object' && o.lists !== null ? Object.keys(o.lists) : [];
    const checkRules = (fields: Record<string, unknown>[], path: (string | number)[]) => {
      const byId = new Map(fields.filter((f) => f.type !== 'section').map((f) => [f.id, f]));
      fields.forEach((f, j) => {
        if (f.type === 'section') return;
        const rule = f.requiredIf as Record<string, unknown> | undefined;
        if (!rule || typeof rule.field !== 'string') return;
        const other = byId.get(rule.field);
        const at = [...path, j, 'requiredIf'];
        if (!other || rule.field === f.id) {
          issues.push({ path: [...at, 'field'], message: `no other field "${rule.field}" here; a rule refers to a field of the same section (known: ${[...byId.keys()].join(', ')})` });
          return;
        }
        if (other.type === 'file') {
          issues.push({ path: [...at, 'field'], message: `"${rule.field}" is a file field; a rule refers to a field whose value is typed or chosen` });
          return;
        }
        // A rule on a field that has a rule itself would depend on the order they are checked in.
        if (other.requiredIf) issues.push({ path: [...at, 'field'], message: `"${rule.field}" has a rule of its own; a rule refers to a field without one` });
        const options = Array.isArray(other.options) ? (other.options as Record<string, unknown>[]).map((o) => o.value) : [];
        const fits = (value: unknown) =>
          other.type === 'boolean' || other.type === 'confirm'
            ? typeof value === 'boolean'
            : other.type === 'number'
              ? typeof value === 'number'
              : other.type === 'choice' || other.type === 'scale'
                ? options.includes(value)
                : typeof value === 'string';
        const expected = other.type === 'boolean' || other.type === 'confirm' ? 'true or false' : other.type === 'number' ? 'a number' : options.length ? `one of ${options.join(', ')}` : 'a text';
        const given: [unknown, (string | number)[]][] = Array.isArray(rule.in) ? rule.in.map((v: unknown, k: number) => [v, ['in', k]]) : [[rule.equals, ['equals']]];
        for (const [value, where] of given) {
          if (!fits(value)) issues.push({ path: [...at, ...where], message: `"${rule.field}" is a ${String(other.type)} field: ${where[0]} must be ${expected}${where[0] === 'in' ? ` (not ${JSON.stringify(value)})` : ''}` });
        }
      });
    };
    /** Rules between number fields: each id one of `scope` (the fields the rule may name), a number field, and none compared with itself. */
    const checkBetween = (rules: unknown, scope: Map<unknown, Record<string, unknown>>, path: (string | number)[], elsewhere: string) =>
      list(rules).forEach((rule, j) => {
        const at = [...path, j];
        const summed: [unknown, (string | number)[]][] = rule.kind === 'sumAtMost' ? [] : [[rule.field, ['field']]];
        if (rule.kind === 'sumAtMost') (Array.isArray(rule.fields) ? rule.fields : []).forEach((id: unknown, k: number) => summed.push([id, ['fields', k]]));
        const numbers = [...scope].filter(([, f]) => f.type === 'number').map(([id]) => id);
        for (const [id, where] of [...summed, [rule.max, ['max']] as [unknown, (string | number)[]]]) {
          if (typeof id !== 'string') continue;
          const field = scope.get(id);
          if (!field) issues.push({ path: [...at, ...where], message: `no field "${id}" ${elsewhere}${numbers.length ? ` (number fields: ${numbers.join(', ')})` : '; it has no number field'}` });
          else if (field.type !== 'number') issues.push({ path: [...at, ...where], message: `"${id}" is a ${String(field.type)} field; a rule compares number fields${numbers.length ? ` (${numbers.join(', ')})` : ''}` });
        }
        const ids = summed.map(([id]) => id);
        if (ids.includes(rule.max)) issues.push({ path: [...at, 'max'], message: `"${String(rule.max)}" is compared with itself: the maximum must be another field than the ones it limits` });
        ids.forEach((id, k) => {
          if (ids.indexOf(id) !== k) issues.push({ path: [...at, 'fields', k], message: `"${String(id)}" is named twice in the sum` });
        });
      });
    for (const [name, items] of Object.entries(typeof o.lists === 'object' && o.lists !== null ? (o.lists as Record<string, unknown>) : {})) {
      if (Array.isArray(items)) unique(list(items), ['obligations', i, 'lists', name]);
    }
    const items = list(o.questionnaire);
    checkRules(items, ['obligations', i, 'questionnaire']);
    // The questionnaire's rules name top-level fields and "section.field" of sections asked once, as the answer does.
    const topLevel = new Map<unknown, Record<string, unknown>>();
    for (const item of items) {
      if (item.type !== 'section') topLevel.set(item.id, item);
      else if (item.repeatFor === undefined) for (const f of list(item.fields)) topLevel.set(`${String(item.id)}.${String(f.id)}`, f);
    }
    checkBetween(o.questionnaireRules, topLevel, ['obligations', i, 'questionnaireRules'], "among the questionnaire's top-level fields and sections asked once (a repeated section's fields are named in its own rules)");
    if (o.kind !== 'periodic-data-call' && o.kind !== 'gate-before-start') {
      // Files are taken by the answer form and the project owner's goals form (web/uploads.ts); the other forms post no files.
      items.forEach((item, j) => {
        const fields = item.type === 'section' ? list(item.fields).map((f, k) => [f, ['fields', k]] as const) : [[item, []] as const];
        for (const [field, at] of fields) {
          if (field.type === 'file') issues.push({ path: ['obligations', i, 'questionnaire', j, ...at, 'type'], message: "a file field is for the questionnaire of a periodic data call or of a project's goals (gate-before-start); this form takes no files" });
        }
      });
    }
    items.forEach((item, j) => {
      if (item.type !== 'section') return;
      const path = ['obligations', i, 'questionnaire', j];
      unique(list(item.fields), [...path, 'fields']);
      checkRules(list(item.fields), [...path, 'fields']);
      checkBetween(item.rules, new Map(list(item.fields).map((f) => [f.id, f])), [...path, 'rules'], `in the section "${String(item.id)}"`);
      if (typeof item.repeatFor === 'string' && !lists.includes(item.repeatFor)) {
        issues.push({ path: [...path, 'repeatFor'], message: `no list "${item.repeatFor}" in this obligation's lists${lists.length ? ` (known: ${lists.join(', ')})` : ''}` });
      }
    });
    const checkBodies = (list: unknown, path: (string | number)[]) =>
      (Array.isArray(list) ? list : []).forEach((r: unknown, j: number) => {
        if (!bodyIds.has(r)) issues.push({ path: [...path, j], message: `no body with id "${String(r)}"; known: ${[...bodyIds].join(', ')}` });
      });
    checkBodies(((o.report ?? {}) as Record<string, unknown>).recipients, ['obligations', i, 'report', 'recipients']);
    if (((o.report ?? {}) as Record<string, unknown>).toUnitBoards === true && !list(doc.units).some((u) => u.board)) {
      issues.push({ path: ['obligations', i, 'report', 'toUnitBoards'], message: 'no unit has a "board" to send its part to; give the units their boards' });
    }
    checkBodies(o.warn, ['obligations', i, 'warn']);
    checkBodies(o.escalateTo, ['obligations', i, 'escalateTo']);
    checkBodies(o.notify, ['obligations', i, 'notify']);
    // The roles a ladder's steps name must be in `roles`.
    const roleIds = Object.keys(typeof doc.roles === 'object' && doc.roles !== null ? doc.roles : {});
    list(o.escalation).forEach((step, j) => {
      for (const field of ['to', 'cc'] as const) {
        (Array.isArray(step[field]) ? step[field] : []).forEach((who: unknown, k: number) => {
          if (typeof who === 'string' && who.startsWith('role:') && !roleIds.includes(who.slice(5))) {
            issues.push({ path: ['obligations', i, 'escalation', j, field, k], message: `no role "${who.slice(5)}" in roles${roleIds.length ? ` (known: ${roleIds.join(', ')})` : '; add it under roles: with its name and email'}` });
          }
        });
      }
    });
    if (typeof o.decidedBy === 'string' && !bodyIds.has(o.decidedBy)) issues.push({ path: ['obligations', i, 'decidedBy'], message: `no body with id "${o.decidedBy}"; known: ${[...bodyIds].join(', ')}` });
    for (const [name, source] of Object.entries(typeof o.lists === 'object' && o.lists !== null ? (o.lists as Record<string, unknown>) : {})) {
      const goalsOf = (source as Record<string, unknown> | null)?.goalsOf;
      if (goalsOf !== undefined && !list(doc.obligations).some((x) => x.id === goalsOf && x.kind === 'yearly-goals')) {
        issues.push({ path: ['obligations', i, 'lists', name, 'goalsOf'], message: `no "yearly-goals" obligation "${String(goalsOf)}"` });
      }
    }
    (Array.isArray(o.units) ? o.units : []).forEach((u: unknown, j: number) => {
      if (!unitIds.has(u)) issues.push({ path: ['obligations', i, 'units', j], message: `no unit with id "${String(u)}"` });
    });
  });
  return issues;
}

export type OrganisationConfig = z.infer<typeof organisationConfigSchema>;
export type UnitConfig = z.infer<typeof unitSchema>;
export type PersonConfig = z.infer<typeof personSchema>;
export type ObligationConfig = z.infer<typeof obligationSchema>;
export type PeriodicDataCallConfig = z.infer<typeof periodicDataCallSchema>;
export type MinimumOccurrencesConfig = z.infer<typeof minimumOccurrencesSchema>;
export type GateBeforeStartConfig = z.infer<typeof gateBeforeStartSchema>;
export type RevisionConfig = z.infer<typeof revisionSchema>;
export type ExpiryReviewConfig = z.infer<typeof expiryReviewSchema>;
export type EventNoticesConfig = z.infer<typeof eventNoticesSchema>;
export type YearlyGoalsConfig = z.infer<typeof yearlyGoalsSchema>;
export type ObligationKind = ObligationConfig['kind'];

export class ObligationKindError extends Error {
  override name = 'ObligationKindError';
}

/**
 * The obligation with this id, checked to be of the expected kind; without an id, the first of
 * that kind. Callers get the kind's own type instead of checking it again everywhere.
 */
export function obligationOf<K extends ObligationKind>(org: OrganisationConfig, kind: K, id?: string): Extract<ObligationConfig, { kind: K }> {
  const found = org.obligations.find((o) => (id === undefined ? o.kind === kind : o.id === id));
  if (!found) {
    const known = org.obligations.map((o) => `${o.id} (${o.kind})`).join(', ');
    throw new ObligationKindError(id === undefined ? `${org.organisation.id} has no "${kind}" obligation; it has: ${known}.` : `${org.organisation.id} has no obligation "${id}"; it has: ${known}.`);
  }
  if (found.kind !== kind) throw new ObligationKindError(`${org.organisation.id}'s obligation "${found.id}" is a ${found.kind}, not a ${kind}.`);
  return found as Extract<ObligationConfig, { kind: K }>;
}

/** Whether `address` is of the organisation's own mail domains (config `organisation.mailDomains`, else the secretariat's). */
export function isOwnAddress(org: Pick<OrganisationConfig, 'organisation' | 'secretariat'>, address: string): boolean {
  const domains = org.organisation.mailDomains ?? [org.secretariat.email.split('@')[1]!.toLowerCase()];
  const domain = address.split('@').pop()!.toLowerCase();
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
