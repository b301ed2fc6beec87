/**
 * What the register modules of the API share: the organisation's register as the register pages
 * read it, the problems of a registration as the pages' checks find them, and the schemas of what
 * recurs.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readRegister } from '../../client/registers';
import type { ObligationKind } from '../../config/schema';
import type { RegisterContents } from '../../domain/registers';
import { caseOnRecord, type CaseKind } from '../../records/cases';
import { text } from '../i18n';
import { obligationProblems } from '../obligations/web-kind';
import type { ApiContext, ApiOptions } from './context';
import { byKey, pageOf } from './paging';
import { ApiProblem } from './problems';

export const person = z.object({ name: z.string().max(200), email: z.string().max(300) });
export const mailProblem = z.object({ kind: z.string(), at: z.string(), error: z.string(), address: z.string().optional(), state: z.enum(['failed', 'refused']) });
export const historyEntry = z.object({ at: z.string(), what: z.string(), by: z.string().optional(), detail: z.string().optional() });
export const entityPath = z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });

/** The register, read as the register pages read it (the organisation's register workflow). */
export const registerOf = (api: ApiContext): Promise<RegisterContents> => readRegister(api.kit.client, api.orgId);

/** The obligation a registration names, checked as the page's form checks it: a 422 beside the field. */
export function assertObligation(api: ApiContext, request: FastifyRequest, kind: ObligationKind, given: string | undefined) {
  const problems = obligationProblems(api.kit, kind, given, api.lang(request));
  if (problems.length) throw new ApiProblem('unprocessable', undefined, problems.map((p) => ({ in: 'body', field: p.field, message: p.message })));
}

/** A unit of the organisation, checked as the page's form checks it. */
export function unitProblem(api: ApiContext, request: FastifyRequest, unitId: string) {
  return api.config.units.some((u) => u.id === unitId) ? [] : [{ field: 'unitId', message: text(api.lang(request), 'chooseUnit') }];
}


/**
 * A case as its page reads it: from its workflow while Temporal keeps it, else as it stood last on
 * record (archived: nothing more can be done in it). Neither: 404.
 */
export async function liveOrOnRecord<T>(api: ApiContext, read: () => Promise<T>, kind: CaseKind, caseId: string): Promise<{ state: T; archived: boolean }> {
  try {
    return { state: await read(), archived: false };
  } catch (err) {
    if ((err as Error).name !== 'NotRegisteredError') throw err;
    const kept = api.kit.deps.records ? await caseOnRecord<T>(api.kit.deps.records, api.orgId, kind, caseId) : undefined;
    if (!kept) throw api.notFound();
    return { state: kept.state, archived: true };
  }
}

/**
 * What the routes of each register (projects, seminars, agreements, events) repeat: the
 * secretariat's guard on a write, a page of the register's items in the order of their ids, and a
 * registration's 201 with the new item's location.
 */
export function registerRoutesKit(api: ApiContext, options: ApiOptions, register: 'projects' | 'seminars' | 'agreements' | 'events') {
  const href = (id: string) => `${api.kit.basePath}/api/v1/${register}/${id}`;
  return {
    secretariat: { preHandler: options.requireSecretariat },
    href,
    /** A page of the items, each by its id: the cursor names the last id of its page. */
    pageById: <T extends { id: string }>(request: FastifyRequest, items: T[], query: { limit: number; cursor?: string | undefined }) =>
      pageOf(request, [...items].sort(byKey((i: T) => i.id)), (i) => i.id, query, text(api.lang(request), 'apiProblem_badCursorDetail')),
    /** A registration done: 201, with where the new item is. */
    created: (reply: FastifyReply, id: string) => reply.code(201).header('location', href(id)),
  };
}
