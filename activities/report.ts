/** The compiled report: a summary the council reads in a minute, then every unit's answer. */
import { formatDate } from '../domain/calendar';
import type { CycleKey } from '../domain/ids';
import type { ArchivedReport, Language, RecipientOutcome, UnitStatus } from '../domain/types';
import type { OrganisationConfig, PeriodicDataCallConfig } from '../config/schema';
import { reportRef, type Archive } from './archive';
import { answerRows } from './mail-context';
import type { Compliance } from './compliance';
import type { Renderer } from './renderer';

const LABELS: Record<Language, Record<string, string>> = {
  sv: {
    summary: 'Efterlevnad i korthet',
    asked: 'Tillfrågade enheter',
    answered: 'Svar',
    onTime: 'i tid',
    late: 'sent',
    exempt: 'Undantagna',
    missing: 'Har inte svarat',
    none: 'Inga',
    answers: 'Svar per enhet',
    answeredAt: 'Svarade',
    by: 'Registrerat av',
    bySecretariat: 'sekretariatet',
    byContact: 'kontaktpersonen',
    revision: 'version',
    deadline: 'Sista svarsdag',
    closedAt: 'Uppföljningen stängdes',
    compiledAt: 'Sammanställd',
    source: 'Grund i policyn',
    reminders: 'Påminnelser',
    escalated: 'Eskalerad till förvaltningschef',
    mailProblems: 'Problem med e-post',
    reason: 'Skäl',
    period: 'Period',
    notAnswered: 'Inget svar har kommit in.',
    bounced: 'E-post som inte kom fram',
    reportUndelivered: 'Rapporten kom inte fram till',
    request: 'förfrågan',
    reminder: 'påminnelse',
    escalation: 'eskalering',
    receipt: 'kvitto',
  },
  en: {
    summary: 'Compliance at a glance',
    asked: 'Units asked',
    answered: 'Answers',
    onTime: 'on time',
    late: 'late',
    exempt: 'Exempt',
    missing: 'Have not answered',
    none: 'None',
    answers: 'Answers by unit',
    answeredAt: 'Answered',
    by: 'Recorded by',
    bySecretariat: 'the secretariat',
    byContact: 'the contact person',
    revision: 'revision',
    deadline: 'Deadline',
    closedAt: 'Cycle closed',
    compiledAt: 'Compiled',
    source: 'Basis in the policy',
    reminders: 'Reminders',
    escalated: 'Escalated to the unit head',
    mailProblems: 'Mail problems',
    reason: 'Reason',
    period: 'Period',
    notAnswered: 'No answer has arrived.',
    bounced: 'Mail that did not arrive',
    reportUndelivered: 'The report did not reach',
    request: 'request',
    reminder: 'reminder',
    escalation: 'escalation',
    receipt: 'receipt',
  },
};

export function buildReportContext(args: {
  org: OrganisationConfig;
  obligation: PeriodicDataCallConfig;
  period: string;
  closedAt: string;
  compiledAt: string;
  outcomes: UnitStatus[];
  compliance?: Compliance;
  /** The report's own delivery so far: who did not get it is named in the archived copy. */
  delivery?: RecipientOutcome[];
}) {
  const { org, obligation, period, closedAt, compiledAt, outcomes, compliance, delivery = [] } = args;
  const language = org.organisation.language;
  const zone = org.organisation.timeZone;
  const labels = LABELS[language];
  const units = outcomes.map((o) => {
    const unit = org.units.find((u) => u.id === o.unitId);
    const late = o.answer ? Date.parse(o.answer.answeredAt) >= Date.parse(o.plan.deadlineAt) : false;
    return {
      id: o.unitId,
      name: unit ? unit.name[language] : o.unitId,
      state: o.state,
      answered: Boolean(o.answer),
      late,
      deadline: formatDate(`${o.plan.deadlineDate}T12:00:00`, zone, language),
      answeredAt: o.answer ? formatDate(o.answer.answeredAt, zone, language, true) : undefined,
      by: o.answer ? (o.answer.by === 'secretariat' ? labels.bySecretariat : labels.byContact) : undefined,
      revision: o.answer?.revision,
      rows: o.answer ? answerRows(obligation.questionnaire, o.answer.values, language) : [],
      exempt: o.exempt ? { reason: o.exempt.reason } : undefined,
      reminders: o.remindersSentAt.length,
      escalatedAt: o.escalatedAt ? formatDate(o.escalatedAt, zone, language, true) : undefined,
      mailProblems: o.mailProblems.map((p) => `${labels[p.kind] ?? p.kind}${p.address ? ` ${p.address}` : ''}: ${p.error}`),
      bounced: o.mailProblems.filter((p) => p.address).map((p) => ({ address: p.address!, kind: labels[p.kind] ?? p.kind })),
    };
  });
  const answered = units.filter((u) => u.answered);
  return {
    language,
    labels,
    title: (obligation.report.title ?? obligation.title)[language],
    org: { name: org.organisation.name },
    period,
    source: obligation.source,
    closedAt: formatDate(closedAt, zone, language, true),
    compiledAt: formatDate(compiledAt, zone, language, true),
    summary: {
      asked: units.filter((u) => !u.exempt).length,
      answered: answered.length,
      onTime: answered.filter((u) => !u.late).length,
      late: answered.filter((u) => u.late).length,
      exempt: units.filter((u) => u.exempt).map((u) => u.name),
      missing: units.filter((u) => !u.answered && !u.exempt).map((u) => u.name),
      bounced: units.flatMap((u) => u.bounced.map((b) => ({ ...b, unit: u.name }))),
      undelivered: delivery.filter((d) => d.state !== 'delivered').map((d) => ({ address: d.address, detail: d.detail })),
    },
    units,
    compliance,
  };
}

export async function compileReportFiles(args: {
  archive: Archive;
  renderer: Renderer;
  key: CycleKey;
  context: ReturnType<typeof buildReportContext>;
}): Promise<ArchivedReport> {
  const { archive, renderer, key, context } = args;
  const html = renderer.report('html', context);
  const markdown = renderer.report('markdown', context);
  const htmlRef = await archive.put(reportRef(key.orgId, key.obligationId, key.period, 'html'), html);
  const markdownRef = await archive.put(reportRef(key.orgId, key.obligationId, key.period, 'md'), markdown);
  return {
    html: htmlRef,
    markdown: markdownRef,
    asked: context.summary.asked,
    answered: context.summary.answered,
    exempt: context.summary.exempt.length,
  };
}
