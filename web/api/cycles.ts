/**
 * A data call's cycles: listed, each with its units' states and answers; started, reminded and
 * closed, and an answer recorded for a unit, through the same client operations as the cycle's
 * page. States are read as the page reads them (Temporal's visibility store, or the cycle on
 * record once its workflows are gone); answers from the database of record, every version.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { closeCycle, cycleInfo, CycleNotFoundError, cyclePage, listCycles, remindNow, startCycle, submitAnswer, unitStatus, type CyclePage, type ListedCycle } from '../../client/cycles';
import { assertPeriod, InvalidKeyError, type CycleKey } from '../../domain/ids';
import type { CycleOverview, UnitRow } from '../../domain/types';
import { countByState, SHOWN_STATES, shownState, type ShownState } from '../../domain/unit-states';
import { answerVersions } from '../../records/answers';
import { attachmentInfos, readAttachment, type AttachmentInfo } from '../../records/attachments';
import { attachmentIds, isAttachmentId } from '../../domain/attachments';
import { describeFieldError } from '../../domain/answers';
import { checkUploads, configuredFileField, contentDisposition, receiveMultipart, registerMultipart, unknownFileParts } from '../uploads';
import { cycleOnRecord, cyclesOnRecord } from '../../records/cycles';
import { text } from '../i18n';
import { bilingual, idSchema, periodSchema, type ApiContext, type ApiOptions } from './context';
import { byKey, pageOf, pageSchema, pagingFields } from './paging';
import { ApiProblem, problemResponses, type ProblemError } from './problems';

const counts = z.record(z.string(), z.number().int()).describe('Units by state: answered, draft, requested, scheduled, late, escalated, unanswered, bounced, exempt');

const cycleSummary = z
  .object({
    obligation: z.string(),
    period: z.string(),
    phase: z.enum(['open', 'closing', 'closed']),
    running: z.boolean().describe('Whether its workflow still runs (false once it is only on record)'),
    unitCount: z.number().int().nullable(),
    opensAt: z.string().nullable(),
    deadline: z.string().nullable().describe('The last day to answer, YYYY-MM-DD'),
    closesAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    reportFormats: z.array(z.string()).describe('The formats of the compiled report; empty until it is compiled'),
    href: z.string(),
  })
  .meta({ id: 'CycleSummary' });

const cycleDetail = cycleSummary
  .extend({
    counts,
    reportProblem: z.string().nullable(),
    questions: z
      .array(z.object({ id: z.string(), type: z.string(), label: bilingual, required: z.boolean(), options: z.array(z.object({ value: z.string(), label: bilingual })).optional() }))
      .describe('The questions an answer is given to, by id'),
  })
  .meta({ id: 'Cycle' });

const unitSummary = z
  .object({
    unit: z.string(),
    name: bilingual,
    state: z.enum(SHOWN_STATES as [ShownState, ...ShownState[]]),
    deadline: z.string().describe('YYYY-MM-DD'),
    requestSentAt: z.string().nullable(),
    remindersSent: z.number().int(),
    escalatedAt: z.string().nullable(),
    answeredAt: z.string().nullable(),
    revision: z.number().int().nullable().describe('The answer\'s version; a correction is the next'),
    exempt: z.object({ reason: z.string(), at: z.string() }).nullable(),
    mailProblems: z.array(z.string()),
  })
  .meta({ id: 'CycleUnit' });

const answerValue = z.union([z.string(), z.number(), z.boolean()]);
const answerVersion = z.object({
  revision: z.number().int(),
  at: z.string(),
  by: z.string().describe('"contact", or who recorded it for the unit'),
  submissionId: z.string(),
  answers: z.record(z.string(), z.unknown()),
});
const unitDetail = unitSummary.extend({ answer: answerVersion.nullable().describe('The answer as it stands: its latest version'), versions: z.array(answerVersion) }).meta({ id: 'CycleUnitDetail' });

const cyclePath = z.strictObject({ obligation: idSchema, period: periodSchema });
const unitPath = cyclePath.extend({ unit: idSchema });
const attachmentPath = unitPath.extend({ attachment: z.uuid() });

const attachmentSchema = z
  .object({
    id: z.string().describe('Put it in the file question\'s value of the answer ("id" or "id,id")'),
    field: z.string().describe('The file question it was attached for'),
    name: z.string(),
    mediaType: z.string().describe('Read from the content, not the name'),
    size: z.number().int(),
    sha256: z.string(),
    uploadedBy: z.string(),
    uploadedAt: z.string(),
    href: z.string().describe('Where to download it (a secretariat token)'),
  })
  .meta({ id: 'Attachment' });
const fileContent = z.any().meta({ type: 'string', format: 'binary' });

export async function cycleRoutes(instance: FastifyInstance, { api, options }: { api: ApiContext; options: ApiOptions }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { kit, config, orgId } = api;
  const { scanner } = kit.deps;
  const { client, archive, dataCalls } = kit;
  const records = kit.deps.records;
  const badCursor = (request: FastifyRequest) => text(api.lang(request), 'apiProblem_badCursorDetail');

  /** The cycle's key, when the obligation is one of the organisation's data calls. */
  const keyOf = (params: { obligation: string; period: string }): CycleKey => {
    if (!dataCalls.some((o) => o.id === params.obligation)) throw api.notFound();
    return { orgId, obligationId: params.obligation, period: params.period };
  };
  /** The units the obligation asks, in the config's order. */
  const orderOf = (key: CycleKey) => {
    const asks = dataCalls.find((o) => o.id === key.obligationId)?.units;
    return config.units.map((u) => u.id).filter((id) => !asks || asks.includes(id));
  };
  const href = (key: CycleKey) => `${kit.basePath}/api/v1/cycles/${key.obligationId}/${key.period}`;

  const summaryOf = (key: CycleKey, overview: CycleOverview | undefined, running: boolean): z.output<typeof cycleSummary> => ({
    obligation: key.obligationId,
    period: key.period,
    phase: overview?.phase ?? (running ? 'open' : 'closed'),
    running,
    unitCount: overview?.unitCount ?? null,
    opensAt: overview?.plan?.opensAt ?? null,
    deadline: overview?.plan?.deadlineDate ?? null,
    closesAt: overview?.plan?.closesAt ?? null,
    closedAt: overview?.closedAt ?? null,
    reportFormats: overview?.report ? (['html', 'md', 'pdf', 'docx'] as const).filter((f) => f === 'html' || f === 'md' || overview.report![f] !== undefined) : [],
    href: href(key),
  });

  /** Every cycle of the organisation: Temporal's, and those only on record. */
  const allCycles = async (): Promise<ListedCycle[]> => {
    const listed = await listCycles(client, orgId, 10_000);
    if (!records) return listed;
    const known = new Set(listed.map((c) => `${c.key.obligationId}/${c.key.period}`));
    const kept = (await cyclesOnRecord(records, orgId)).filter((c) => !known.has(`${c.key.obligationId}/${c.key.period}`));
    return [...listed, ...kept.map((c) => ({ key: c.key, running: false, startTime: c.at, overview: c.overview }))];
  };

  /** Every unit of the cycle in the config's order, as the cycle's page reads them; from the record once the workflows are gone. */
  const unitsOf = async (key: CycleKey): Promise<{ page: CyclePage; running: boolean }> => {
    const order = orderOf(key);
    try {
      return { page: await cyclePage(client, key, { order, offset: 0, limit: order.length }), running: true };
    } catch (err) {
      if (!(err instanceof CycleNotFoundError)) throw err;
      const kept = records ? await cycleOnRecord(records, archive, key) : undefined;
      if (!kept) throw api.notFound();
      const position = new Map(order.map((id, i) => [id, i]));
      const units = [...kept.units].sort((a, b) => (position.get(a.unitId) ?? Infinity) - (position.get(b.unitId) ?? Infinity));
      return { page: { info: kept.info, counts: countByState(kept.units), matching: units.length, units, starting: false }, running: false };
    }
  };

  const unitOf = (u: UnitRow): z.output<typeof unitSummary> => ({
    unit: u.unitId,
    name: api.unitName(u.unitId),
    state: shownState(u),
    deadline: u.plan.deadlineDate,
    requestSentAt: u.requestSentAt ?? null,
    remindersSent: u.remindersSentAt.length,
    escalatedAt: u.escalatedAt ?? null,
    answeredAt: u.answer?.answeredAt ?? null,
    revision: u.answer?.revision ?? null,
    exempt: u.exempt ? { reason: u.exempt.reason, at: u.exempt.at } : null,
    mailProblems: u.mailProblems.map((p) => (p.address ? `${p.address}: ${p.error}` : p.error)),
  });
  /** Units keyed by their place in the config's order: a cursor names a place, whatever the units' states. */
  const placeKey = (order: readonly string[]) => (u: { unit: string }) => String(order.indexOf(u.unit)).padStart(8, '0');

  app.get(
    '/cycles',
    {
      schema: {
        tags: ['cycles'],
        summary: 'The cycles of the organisation\'s data calls',
        querystring: z.strictObject({ ...pagingFields, obligation: idSchema.optional().describe('Only this obligation\'s cycles') }),
        response: { 200: pageSchema(cycleSummary), ...problemResponses() },
      },
    },
    async (request) => {
      const cycles = (await allCycles()).filter((c) => !request.query.obligation || c.key.obligationId === request.query.obligation);
      const items = cycles.map((c) => summaryOf(c.key, c.overview, c.running)).sort(byKey((c) => `${c.obligation}/${c.period}`));
      return pageOf(request, items, (c) => `${c.obligation}/${c.period}`, request.query, badCursor(request));
    },
  );

  app.get(
    '/cycles/:obligation/:period',
    { schema: { tags: ['cycles'], summary: 'A cycle, its plan and its units counted by state', params: cyclePath, response: { 200: cycleDetail, ...problemResponses('not-found') } } },
    async (request) => {
      const key = keyOf(request.params);
      const { page, running } = await unitsOf(key);
      const questions = kit.configuredQuestionnaire(key).map((f) => ({
        id: f.id,
        type: f.type,
        label: { sv: f.label.sv, en: f.label.en },
        required: f.required,
        ...(f.options ? { options: f.options.map((o) => ({ value: o.value, label: { sv: o.label.sv, en: o.label.en } })) } : {}),
      }));
      return { ...summaryOf(key, page.info, running), counts: { ...page.counts }, reportProblem: page.info.reportProblem ?? null, questions };
    },
  );

  app.get(
    '/cycles/:obligation/:period/units',
    {
      schema: {
        tags: ['cycles'],
        summary: 'The cycle\'s units and how each stands',
        params: cyclePath,
        querystring: z.strictObject({ ...pagingFields, state: z.enum(SHOWN_STATES as [ShownState, ...ShownState[]]).optional().describe('Only units in this state') }),
        response: { 200: pageSchema(unitSummary), ...problemResponses('not-found') },
      },
    },
    async (request) => {
      const key = keyOf(request.params);
      const order = orderOf(key);
      const { page } = await unitsOf(key);
      const items = page.units.map(unitOf).filter((u) => !request.query.state || u.state === request.query.state);
      return pageOf(request, items, placeKey(order), request.query, badCursor(request));
    },
  );

  app.get(
    '/cycles/:obligation/:period/units/:unit',
    { schema: { tags: ['cycles'], summary: 'A unit of the cycle: its state, its answer and every version of it', params: unitPath, response: { 200: unitDetail, ...problemResponses('not-found') } } },
    async (request) => {
      const key = keyOf(request.params);
      const { page } = await unitsOf(key);
      const row = page.units.find((u) => u.unitId === request.params.unit);
      if (!row) throw api.notFound();
      let versions: z.output<typeof answerVersion>[];
      if (records) {
        versions = (await answerVersions(records, { org: orgId, obligation: key.obligationId, period: key.period }, row.unitId)).map((v) => ({ revision: v.revision, at: v.at.toISOString(), by: v.actor, submissionId: v.submissionId, answers: v.answers }));
      } else {
        // No database of record: the answer as the unit's workflow holds it, its one version.
        const status = await api.acting(request, () => unitStatus(client, key, row.unitId));
        versions = status.answer ? [{ revision: status.answer.revision, at: status.answer.answeredAt, by: status.answer.by, submissionId: '', answers: status.answer.values }] : [];
      }
      return { ...unitOf(row), answer: versions.at(-1) ?? null, versions };
    },
  );

  const secretariat = { preHandler: options.requireSecretariat };

  app.post(
    '/cycles',
    {
      ...secretariat,
      config: { auditAction: 'cycle-start' },
      schema: {
        tags: ['cycles'],
        summary: 'Start a cycle (once: starting it again finds the one there is)',
        body: z.strictObject({ obligation: idSchema, period: z.string().max(40).describe('2025, or 2025-T1 for a tertial, as the obligation\'s periods are named') }),
        response: { 200: z.object({ outcome: z.enum(['started', 'running', 'closed']), cycle: cycleSummary }), 201: z.object({ outcome: z.enum(['started', 'running', 'closed']), cycle: cycleSummary }), ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request, reply) => {
      const { obligation, period } = request.body;
      const language = api.lang(request);
      if (!dataCalls.some((o) => o.id === obligation)) {
        const message = text(language, 'apiNotADataCall', { obligation });
        throw new ApiProblem('unprocessable', message, [{ in: 'body', field: 'obligation', message }]);
      }
      try {
        assertPeriod(period);
      } catch (err) {
        if (!(err instanceof InvalidKeyError)) throw err;
        throw new ApiProblem('unprocessable', undefined, [{ in: 'body', field: 'period', message: text(language, 'periodProblem') }]);
      }
      const key: CycleKey = { orgId, obligationId: obligation, period };
      const started = await api.acting(request, () => startCycle(client, kit.deps.taskQueue, key, api.byOf(request), { records }));
      reply.code(started.outcome === 'started' ? 201 : 200).header('location', href(key));
      return { outcome: started.outcome, cycle: summaryOf(key, undefined, started.outcome !== 'closed') };
    },
  );

  app.post(
    '/cycles/:obligation/:period/remind',
    {
      ...secretariat,
      config: { auditAction: 'cycle-remind' },
      schema: {
        tags: ['cycles'],
        summary: 'Remind one unit now, or every unit that still owes an answer',
        params: cyclePath,
        body: z.strictObject({ unit: idSchema.optional().describe('Only this unit') }).optional(),
        response: { 200: z.object({ reminded: z.array(z.string()) }), ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request) => {
      const key = keyOf(request.params);
      const unit = request.body?.unit;
      if (unit !== undefined) api.assertUnit(request, unit, 'unit');
      return { reminded: await api.acting(request, () => remindNow(client, key, unit, api.byOf(request))) };
    },
  );

  app.post(
    '/cycles/:obligation/:period/close',
    {
      ...secretariat,
      config: { auditAction: 'cycle-close' },
      schema: {
        tags: ['cycles'],
        summary: 'Close the cycle now: its report is compiled from the answers in, archived and delivered',
        params: cyclePath,
        body: z.strictObject({ reason: z.string().max(500).optional() }).optional(),
        response: { 202: z.object({ closingAt: z.string() }), ...problemResponses('forbidden', 'not-found', 'conflict') },
      },
    },
    async (request, reply) => {
      const key = keyOf(request.params);
      const closing = await api.acting(request, () => closeCycle(client, key, request.body?.reason ?? 'closed through the API', api.byOf(request)));
      reply.code(202);
      return { closingAt: closing.closingAt };
    },
  );

  app.post(
    '/cycles/:obligation/:period/units/:unit/answer',
    {
      ...secretariat,
      config: { auditAction: 'answer-recorded' },
      schema: {
        tags: ['cycles'],
        summary: 'Record an answer for a unit (one it sent by mail, or told on the phone)',
        params: unitPath,
        body: z.strictObject({ answers: z.record(z.string().max(100), answerValue).describe('The values by question id (see the cycle\'s questions)') }),
        response: { 201: z.object({ unit: z.string(), revision: z.number().int(), answeredAt: z.string() }), ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable') },
      },
    },
    async (request, reply) => {
      const key = keyOf(request.params);
      const { unit } = request.params;
      if (!config.units.some((u) => u.id === unit)) throw api.notFound();
      const info = await api.acting(request, () => cycleInfo(client, key));
      const questionnaire = info.setup?.questionnaire ?? kit.configuredQuestionnaire(key);
      // A file question holds the ids of files uploaded for this unit (POST …/attachments), none other.
      if (records) {
        const language = api.lang(request);
        const errors: ProblemError[] = [];
        for (const field of questionnaire.filter((f) => f.type === 'file')) {
          const given = request.body.answers[field.id];
          if (given === undefined || given === '') continue;
          const ids = typeof given === 'string' ? given.split(/[\s,]+/).filter(Boolean) : [String(given)];
          const known = new Set((await attachmentInfos(records, key, ids.filter(isAttachmentId), unit)).map((a) => a.id));
          const strange = ids.filter((id) => !known.has(id));
          if (strange.length) errors.push({ in: 'body', field: `answers.${field.id}`, message: text(language, 'apiUnknownAttachment', { ids: strange.join(', ') }) });
        }
        if (errors.length) throw new ApiProblem('unprocessable', undefined, errors);
      }
      const answer = await api.acting(request, () => submitAnswer(client, key, unit, request.body.answers, 'secretariat', undefined, api.byOf(request)), questionnaire);
      reply.code(201);
      return { unit, revision: answer.revision, answeredAt: answer.answeredAt };
    },
  );

  // --- Files attached to a unit's answer ---------------------------------------------------------

  const attachmentOf = (key: CycleKey, a: AttachmentInfo): z.output<typeof attachmentSchema> => ({
    id: a.id,
    field: a.field,
    name: a.name,
    mediaType: a.mediaType,
    size: a.size,
    sha256: a.sha256,
    uploadedBy: a.uploadedBy,
    uploadedAt: a.uploadedAt.toISOString(),
    href: `${href(key)}/units/${a.unit}/attachments/${a.id}`,
  });
  /** The cycle and unit of a file route: one of the organisation's data calls and one of its units. */
  const unitKeyOf = (params: { obligation: string; period: string; unit: string }) => {
    const key = keyOf(params);
    if (!orderOf(key).includes(params.unit)) throw api.notFound();
    return key;
  };

  // The upload reads its multipart stream itself, once the token has been checked: nothing is read for a caller who may not write.
  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    await registerMultipart(scope, dataCalls.map((o) => o.questionnaire));
    uploads.post(
      '/cycles/:obligation/:period/units/:unit/attachments',
      {
        ...secretariat,
        config: { auditAction: 'attachments-uploaded' },
        schema: {
          tags: ['cycles'],
          summary: 'Attach files for a unit\'s answer: checked by their content, scanned for malware and kept; then name their ids in the answer',
          description:
            'multipart/form-data, each file in a part named by its file question\'s id (`curl -F minutes=@protokoll.pdf`). Each file is checked as the answer form checks it: a kind the question takes (by its content, not its name), no larger than it takes, no more files than it takes, and scanned by clamd. A file refused is a 422 naming its question; the files of the request that passed are kept, and not part of any answer until an answer names them. The response gives each file\'s id, and `answers`: the value to give each question in the answer (POST …/answer).',
          consumes: ['multipart/form-data'],
          params: unitPath,
          // Read in the handler (receiveMultipart), once the token has been checked (the multipart parser leaves null here); described for the document.
          body: z.record(z.string(), fileContent).nullish().describe('One or more files, each in a part named by its file question\'s id'),
          response: {
            201: z.object({ attachments: z.array(attachmentSchema), answers: z.record(z.string(), z.string()).describe('By file question: the ids to give it in the answer') }),
            ...problemResponses('forbidden', 'not-found', 'conflict', 'unprocessable'),
          },
        },
      },
      async (request, reply) => {
        const key = unitKeyOf(request.params);
        const { unit } = request.params;
        const language = api.lang(request);
        if (!request.isMultipart()) throw new ApiProblem('bad-request', text(language, 'apiMultipartExpected'));
        const obligation = dataCalls.find((o) => o.id === key.obligationId)!;
        await receiveMultipart(request, (_request, name) => configuredFileField(obligation.questionnaire, name));
        const info = await api.acting(request, () => cycleInfo(client, key));
        if (info.phase !== 'open') throw new ApiProblem('conflict', text(language, 'apiCycleNotOpen'));
        const questionnaire = info.setup?.questionnaire ?? kit.configuredQuestionnaire(key);
        const strange = unknownFileParts(request);
        if (strange.length) {
          throw new ApiProblem('unprocessable', undefined, strange.map((field) => ({ in: 'body', field, message: text(language, 'apiNotAFileQuestion', { field }) })));
        }
        const checked = await checkUploads(request, questionnaire, {}, { records, scanner, key, unit, uploadedBy: api.byOf(request) });
        if (checked.errors.length) {
          throw new ApiProblem('unprocessable', undefined, checked.errors.map((e) => ({ in: 'body', field: e.field, message: describeFieldError(e, questionnaire, language) })));
        }
        if (checked.attachments.size === 0) throw new ApiProblem('unprocessable', text(language, 'apiNoFiles'));
        reply.code(201);
        return {
          attachments: [...checked.attachments.values()].map((a) => attachmentOf(key, a)),
          answers: Object.fromEntries(Object.entries(checked.values).filter(([, value]) => value !== '')),
        };
      },
    );
  });

  app.get(
    '/cycles/:obligation/:period/units/:unit/attachments',
    {
      schema: {
        tags: ['cycles'],
        summary: 'The files the unit\'s answer holds, in every version',
        params: unitPath,
        response: { 200: z.object({ items: z.array(attachmentSchema) }), ...problemResponses('not-found') },
      },
    },
    async (request) => {
      const key = unitKeyOf(request.params);
      if (!records) return { items: [] };
      const questionnaire = kit.configuredQuestionnaire(key);
      const versions = await answerVersions(records, { org: orgId, obligation: key.obligationId, period: key.period }, request.params.unit);
      const fileFields = new Set(questionnaire.filter((f) => f.type === 'file').map((f) => f.id));
      // A file question's values, and any value of a question the config no longer has that names files.
      const ids = [...new Set(versions.flatMap((v) => Object.entries(v.answers).flatMap(([id, value]) => (fileFields.has(id) || !questionnaire.some((f) => f.id === id) ? attachmentIds(value) : []))))];
      return { items: (await attachmentInfos(records, key, ids, request.params.unit)).map((a) => attachmentOf(key, a)) };
    },
  );

  app.get(
    '/cycles/:obligation/:period/units/:unit/attachments/:attachment',
    {
      ...secretariat,
      schema: {
        tags: ['cycles'],
        summary: 'A file attached to the unit\'s answer, as it was received (a secretariat token)',
        params: attachmentPath,
        response: { 200: { description: 'The file, with its media type as read from its content, and its SHA-256 in the Digest header', content: { 'application/octet-stream': { schema: fileContent } } }, ...problemResponses('forbidden', 'not-found') },
      },
    },
    async (request, reply) => {
      const key = unitKeyOf(request.params);
      const file = records ? await readAttachment(records, key, request.params.unit, request.params.attachment) : undefined;
      if (!file) throw api.notFound();
      return reply
        .header('Content-Disposition', contentDisposition(file.name))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Digest', `sha-256=${Buffer.from(file.sha256, 'hex').toString('base64')}`)
        .type(file.mediaType)
        .send(file.content);
    },
  );
}
