/** A data call's cycle for the secretariat: who has answered, acting on units, closing, the report. */
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { closeCycle, cycleInfo, CycleNotFoundError, cycleOverview, cyclePage, type CyclePage, exemptUnit, extendDeadline, RejectedError, redeliverReport, remindNow, submitAnswer, unitStatus } from '../../client/cycles';
import type { FieldError } from '../../domain/answers';
import { obligationOf } from '../../config/schema';
import { REPORT_CONTENT_TYPES, refOf } from '../../domain/report-formats';
import { Refusal } from '../../domain/refusals';
import { z } from 'zod';
import { questionnaireForm, typedFields } from '../questionnaire-form';
import { formatDate } from '../../domain/calendar';
import type { CycleKey } from '../../domain/ids';
import { countByState, cycleClosing, SHOWN_STATES, shownState, shownStatesWhile, STATE_LABELS, unitOwesAnswer, type ShownState } from '../../domain/unit-states';
import type { CycleOverview } from '../../domain/types';
import { answerRows } from '../../activities/mail-context';
import { readIfPresent, reportDataRef } from '../../activities/archive';
import type { PeriodData } from '../../activities/report';
import { answerVersions } from '../../records/answers';
import { delegationsOf } from '../../records/people';
import { attachmentInfos, readAttachment } from '../../records/attachments';
import { attachmentIds, formatFileSize, kindOfMediaType, FILE_KINDS } from '../../domain/attachments';
import { acceptMultipartForms, checkUploads, configuredFileField, contentDisposition, heldAttachments } from '../uploads';
import { asksForFiles } from '../../domain/attachments';
import { cycleMails, cycleOnRecord, type CycleOnRecord } from '../../records/cycles';
import { mailKindText } from './mail-log';
import type { TextKey } from '../i18n';
import { answerForm, answersExportParams, cycleActionForm, cycleParams, cycleQuery, cycleUnitParams, languageQuery, pageQuery, reportParams, reportQuery } from '../forms';
import { sendTable } from '../send-table';
import { answersFlatSheet, answersWorkbook, loadCycleAnswers, withAttachments } from '../../exports/cycle-answers';
import { responseText, text } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';

const attachmentParams = cycleUnitParams.extend({ attachment: z.uuid() });

/** Rows on one page of a cycle's units: a page a person reads and a browser draws at once, at any N. */
const UNITS_PER_PAGE = 50;
const HISTORY_SHOWN = 100;

/** A view of a cycle's units as query fields: its filter, its search, and its page when not the first. */
function viewFields(state: string | undefined, search: string | undefined, n: number): Record<string, string> {
  return { ...(state ? { state } : {}), ...(search ? { q: search } : {}), ...(n > 1 ? { page: String(n) } : {}) };
}

/** The cycle's page with these filters, at page n. */
function linkTo(key: CycleKey, state: string | undefined, search: string | undefined, n: number): string {
  const query = new URLSearchParams({ ...viewFields(state, search, n), page: String(n) });
  return `/cycles/${key.obligationId}/${key.period}?${query.toString()}#units-title`;
}

/** A page of a cycle's units from its record, as cyclePage reads them from Temporal: in `order`, filtered, counted. */
function pageOfRecord(kept: CycleOnRecord, options: { order: readonly string[]; state?: ShownState; among?: readonly string[]; offset: number; limit: number }): CyclePage {
  const position = new Map(options.order.map((id, i) => [id, i]));
  const among = options.among ? new Set(options.among) : undefined;
  const matches = kept.units
    .filter((u) => (!options.state || shownState(u) === options.state) && (!among || among.has(u.unitId)))
    .sort((a, b) => (position.get(a.unitId) ?? Infinity) - (position.get(b.unitId) ?? Infinity) || a.unitId.localeCompare(b.unitId));
  return { info: kept.info, counts: countByState(kept.units), matching: matches.length, units: matches.slice(options.offset, options.offset + options.limit), starting: false };
}

export async function cyclePages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, client, archive, orgLanguage, zone, page, message, dataCalls, unitName, obligationTitle } = kit;
  // The database of record, where there is one: a cycle whose workflows are gone is read from it.
  const records = kit.deps.records;
  /** The cycle on record once Temporal no longer knows it; undefined without a database or a record. */
  const fromRecord = async (key: CycleKey): Promise<CycleOnRecord | undefined> => (records ? cycleOnRecord(records, archive, key) : undefined);
  const { requireLogin, requireSecretariat, secretariatLanguage, secretariatContext } = session;
  // The secretariat records an answer for a unit with its files as the contact would: multipart, checked and scanned.
  if (asksForFiles(dataCalls.map((o) => o.questionnaire))) {
    await acceptMultipartForms(app, {
      questionnaires: dataCalls.map((o) => o.questionnaire),
      fileField: (request, name) => {
        const obligation = dataCalls.find((o) => o.id === cycleUnitParams.safeParse(request.params).data?.obligation);
        return obligation ? configuredFileField(obligation.questionnaire, name) : undefined;
      },
    });
  }
  const cycleKeyOf = ({ obligation, period }: { obligation: string; period: string }): CycleKey | undefined => {
    // The shape is checked by the route's params schema; here, that it is one of ours.
    if (!dataCalls.some((o) => o.id === obligation)) return undefined;
    return { orgId: config.organisation.id, obligationId: obligation, period };
  };

  /** The view an action on a unit was taken from, as its form carried it: anything else is the first page of all units. */
  const unitView = z.object({
    state: z.enum(['answered', 'draft', 'requested', 'scheduled', 'late', 'escalated', 'unanswered', 'bounced', 'exempt']).optional().catch(undefined),
    q: z.string().max(100).optional().catch(undefined),
    page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  });
  const STATE_COLORS: Record<ShownState, string> = {
    answered: '#1a6b32',
    draft: '#2f6fb0',
    requested: '#8a8a8a',
    scheduled: '#d0d0d0',
    late: '#c4321e',
    escalated: '#7d0a0a',
    exempt: '#6a4c9c',
    bounced: '#e07000',
    unanswered: '#4d4d4d',
  };

  const renderCycle = async (request: FastifyRequest, reply: FastifyReply, key: CycleKey, view: { state?: ShownState | ''; q?: string; page?: number }, status = 200, error?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const states = STATE_LABELS[lang];
    const { q: search, page: pageNumber = 1 } = view;
    const onlyState = view.state || undefined;
    // A search is by name (or id) among the config's units; the visibility store filters by state.
    const needle = search?.trim().toLocaleLowerCase(lang);
    // The units this obligation asks (all, unless it names some), in the config's order.
    const asks = dataCalls.find((o) => o.id === key.obligationId)?.units;
    const order = config.units.map((u) => u.id).filter((id) => !asks || asks.includes(id));
    const among = needle ? order.filter((id) => unitName(id, lang).toLocaleLowerCase(lang).includes(needle) || id.includes(needle)) : undefined;
    let cycle: CyclePage;
    let onRecord = false;
    const wanted = { order, state: onlyState, among, offset: (pageNumber - 1) * UNITS_PER_PAGE, limit: UNITS_PER_PAGE };
    try {
      cycle = await cyclePage(client, key, wanted);
    } catch (err) {
      if (!(err instanceof CycleNotFoundError)) throw err;
      // Its workflows' histories deleted (the namespace's retention): the cycle as it stands on record.
      const kept = await fromRecord(key);
      if (!kept) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      cycle = pageOfRecord(kept, wanted);
      onRecord = true;
    }
    const pages = Math.max(1, Math.ceil(cycle.matching / UNITS_PER_PAGE));
    if (pageNumber > pages && cycle.matching > 0) return reply.redirect(linkTo(key, onlyState, search, pages), 303);
    const current = pageNumber;
    const shown = cycle.units;
    const from = (current - 1) * UNITS_PER_PAGE;
    // Who did what: the cycle's own, and that of the units on this page, newest first.
    // Answers handed to a colleague are on record, not in the workflows: read beside them.
    const delegations = records ? await delegationsOf(records, { org: key.orgId, obligation: key.obligationId, period: key.period }, undefined, { withdrawn: true }) : [];
    const history = [
      ...(cycle.info.history ?? []).map((h) => ({ ...h, unit: undefined as string | undefined })),
      ...shown.flatMap((u) => (u.history ?? []).map((h) => ({ ...h, unit: unitName(u.unitId, lang) }))),
      ...delegations.map((d) => ({ at: d.delegatedAt.toISOString(), by: d.delegatedBy, what: 'delegated', unit: unitName(d.unit, lang), detail: d.name ? `${d.name}, ${d.email}` : d.email })),
      ...delegations.flatMap((d) => (d.withdrawnAt ? [{ at: d.withdrawnAt.toISOString(), by: d.withdrawnBy, what: 'delegation-withdrawn', unit: unitName(d.unit, lang), detail: d.name ? `${d.name}, ${d.email}` : d.email }] : [])),
    ]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, HISTORY_SHOWN)
      .map((h) => ({
        when: formatDate(h.at, zone, lang, true),
        who: h.by ?? text(lang, 'historyUnknown'),
        what: `${text(lang, `history_${h.what}` as Parameters<typeof text>[1])}${h.unit ? `: ${h.unit}` : ''}${h.detail ? ` (${h.detail})` : ''}`,
      }));
    const listed = Object.values(cycle.counts).reduce((a, b) => a + b, 0);
    const asked = listed - cycle.counts.exempt;
    const answered = cycle.counts.answered;
    const counts = SHOWN_STATES.map((s) => ({ s, count: cycle.counts[s] })).filter((c) => c.count > 0);
    const total = listed || 1;
    let x = 0;
    const chart = counts.map(({ s, count }) => {
      const width = (count / total) * 600;
      const segment = { x: x.toFixed(1), width: width.toFixed(1), color: STATE_COLORS[s], label: states[s], count };
      x += width;
      return segment;
    });
    const base = `/cycles/${key.obligationId}/${key.period}`;
    const open = cycle.info.phase === 'open';
    const closing = cycleClosing(cycle.info);
    const summary = responseText(lang, 'responseSummary', answered, asked);
    return page(reply, status, 'cycle', context, {
      heading: obligationTitle(key, lang),
      phaseText: text(lang, cycle.info.phase),
      closes: cycle.info.plan && open ? formatDate(cycle.info.plan.closesAt, zone, lang, true) : undefined,
      // When it closed, not when it was planned to: the planned time only beside an early close.
      closedAt: closing ? formatDate(closing.at, zone, lang, true) : undefined,
      plannedClose: closing?.planned ? formatDate(closing.planned, zone, lang, true) : undefined,
      done: doneMessage(lang, request.query, config.units),
      error,
      onRecord: onRecord ? text(lang, 'cycleOnRecord') : undefined,
      mailLog: records ? `${base}/mail-log` : undefined,
      responseSummary: summary,
      chart,
      open,
      history,
      act: open && context.canAct === true,
      base,
      report: cycle.info.report ? { html: `${base}/report.html`, markdown: `${base}/report.md`, pdf: cycle.info.report.pdf ? `${base}/report.pdf` : undefined, docx: cycle.info.report.docx ? `${base}/report.docx` : undefined } : undefined,
      reportPending: !open && !cycle.info.report && !cycle.info.reportProblem,
      answersExport: { xlsx: `${base}/answers.xlsx`, csv: `${base}/answers.csv` },
      reportProblems: [
        ...(cycle.info.reportProblem ? [text(lang, 'reportNotCompiled', { problem: cycle.info.reportProblem })] : []),
        ...(cycle.info.delivery ?? [])
          .filter((d) => d.state !== 'delivered')
          .map((d) => text(lang, d.state === 'retrying' ? 'reportRetrying' : 'reportUndelivered', { address: d.address, detail: d.detail ?? '' })),
      ],
      starting: cycle.starting ? text(lang, 'cycleStarting', { started: listed, total: cycle.info.unitCount ?? '…' }) : undefined,
      // Carried by each unit's action, so that acting on a unit comes back to this view.
      viewFields: Object.entries(viewFields(onlyState, search, current)).map(([name, value]) => ({ name, value })),
      filter: {
        states: shownStatesWhile(open).map((s) => ({ value: s, label: states[s], selected: s === onlyState })),
        q: search ?? '',
        filtered: Boolean(onlyState || needle),
      },
      paging: {
        summary: text(lang, 'unitsShown', { from: cycle.matching ? from + 1 : 0, to: Math.min(from + UNITS_PER_PAGE, cycle.matching), of: cycle.matching }),
        previous: current > 1 ? linkTo(key, onlyState, search, current - 1) : undefined,
        next: current < pages ? linkTo(key, onlyState, search, current + 1) : undefined,
        page: text(lang, 'pageOf', { page: current, pages }),
        several: pages > 1,
      },
      units: shown.map((u) => {
        const name = unitName(u.unitId, lang);
        return {
          id: u.unitId,
          name,
          stateClass: shownState(u),
          // The ladder's step the unit is on, while it waits ("eskalerad, steg 2 av 3").
          stateText: `${states[shownState(u)]}${u.escalationStep && shownState(u) === 'escalated' ? `, ${text(lang, 'escalationStepOf', { step: u.escalationStep, of: u.plan.escalationSteps?.length ?? u.escalationStep })}` : ''}`,
          problem: u.mailProblems.map((p) => (p.address ? `${p.address}: ${p.error}` : p.error)).join('; ') || undefined,
          deadline: formatDate(`${u.plan.deadlineDate}T12:00:00`, zone, lang),
          deadlineDate: u.plan.deadlineDate,
          answeredAt: u.answer ? formatDate(u.answer.answeredAt, zone, lang, true) : '',
          // Every version of its answer, from the record.
          versions: records && u.answer ? `${base}/units/${u.unitId}/versions` : undefined,
          reminders: u.remindersSentAt.length,
          canRemind: unitOwesAnswer(u),
          canChange: !u.answer && !u.exempt,
          canAnswerFor: cycle.info.phase === 'open' && !u.exempt && !u.closed,
        };
      }),
    });
  };

  app.get('/cycles/:obligation/:period', { onRequest: requireLogin, schema: { params: cycleParams, querystring: cycleQuery } }, async (request, reply) => {
    const key = cycleKeyOf(request.params);
    if (!key) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
    return renderCycle(request, reply, key, request.query);
  });

  const { actor } = session;
  const action = (name: string, run: (key: CycleKey, body: z.output<typeof cycleActionForm>, by: string | undefined) => Promise<string>) =>
    app.post(`/cycles/:obligation/:period/${name}`, { onRequest: requireSecretariat, schema: { params: cycleParams, querystring: languageQuery, body: cycleActionForm }, preHandler: app.csrfProtection }, async (request, reply) => {
      const key = cycleKeyOf(request.params);
      if (!key) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
      const { body } = request;
      if (body.unit !== undefined && !config.units.some((u) => u.id === body.unit)) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
      const view = unitView.parse({ state: body.state, q: body.q, page: body.page });
      try {
        const done = await run(key, body, actor(request));
        const back = new URLSearchParams(viewFields(view.state, view.q, view.page)).toString();
        return reply.redirect(`/cycles/${key.obligationId}/${key.period}?${done}${back ? `&${back}` : ''}`, 303);
      } catch (err) {
        // In the page's language, from the one catalogue, whatever language the workflow speaks.
        if (err instanceof RejectedError) return renderCycle(request, reply, key, view, 409, err.in(secretariatLanguage(request)));
        throw err;
      }
    });

  /** Units named one by one after an action; more are counted. */
  const NAMED_IN_ADDRESS = 20;
  action('remind', async (key, body, by) => {
    const reminded = await remindNow(client, key, body.unit || undefined, by);
    if (reminded.length === 0) return 'done=nobody';
    // Every unit's id in the address would not fit it in a cycle of hundreds: then their number.
    return reminded.length > NAMED_IN_ADDRESS ? `done=reminded&count=${reminded.length}` : `done=reminded&unit=${reminded.join(',')}`;
  });
  action('extend', async (key, body, by) => {
    await extendDeadline(client, key, body.unit ?? '', body.until ?? '', by);
    return `done=extended&unit=${body.unit}`;
  });
  action('exempt', async (key, body, by) => {
    await exemptUnit(client, key, body.unit ?? '', (body.reason ?? '').slice(0, 500), by);
    return `done=exempted&unit=${body.unit}`;
  });
  action('close', async (key, body, by) => {
    if (body.confirm !== 'yes') throw RejectedError.of('NotConfirmed', orgLanguage);
    await closeCycle(client, key, 'closed from the dashboard', by);
    return 'done=closing';
  });
  action('redeliver', async (key, _body, by) => {
    await redeliverReport(client, key, by);
    return 'done=redelivering';
  });

  // An answer recorded for a unit (sent by mail, told on the phone): the unit's form, in the
  // secretariat's hands; the unit's history names who recorded it.
  const renderAnswerFor = async (request: FastifyRequest, reply: FastifyReply, key: CycleKey, unitId: string, values: Record<string, string>, errors: FieldError[] = [], status = 200, problem?: string) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    const [info, unit] = await Promise.all([cycleInfo(client, key), unitStatus(client, key, unitId)]);
    const questionnaire = info.setup?.questionnaire ?? [];
    const base = `/cycles/${key.obligationId}/${key.period}`;
    const attachments = await heldAttachments(records, questionnaire, values, key, unitId);
    return page(reply, status, 'answer', context, {
      title: text(lang, 'answerForUnitTitle', { unit: unitName(unitId, lang) }),
      intro: text(lang, 'answerForUnitIntro'),
      unitName: unitName(unitId, lang),
      facts: [{ label: text(lang, 'obligation'), value: obligationTitle(key, lang) }],
      action: `${base}/units/${unitId}/answer`,
      answeredNote: unit.answer ? text(lang, 'answeredBefore', { when: formatDate(unit.answer.answeredAt, zone, lang, true) }) : undefined,
      problemNote: problem,
      submission: '',
      noDraft: true,
      ...questionnaireForm(questionnaire, values, errors, lang, undefined, attachments),
    });
  };
  const answerForKey = (params: { obligation: string; period: string; unit: string }) => {
    const key = cycleKeyOf(params);
    const { unit } = params;
    return key && config.units.some((u) => u.id === unit) ? { key, unit } : undefined;
  };
  app.get('/cycles/:obligation/:period/units/:unit/answer', { onRequest: requireSecretariat, schema: { params: cycleUnitParams, querystring: pageQuery } }, async (request, reply) => {
    const found = answerForKey(request.params);
    if (!found) return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
    let unit: Awaited<ReturnType<typeof unitStatus>>;
    try {
      unit = await unitStatus(client, found.key, found.unit);
    } catch (err) {
      if (!(err instanceof CycleNotFoundError)) throw err;
      // The unit's workflow is gone: nothing more can be recorded, and what was sent is on record.
      if (records && (await fromRecord(found.key))) return reply.redirect(`/cycles/${found.key.obligationId}/${found.key.period}/units/${found.unit}/versions`, 303);
      return message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
    }
    const values = unit.draft?.values ?? Object.fromEntries(Object.entries(unit.answer?.values ?? {}).map(([k, v]) => [k, String(v)]));
    return renderAnswerFor(request, reply, found.key, found.unit, values);
  });
  app.post('/cycles/:obligation/:period/units/:unit/answer', { onRequest: requireSecretariat, schema: { params: cycleUnitParams, querystring: languageQuery, body: answerForm }, preHandler: app.csrfProtection }, async (request, reply) => {
    const found = answerForKey(request.params);
    const lang = secretariatLanguage(request);
    if (!found) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const { setup } = await cycleInfo(client, found.key);
    const uploads = await checkUploads(request, setup?.questionnaire ?? [], typedFields(request.body, setup?.questionnaire ?? []), { records, scanner: kit.deps.scanner, key: found.key, unit: found.unit, uploadedBy: actor(request) ?? 'secretariat' });
    const typed = uploads.values;
    if (uploads.errors.length) return renderAnswerFor(request, reply, found.key, found.unit, typed, uploads.errors, 400);
    try {
      await submitAnswer(client, found.key, found.unit, typed, 'secretariat', undefined, actor(request));
    } catch (err) {
      if (err instanceof RejectedError && err.type === Refusal.InvalidAnswer) return renderAnswerFor(request, reply, found.key, found.unit, typed, err.fieldErrors as FieldError[], 400);
      if (err instanceof RejectedError) return renderAnswerFor(request, reply, found.key, found.unit, typed, [], 409, err.in(lang));
      throw err;
    }
    return reply.redirect(`/cycles/${found.key.obligationId}/${found.key.period}?done=answered&unit=${found.unit}`, 303);
  });

  /**
   * What a file route reads of the cycle in its path, or undefined once it has answered 404. Only a
   * cycle that does not exist is "not found"; an outage is an error, logged and said as one.
   */
  const readOr404 = async <T>(request: FastifyRequest, reply: FastifyReply, params: { obligation: string; period: string }, read: (key: CycleKey) => Promise<T>): Promise<{ key: CycleKey; value: T } | undefined> => {
    const key = cycleKeyOf(params);
    const notFound = () => message(reply, 404, secretariatLanguage(request), 'notFoundTitle', 'notFoundText');
    if (!key) return void (await notFound());
    try {
      return { key, value: await read(key) };
    } catch (err) {
      if (err instanceof CycleNotFoundError) return void (await notFound());
      throw err;
    }
  };

  /** The cycle's overview from Temporal, or from its record once its workflow is gone. */
  const overviewOrRecord = async (key: CycleKey): Promise<CycleOverview> => {
    try {
      return await cycleOverview(client, key);
    } catch (err) {
      const kept = err instanceof CycleNotFoundError ? await fromRecord(key) : undefined;
      if (!kept) throw err;
      return kept.info;
    }
  };

  // Every unit's answer, as a file for Excel: the compiled period from the archive, a running cycle from its units.
  app.get('/cycles/:obligation/:period/answers.:format', { onRequest: requireLogin, schema: { params: answersExportParams, querystring: languageQuery } }, async (request, reply) => {
    const { format } = request.params;
    const found = await readOr404(request, reply, request.params, (key) => loadCycleAnswers({ client, archive, configuredQuestionnaire: kit.configuredQuestionnaire }, key));
    if (!found) return reply;
    const { key } = found;
    const obligation = obligationOf(config, 'periodic-data-call', key.obligationId);
    // Every version of every answer beside the answers as they stand, where they are on record.
    const versions = records ? await answerVersions(records, { org: key.orgId, obligation: key.obligationId, period: key.period }) : undefined;
    // A file field names its files (name, kind, size, SHA-256), as the database of record has them.
    const answers = records ? await withAttachments(records, found.value, versions) : found.value;
    const book = answersWorkbook({ org: config, obligation, answers, ...(versions ? { versions } : {}) });
    return sendTable(reply, format, `${key.orgId}-${key.obligationId}-${key.period}-svar`, book, answersFlatSheet({ org: config, answers }));
  });

  /** Whether the cycle is known, running in Temporal or on record. */
  const cycleKnown = async (key: CycleKey): Promise<boolean> => {
    try {
      await cycleOverview(client, key);
      return true;
    } catch (err) {
      if (!(err instanceof CycleNotFoundError)) throw err;
      return (await fromRecord(key)) !== undefined;
    }
  };

  // A unit's answers with every version, who sent each and when: from the record, whether or not the workflows still run.
  app.get('/cycles/:obligation/:period/units/:unit/versions', { onRequest: requireLogin, schema: { params: cycleUnitParams, querystring: pageQuery } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const found = answerForKey(request.params);
    if (!found || !records || !(await cycleKnown(found.key))) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const { key, unit } = found;
    const context = secretariatContext(request, reply);
    const versions = await answerVersions(records, { org: key.orgId, obligation: key.obligationId, period: key.period }, unit);
    // The period's questions as they were asked: in the report's data once compiled, else as the config has them.
    const data = await readIfPresent(archive, reportDataRef(key));
    const questionnaire = (data ? (JSON.parse(data) as PeriodData).questionnaire : undefined) ?? kit.configuredQuestionnaire(key);
    const base = `/cycles/${key.obligationId}/${key.period}`;
    // The files of every version, each once, for the secretariat to download.
    const fileFields = questionnaire.filter((f) => f.type === 'file');
    const attached = await attachmentInfos(records, key, [...new Set(versions.flatMap((v) => fileFields.flatMap((f) => attachmentIds(v.answers[f.id]))))], unit);
    const byId = new Map(attached.map((a) => [a.id, a]));
    const describeFiles = (ids: string[]) => ids.flatMap((id) => (byId.has(id) ? [`${byId.get(id)!.name} (${formatFileSize(byId.get(id)!.size, lang)})`] : [])).join('\n');
    return page(reply, 200, 'record', context, {
      back: { url: base, text: text(lang, 'answerVersionsBack') },
      heading: text(lang, 'answerVersionsTitle', { unit: unitName(unit, lang) }),
      facts: [
        { label: text(lang, 'obligation'), value: obligationTitle(key, lang) },
        { label: text(lang, 'unit'), value: unitName(unit, lang) },
      ],
      blocks: versions.length
        ? [...versions].reverse().map((v) => ({
            heading: text(lang, 'answerVersionHeading', { revision: v.revision, when: formatDate(v.at.toISOString(), zone, lang, true), who: v.actor === 'contact' ? text(lang, 'answerVersionByContact') : v.actor }),
            rows: [...answerRows(questionnaire, v.answers, lang, describeFiles).map((r) => ({ label: r.label, value: r.value })), { label: text(lang, 'answerVersionSubmission'), value: v.submissionId }],
          }))
        : [{ heading: text(lang, 'answerVersionsLink'), text: text(lang, 'answerVersionsNone') }],
      downloads:
        attached.length && session.signedIn(request)?.role === 'secretariat'
          ? {
              heading: text(lang, 'attachmentsTitle'),
              text: text(lang, 'attachmentsText'),
              links: attached.map((a) => ({ url: `${base}/units/${unit}/attachments/${a.id}`, text: `${a.name} (${FILE_KINDS[kindOfMediaType(a.mediaType) ?? 'pdf'].label}, ${formatFileSize(a.size, lang)})` })),
            }
          : undefined,
      intro: text(lang, 'answerVersionsIntro'),
    });
  });

  // A file a unit attached to its answer, as it was received: for the secretariat, always saved, never shown inline.
  app.get('/cycles/:obligation/:period/units/:unit/attachments/:attachment', { onRequest: requireSecretariat, schema: { params: attachmentParams, querystring: languageQuery } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const found = answerForKey(request.params);
    const file = found && records ? await readAttachment(records, found.key, found.unit, request.params.attachment) : undefined;
    if (!file) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    return reply
      .header('Content-Disposition', contentDisposition(file.name))
      .header('X-Content-Type-Options', 'nosniff')
      .header('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`)
      .type(file.mediaType)
      .send(file.content);
  });

  // Every mail of the cycle to each person, with what became of it: the mail log by the cycle's scope.
  app.get('/cycles/:obligation/:period/mail-log', { onRequest: requireLogin, schema: { params: cycleParams, querystring: pageQuery } }, async (request, reply) => {
    const lang = secretariatLanguage(request);
    const key = cycleKeyOf(request.params);
    if (!key || !records || !(await cycleKnown(key))) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    const context = secretariatContext(request, reply);
    const mails = await cycleMails(records, key);
    return page(reply, 200, 'list', context, {
      heading: text(lang, 'cycleMailLogTitle', { cycle: obligationTitle(key, lang) }),
      intro: text(lang, 'cycleMailLogIntro'),
      tables: [
        {
          caption: text(lang, 'cycleMailLogLink'),
          columns: [text(lang, 'historyWhen'), text(lang, 'mailLogKind'), text(lang, 'mailLogTo'), text(lang, 'mailLogOutcome'), text(lang, 'mailLogServer'), 'Message-ID'],
          empty: text(lang, 'cycleMailLogNone'),
          rows: [...mails].reverse().map((m) => ({
            cells: [
              { text: formatDate(m.at.toISOString(), zone, lang, true) },
              { text: `${mailKindText(lang, m.kind)}${m.sequence > 1 ? ` ${m.sequence}` : ''}` },
              { text: m.address },
              { text: text(lang, `mailOutcome_${m.outcome}` as TextKey), attention: m.outcome === 'refused' || m.outcome === 'failed' },
              { text: m.serverResponse ?? '' },
              { text: m.messageId },
            ],
          })),
        },
      ],
    });
  });

  app.get('/cycles/:obligation/:period/report.:format', { onRequest: requireLogin, schema: { params: reportParams, querystring: reportQuery } }, async (request, reply) => {
    const { format } = request.params;
    const lang = secretariatLanguage(request);
    const found = await readOr404(request, reply, request.params, (key) => overviewOrRecord(key));
    if (!found) return reply;
    const info = found.value;
    // Reports compiled before the PDF and the Word document existed have only HTML and Markdown.
    const ref = info.report ? refOf(info.report, format) : undefined;
    if (!ref) return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
    let content: Buffer;
    try {
      content = await archive.readBytes(ref);
    } catch (err) {
      // Removed on the retention schedule (followup retention), or the archive moved.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return message(reply, 404, lang, 'notFoundTitle', 'notFoundText');
      throw err;
    }
    const filename = path.basename(ref);
    // The web page and the PDF open in the browser; Word and Markdown are saved.
    const inline = (format === 'html' || format === 'pdf') && request.query.download !== '1';
    if (!inline) reply.header('Content-Disposition', `attachment; filename="${filename}"`);
    // The archived report has its own inline style sheet.
    if (format === 'html') reply.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    return reply.type(REPORT_CONTENT_TYPES[format]).send(content);
  });
}
