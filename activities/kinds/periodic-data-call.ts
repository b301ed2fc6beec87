/**
 * The periodic data call: a cycle per period asks every unit, reminds, escalates, collects the
 * answers and compiles and delivers the report.
 */
import { DateTime } from 'luxon';
import { messageIdScope, cycleWorkflowId, type CycleKey } from '../../domain/ids';
import { dataCallOpenings, formatDate, latestEndedPeriod, previousPeriod, standingLinkExpiry } from '../../domain/calendar';
import { planDataCall, replanDataCall, stepPeople } from '../../domain/escalation';
import type { OrganisationConfig, PeriodicDataCallConfig, PersonConfig, UnitConfig } from '../../config/schema';
import { unitStepTimes, unitTimes } from '../../domain/spread';
import { askQuestionnaire, periodQuestionnaire } from '../questionnaire-lists';
import type { RegisterContents } from '../../domain/registers';
import type { ArchivedReport, CycleSetup, Language, MailingResult, MailKind, RecipientOutcome, SubmittedAnswer, UnitPlan, UnitStatus } from '../../domain/types';
import { outcomesFolderRef, outcomesPartRef, readIfPresent, reportDataRef } from '../archive';
import { buildCompliance } from '../compliance';
import { deadlineInvite } from '../deadline-invite';
import { ownerLinkUrl, webLink } from '../owner-links';
import type { ActivityDeps } from '../index';
import { answerRows, mailContext } from '../mail-context';
import { buildReportContext, compileReportFiles, type PeriodData } from '../report';
import { reportAttachments } from '../documents/report-files';
import { heartbeatKeepingProgress, type SendToEach } from '../send';
import { answerActorsOnBehalf, recordAnswerVersion } from '../../records/answers';
import { reportAttachmentsOf } from '../../records/attachments';
import type { KindModule } from './kind-module';
import { headTitle, registerNames } from '../../domain/wording';
import type { EmitWebhookEvent } from '../webhooks';
import { createUnitPeople, personOf } from '../unit-people';
import { delegationById, type Delegation } from '../../records/people';
import { forgetUnitRows } from '../../records/unit-rows';
import { DirectoryError } from '../directory';

export interface UnitMailInput {
  key: CycleKey;
  unitId: string;
  kind: MailKind;
  sequence: number;
  /** Workflow time at sending: the mail's Date, correct also in time-skipped tests. */
  at: string;
  plan: UnitPlan;
  /** The cycle's closing: the answer link works until then. */
  closesAt: string;
  answer?: SubmittedAnswer;
  /** A retry: only these addresses. */
  only?: string[];
  /** Not these addresses: an earlier mail is still on its way to them, and this one follows it. */
  skip?: string[];
  /** A receipt's answer to put on record (the public record) before the mail goes out, and who sent it. */
  answerVersion?: { submissionId: string; actor: string };
  /** An escalation of the ladder: its step (0 for the first) in the obligation's `escalation`. */
  step?: number;
}

/** The mail to a colleague a contact handed the unit's answer to (web/pages/answer.ts): the request, with their own link. */
export interface DelegationMailInput {
  key: CycleKey;
  unitId: string;
  /** The delegation's id (records/people.ts): the colleague is read from the record, not carried in a history. */
  delegationId: string;
  at: string;
  plan: UnitPlan;
  closesAt: string;
}

/** The unit's entries in the registers, listed in the request so people confirm instead of retyping. */
function registerLines(register: RegisterContents, kinds: readonly string[], unitId: string): string[] {
  const lines: string[] = [];
  if (kinds.includes('projects')) {
    for (const p of register.projects.filter((x) => x.unitId === unitId && x.state !== 'closed')) {
      lines.push(`${p.title} (${p.stage === 'application' ? 'ansökan/application' : p.euFunded ? 'EU' : 'projekt/project'}, ${p.plannedStart}${p.partners.length ? `, ${p.partners.join(', ')}` : ''})`);
    }
  }
  if (kinds.includes('seminars')) for (const s of register.seminars.filter((x) => x.unitId === unitId)) lines.push(`${s.date} ${s.title}, ${s.place} (${s.role})`);
  if (kinds.includes('agreements')) for (const a of register.agreements.filter((x) => x.unitId === unitId)) lines.push(`${a.title} – ${a.partner} (→ ${a.endsOn})`);
  return lines;
}

/** The ladder's step of an escalation mail; none for the single escalation (no ladder, or a unit from before). */
function escalationStepOf(obligation: PeriodicDataCallConfig, step: number | undefined) {
  if (step === undefined) return undefined;
  const found = obligation.escalation?.[step];
  // The config lost the step while the cycle ran: the mailing fails as a whole and shows in the unit's status.
  if (!found) throw new LadderStepMissingError(`The escalation ladder of "${obligation.id}" has no step ${step + 1} any more (it has ${obligation.escalation?.length ?? 0}); put it back in the config or close the cycle.`);
  return found;
}

/** A role of the organisation as a mail's recipient, greeted by the role's name. */
function roleAsPerson(org: OrganisationConfig, id: string): PersonConfig | undefined {
  const role = org.roles?.[id];
  if (!role) return undefined;
  return { name: role.name[role.language ?? org.organisation.language], email: role.email, ...(role.language ? { language: role.language } : {}) };
}

/**
 * What an escalation addresses its recipient as ("Som kommundirektör ber vi dig…"): the unit's head
 * by the head's title, a role of the ladder by the role's name; a contact or the secretariat, whom
 * a step may also name, by no title, so none is told to act as the unit's head.
 */
function addressedAs(org: OrganisationConfig, unit: UnitConfig, names: readonly string[], person: { email: string }, language: Language): string | undefined {
  const same = (other: { email: string }) => other.email.toLowerCase() === person.email.toLowerCase();
  for (const name of names) {
    if (name === 'head' && same(unit.head)) return headTitle(unit, org.wording, language);
    const role = name.startsWith('role:') ? org.roles?.[name.slice(5)] : undefined;
    // "Kommundirektör" as a title in running text; an abbreviation ("VD") as it is.
    if (role && same(role)) return role.name[language].replace(/^(\p{Lu})(?=\p{Ll})/u, (c) => c.toLocaleLowerCase(language));
  }
  return undefined;
}

/** A directory problem to Temporal (its name stays DirectoryError): not retried, as a unit no longer in the config is not. */
export class LadderStepMissingError extends DirectoryError {}

export function createDataCallActivities(deps: ActivityDeps, sendToEach: SendToEach, emit: EmitWebhookEvent) {
  const { renderer, archive, directory } = deps;
  // The contacts and head set in the web, and the colleagues answers were handed to, when a mail goes.
  const unitPeople = createUnitPeople(directory, deps.people ?? deps.records);
  const cycleUrl = (key: CycleKey) => webLink(deps, key.orgId, `cycles/${key.obligationId}/${key.period}`);
  /** The unit's name in the organisation's language, where the config still has the unit. */
  const unitName = (orgId: string, unitId: string) => {
    const org = directory.organisation(orgId);
    return org.units.find((u) => u.id === unitId)?.name[org.organisation.language];
  };

  /**
   * One version of a unit's answer, to the database of record (the public record, kept after the
   * workflow's history is gone); whether there is a database to keep it in.
   */
  async function keepAnswerVersion(input: { key: CycleKey; unitId: string; answer: SubmittedAnswer; submissionId: string; actor: string }): Promise<boolean> {
    if (!deps.records) return false;
    await recordAnswerVersion(deps.records, {
      org: input.key.orgId,
      obligation: input.key.obligationId,
      period: input.key.period,
      unit: input.unitId,
      revision: input.answer.revision,
      submissionId: input.submissionId,
      actor: input.actor,
      answers: input.answer.values,
      at: new Date(input.answer.answeredAt),
    });
    const { key, unitId, answer } = input;
    await emit({
      org: key.orgId,
      type: 'answer.received',
      key: `${key.orgId}/${key.obligationId}/${key.period}/${unitId}/${answer.revision}`,
      at: answer.answeredAt,
      data: { obligation: key.obligationId, period: key.period, unit: unitId, unitName: unitName(key.orgId, unitId), revision: answer.revision, answeredAt: answer.answeredAt, by: input.actor, answers: answer.values, url: cycleUrl(key) },
    });
    return true;
  }

  /**
   * handedTo: only this colleague, with the line that says who handed the answer over (the
   * delegation's own mail). Otherwise the unit's mails but the escalation go to its contacts and to
   * every colleague handed the answer this cycle, each colleague with their own link: both keep
   * knowing where the answer stands.
   */
  async function sendMail(input: UnitMailInput, handedTo?: Delegation): Promise<MailingResult> {
    const { org, obligation } = directory.obligation(input.key);
    const unit = await unitPeople.unit(input.key.orgId, input.unitId);
    const from = org.secretariat;
    const mailKey = input.kind === 'deadline-moved' ? 'deadlineMoved' : input.kind;
    const ladderStep = input.kind === 'escalation' ? escalationStepOf(obligation, input.step) : undefined;
    const template = ladderStep?.template ?? obligation.templates[mailKey];
    const withInvite = input.kind === 'request' || input.kind === 'reminder' || input.kind === 'deadline-moved';
    const delegates = handedTo ? [handedTo] : input.kind === 'escalation' ? [] : await unitPeople.delegates(input.key, input.unitId);
    const delegationOf = new Map(delegates.map((d) => [d.email.toLowerCase(), d.id]));
    const secretariat = { name: org.secretariat.name, email: org.secretariat.email };
    // A step of the ladder goes to whom it names; the single escalation to the head, the secretariat in copy.
    const parties = { contacts: unit.contacts, head: unit.head, secretariat, role: (id: string) => roleAsPerson(org, id) };
    const recipients = handedTo ? [personOf(handedTo)] : ladderStep ? stepPeople(ladderStep.to, parties) : input.kind === 'escalation' ? [unit.head] : [...unit.contacts, ...delegates.map(personOf)];
    const copied = ladderStep ? stepPeople(ladderStep.cc ?? [], parties) : input.kind === 'escalation' ? [secretariat] : undefined;
    const registered = input.kind === 'request' && obligation.showRegisters.length ? registerLines(await deps.registers.read(input.key.orgId), obligation.showRegisters, input.unitId) : [];
    const questionnaire = await periodQuestionnaire(obligation, input.key, deps.registers, archive);
    // Where the policy keeps registers, the unit registers its seminars and projects from a standing link.
    // It names only the registers the policy has: a policy without a seminar minimum offers no seminars.
    const kept = (['seminars', 'projects'] as const).filter((r) => org.obligations.some((o) => o.kind === (r === 'seminars' ? 'minimum-occurrences' : 'gate-before-start')));
    const keepsRegisters = kept.length > 0;
    // Each contact's own link, tied to them: it ends when they are no longer the unit's contact, and with the period.
    const registersUrlOf = (person: { email: string }) =>
      keepsRegisters && input.kind === 'request' ? ownerLinkUrl(deps, 'unit-registers', input.key.orgId, input.unitId, input.at, person.email, standingLinkExpiry(obligation.period, input.closesAt)) : undefined;
    return sendToEach(
      recipients,
      org.organisation.language,
      (person, language) => {
        // A colleague's own link names their delegation: their answer is on record as theirs.
        const delegation = delegationOf.get(person.email.toLowerCase());
        const token = deps.answerLinks.token({ key: input.key, unitId: input.unitId, expiresAt: input.closesAt, ...(delegation ? { delegation } : {}) });
        const answerUrl = webLink(deps, input.key.orgId, `answer/${token}`);
        const base = mailContext({ org, obligation, questionnaire, unit, person, language, input, answerUrl });
        // The single escalation goes to the head; a ladder's step to whom it names.
        const title = input.kind === 'escalation' ? addressedAs(org, unit, ladderStep ? [...ladderStep.to, ...(ladderStep.cc ?? [])] : ['head'], person, language) : undefined;
        const context = { ...base, recipient: { ...base.recipient, ...(title ? { title } : {}) }, registered, registersUrl: delegation ? undefined : registersUrlOf(person), registers: registerNames(kept, language), ...(ladderStep ? { escalationStep: { number: input.step! + 1, of: obligation.escalation!.length } } : {}) };
        const rendered = renderer.of(org).mail(template, language, context, obligation.subjects[mailKey]?.[language]);
        const subject = rendered.subject;
        const text = handedTo ? `${handedOverText(language, handedTo.delegatedBy, unit.name[language])}\n\n${rendered.text}` : rendered.text;
        const invite = withInvite
          ? deadlineInvite({
              key: input.key,
              unitId: input.unitId,
              deadlineDate: input.plan.deadlineDate,
              title: obligation.title[language],
              unitName: unit.name[language],
              secretariat: org.secretariat,
              organisation: org.organisation.name,
              zone: org.organisation.timeZone,
              language,
              at: input.at,
            })
          : undefined;
        return {
          subject,
          text,
          date: new Date(input.at),
          replyTo: org.secretariat.email,
          // A step's mail has its own Message-ID: the step is part of its business key.
          idSubject: ladderStep ? `${input.unitId}.step-${input.step! + 1}` : input.unitId,
          attachments: invite ? [invite] : undefined,
        };
      },
      from,
      messageIdScope(input.key),
      input.kind,
      input.sequence,
      { cc: copied?.length ? copied : undefined, only: input.only, skip: input.skip, at: input.at, ...(handedTo ? { retryInActivity: true } : {}) },
    );
  }

  return {
    async planCycle({ key, now }: { key: CycleKey; now: string }): Promise<CycleSetup> {
      const { org, obligation } = directory.obligation(key);
      return {
        language: org.organisation.language,
        unitIds: org.units.map((u) => u.id).filter((id) => !obligation.units || obligation.units.includes(id)),
        questionnaire: await askQuestionnaire(obligation, key, deps.registers, archive),
        plan: planDataCall(obligation, key.period, org.organisation.timeZone, new Date(now)),
        title: `${obligation.title[org.organisation.language]} ${key.period}`,
        timeZone: org.organisation.timeZone,
      };
    },

    /** closesAt: given by units with a ladder, whose steps' windows end at the cycle's closing. */
    async planDeadline({ key, until, opensAt, closesAt }: { key: CycleKey; unitId: string; until: string; opensAt: string; closesAt?: string }): Promise<UnitPlan> {
      const { org, obligation } = directory.obligation(key);
      return replanDataCall(obligation, until, opensAt, org.organisation.timeZone, closesAt);
    },

    async sendUnitMail(input: UnitMailInput): Promise<MailingResult> {
      // A sign of life before the register is read: that read can wait behind a dead worker (activities/register-reader.ts).
      heartbeatKeepingProgress();
      // First, so that nothing after it (an unknown unit, a broken template) keeps the answer off the record.
      if (input.answerVersion && input.answer) {
        // A sign of life while the database answers (it may be failing over): the write is retried, not the worker suspected.
        const alive = setInterval(heartbeatKeepingProgress, 2_000);
        try {
          await keepAnswerVersion({ key: input.key, unitId: input.unitId, answer: input.answer, ...input.answerVersion });
        } finally {
          clearInterval(alive);
        }
        return { ...(await sendMail(input)), answerOnRecord: true };
      }
      const sent = await sendMail(input);
      // The escalation goes out when the unit has let its deadline pass: to the systems, the unit is late (once, at the ladder's first step).
      if (input.kind === 'escalation' && !input.step) {
        const { key, unitId } = input;
        await emit({
          org: key.orgId,
          type: 'unit.late',
          key: `${key.orgId}/${key.obligationId}/${key.period}/${unitId}/${input.plan.deadlineAt}`,
          at: input.at,
          data: { obligation: key.obligationId, period: key.period, unit: unitId, unitName: unitName(key.orgId, unitId), deadline: input.plan.deadlineDate, deadlineAt: input.plan.deadlineAt, escalatedAt: input.at, url: cycleUrl(key) },
        });
      }
      return sent;
    },

    recordAnswerVersion: keepAnswerVersion,

    /** The request to a colleague the unit's answer was handed to, with their own link; retried here until the server takes it. */
    async sendDelegationMail(input: DelegationMailInput): Promise<MailingResult> {
      const delegation = deps.records ? await delegationById(deps.records, input.delegationId) : undefined;
      if (!delegation || delegation.org !== input.key.orgId || delegation.obligation !== input.key.obligationId || delegation.period !== input.key.period || delegation.unit !== input.unitId) {
        throw new DirectoryError(`No delegation ${input.delegationId} of ${input.unitId} in ${input.key.orgId}/${input.key.obligationId}/${input.key.period} is on record.`);
      }
      // Withdrawn before its mail went out: the colleague is asked nothing (their link would not work).
      if (delegation.withdrawnAt) return { recipients: [], messageIds: [], rejected: [], outcomes: [] };
      return sendMail({ key: input.key, unitId: input.unitId, kind: 'request', sequence: 1, at: input.at, plan: input.plan, closesAt: input.closesAt }, delegation);
    },

    /** Keeps one part of the units' outcomes for compileReport; returns its reference. */
    async stageOutcomes({ key, part, outcomes }: { key: CycleKey; part: number; outcomes: UnitStatus[] }): Promise<string> {
      return archive.put(outcomesPartRef(key, part), JSON.stringify(outcomes));
    },

    /**
     * at: the workflow's time of compiling, the report's stamp (histories from before it was passed
     * fall back to the clock of record). delivery: the report's delivery so far, named in the archived copy.
     */
    async compileReport({ key, closedAt, parts, at, delivery }: { key: CycleKey; closedAt: string; parts: string[]; at?: string; delivery?: RecipientOutcome[] }): Promise<ArchivedReport> {
      const { org, obligation } = directory.obligation(key);
      const outcomes = (await Promise.all(parts.map(async (ref) => JSON.parse(await archive.read(ref)) as UnitStatus[]))).flat();
      const register = await deps.registers.read(key.orgId);
      const compliance = buildCompliance({ org, rule: obligation.period, period: key.period, register, language: org.organisation.language, headings: obligation.report.headings });
      const compiledAt = at ?? deps.clock().toISOString();
      const previousText = await readIfPresent(archive, reportDataRef({ ...key, period: previousPeriod(obligation.period, key.period) }));
      const previous = previousText ? (JSON.parse(previousText) as PeriodData) : undefined;
      const questionnaire = await periodQuestionnaire(obligation, key, deps.registers, archive);
      // The files attached to the answers, listed by name, kind, size and SHA-256: the bytes stay on record.
      const attachments = deps.records ? await reportAttachmentsOf(deps.records, key, questionnaire, outcomes) : undefined;
      // Answers a colleague gave for a unit's contact name them in the report: who, on whose behalf.
      const actors = deps.records ? await answerActorsOnBehalf(deps.records, { org: key.orgId, obligation: key.obligationId, period: key.period }) : undefined;
      const context = buildReportContext({ org, obligation, questionnaire, period: key.period, closedAt, outcomes, compiledAt, compliance, delivery, previous, attachments, actors });
      const report = await compileReportFiles({ archive, renderer: renderer.of(org), key, context, compiledAtIso: compiledAt });
      // The units' lines of a closed cycle are in its report's data now: their copy for the running status goes.
      if (deps.records) await forgetUnitRows(deps.records, cycleWorkflowId(key));
      // Once a cycle: compiled again to name its delivery problems, it is the same report.
      const url = cycleUrl(key);
      await emit({
        org: key.orgId,
        type: 'report.compiled',
        key: `${key.orgId}/${key.obligationId}/${key.period}`,
        at: compiledAt,
        data: {
          obligation: key.obligationId,
          period: key.period,
          closedAt,
          compiledAt,
          asked: report.asked,
          answered: report.answered,
          exempt: report.exempt,
          url,
          files: { html: `${url}/report.html`, markdown: `${url}/report.md`, ...(report.pdf ? { pdf: `${url}/report.pdf` } : {}), ...(report.docx ? { docx: `${url}/report.docx` } : {}) },
        },
      });
      return report;
    },

    /** The units' staged outcomes hold every answer; once the report is archived they go. */
    /** The units whose own board gets their part of the report: none unless the obligation says so. */
    async unitsWithBoards({ key }: { key: CycleKey }): Promise<string[]> {
      const { org, obligation } = directory.obligation(key);
      if (!obligation.report.toUnitBoards) return [];
      return org.units.filter((u) => u.board && (!obligation.units || obligation.units.includes(u.id))).map((u) => u.id);
    },

    /** One unit's part (its answer, or that none came) to the unit's own board, person by person. */
    async deliverUnitPart({ key, unitId, closedAt, part }: { key: CycleKey; unitId: string; closedAt: string; part: string }): Promise<MailingResult> {
      const { org, obligation } = directory.obligation(key);
      const unit = directory.unit(key.orgId, unitId);
      if (!unit.board) return { recipients: [], messageIds: [], rejected: [], outcomes: [] };
      const board = unit.board;
      const outcome = (JSON.parse(await archive.read(part)) as UnitStatus[]).find((o) => o.unitId === unitId);
      const questionnaire = await periodQuestionnaire(obligation, key, deps.registers, archive);
      const zone = org.organisation.timeZone;
      const bodies = org.bodies.filter((b) => obligation.report.recipients.includes(b.id));
      return sendToEach(
        board.recipients,
        org.organisation.language,
        (person, language) => {
          const { subject, text } = renderer.of(org).mail(obligation.templates.unitPart, language, {
            org: { name: org.organisation.name },
            policy: { name: org.policy.name[language] },
            secretariat: org.secretariat,
            recipient: { name: person.name },
            obligation: { title: obligation.title[language], source: obligation.source },
            period: key.period,
            unit: { name: unit.name[language] },
            board: { name: board.name[language] },
            recipients: bodies.map((b) => b.name[language]).join(', '),
            answer: outcome?.answer ? { answeredAt: formatDate(outcome.answer.answeredAt, zone, language, true), rows: answerRows(questionnaire, outcome.answer.values, language) } : undefined,
            exempt: outcome?.exempt?.reason,
          }, obligation.subjects.unitPart?.[language]);
          return { subject, text, date: new Date(closedAt), replyTo: org.secretariat.email, idSubject: `board.${unitId}` };
        },
        org.secretariat,
        messageIdScope(key),
        'unit-part',
        1,
        { retryInActivity: true },
      );
    },

    async discardStagedOutcomes({ key }: { key: CycleKey }): Promise<void> {
      await archive.remove(outcomesFolderRef(key));
    },

    async deliverReport({ key, closedAt, report, skip }: { key: CycleKey; closedAt: string; report: ArchivedReport; skip?: string[] }): Promise<MailingResult> {
      const { org, obligation } = directory.obligation(key);
      const bodies = org.bodies.filter((b) => obligation.report.recipients.includes(b.id));
      const attachments = await reportAttachments(archive, report, `${key.orgId}-${key.obligationId}-${key.period}`, obligation.report.attach);
      const people = [...bodies.flatMap((b) => b.recipients), { name: org.secretariat.name, email: org.secretariat.email }];
      const from = org.secretariat;
      const result = await sendToEach(
        people,
        org.organisation.language,
        (person, language) => {
          const context = {
            org: { name: org.organisation.name },
            obligation: { title: (obligation.report.title ?? obligation.title)[language] },
            period: key.period,
            recipient: { name: person.name },
            secretariat: org.secretariat,
            summary: report,
          };
          const { subject, text } = renderer.of(org).mail(obligation.templates.reportDelivery, language, context, obligation.subjects.reportDelivery?.[language]);
          return {
            subject,
            text,
            date: new Date(closedAt),
            replyTo: org.secretariat.email,
            idSubject: 'report',
            attachments,
          };
        },
        from,
        messageIdScope(key),
        'report',
        1,
        { skip },
      );
      // Each call's new deliveries are one event: a retried call delivers to the same people, the same event.
      const delivered = (result.outcomes ?? []).filter((o) => o.state === 'delivered');
      if (delivered.length > 0) {
        const addresses = delivered.map((o) => o.address.toLowerCase()).sort();
        await emit({
          org: key.orgId,
          type: 'report.delivered',
          key: `${key.orgId}/${key.obligationId}/${key.period}/${addresses.join(',')}`,
          at: delivered.map((o) => o.at).sort().at(-1)!,
          data: { obligation: key.obligationId, period: key.period, closedAt, deliveredTo: addresses, recipients: result.outcomes, url: cycleUrl(key) },
        });
      }
      return result;
    },
  };
}

export const periodicDataCall: KindModule<'periodic-data-call'> = {
  templates: (obligation) => ({ mails: [...Object.values(obligation.templates), ...(obligation.escalation ?? []).flatMap((step) => (step.template ? [step.template] : []))], reports: ['report.html.hbs', 'report.md.hbs'] }),
  schedule: {
    // A data call that opened before the first sync is started by hand (followup cycle start):
    // starting it silently could ask units weeks late for something the secretariat already did.
    runs: (org, o, now, horizonYears) => ({ runs: dataCallOpenings(o.calendar, o.period, org.organisation.timeZone, now, horizonYears).map((r) => ({ label: r.period, at: r.opensAt })) }),
    run(org, obligation, now) {
      const orgId = org.organisation.id;
      const zone = org.organisation.timeZone;
      const opened = dataCallOpenings(obligation.calendar, obligation.period, zone, new Date(now.getTime() - 400 * 86_400_000), 2).filter((o) => Date.parse(o.opensAt) <= now.getTime());
      const period = opened.at(-1)?.period ?? latestEndedPeriod(obligation.period, DateTime.fromJSDate(now, { zone }));
      return { workflowType: 'cycleWorkflow', workflowId: cycleWorkflowId({ orgId, obligationId: obligation.id, period }), args: [{ orgId, obligationId: obligation.id, period, startedBy: 'schedule' }] };
    },
    currentPeriod: (org, obligation, now) => latestEndedPeriod(obligation.period, DateTime.fromJSDate(now).setZone(org.organisation.timeZone)),
  },
  async preview({ org, obligation, period, now, activities, record }) {
    const key: CycleKey = { orgId: org.organisation.id, obligationId: obligation.id, period };
    const plan = planDataCall(obligation, period, org.organisation.timeZone, now);
    const base = { key, plan, closesAt: plan.closesAt };
    for (const unit of org.units.filter((u) => !obligation.units || obligation.units.includes(u.id))) {
      // Each unit's reminders and escalation at its own moments, as its workflow sends them.
      const own = unitTimes(plan, key, unit.id);
      // Reminders whose time had passed when the cycle opened are not sent (a cycle started late).
      const reminders = own.reminderTimes.filter((t) => Date.parse(t) > Date.parse(plan.opensAt));
      await record('request', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'request', sequence: 1, at: plan.opensAt }));
      for (const [i, at] of reminders.entries()) await record('reminder', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'reminder', sequence: i + 1, at }));
      if (!plan.escalationSteps) await record('escalation', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'escalation', sequence: 1, at: own.escalationAt }));
      // Each step of the ladder the cycle reaches before it closes, as the unit's workflow numbers them.
      for (const [step, at] of unitStepTimes(plan, key, unit.id).entries()) {
        if (Date.parse(at) < Date.parse(plan.closesAt)) await record('escalation', () => activities.sendUnitMail({ ...base, unitId: unit.id, kind: 'escalation', sequence: step + 1, step, at }));
      }
    }
    // The report mail as it goes out, its figures standing in (the report is compiled at closing).
    const counts = org.organisation.language === 'sv' ? '[antal]' : '[count]';
    const report = { html: 'preview/report.html', markdown: 'preview/report.md', pdf: 'preview/report.pdf', docx: 'preview/report.docx', asked: counts, answered: counts, exempt: counts };
    await record('report', () => activities.deliverReport({ key, closedAt: plan.closesAt, report: report as unknown as ArchivedReport }));
    // Each board's part, as if its unit had not answered (a stand-in of no outcomes).
    for (const unitId of await activities.unitsWithBoards({ key })) {
      await record('unit-part', () => activities.deliverUnitPart({ key, unitId, closedAt: plan.closesAt, part: 'preview/no-outcomes.json' }));
    }
    return ['nobodyAnswers', 'reportCounts'];
  },
};

/** The line the colleague's mail opens with: who handed them the answer, in the mail's language. */
export function handedOverText(language: 'sv' | 'en', by: string, unitName: string): string {
  return language === 'sv'
    ? `${by} har lämnat över svaret för ${unitName} till dig. Din egen länk till svarsformuläret finns nedan; du får också enhetens påminnelser och kvitto.`
    : `${by} has handed the answer for ${unitName} over to you. Your own link to the answer form is below; you will also get the unit's reminders and receipt.`;
}
