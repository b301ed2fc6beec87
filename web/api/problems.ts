/**
 * Errors of the API as RFC 9457 problem details (application/problem+json): a `type` per kind of
 * problem, its `title` and `detail` in the caller's language (Accept-Language, sv or en, else the
 * organisation's), the `status`, and the request's path as `instance`. What a caller can correct
 * is listed field by field in `errors`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerLanguage, PROBLEM_TYPE_BASE } from '../api-auth';
import { z } from 'zod';
import type { Language } from '../../domain/types';
import { text, type TextKey } from '../i18n';

export const PROBLEM_KINDS = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
  'server-error': 500,
} as const;
export type ProblemKind = keyof typeof PROBLEM_KINDS;

const TITLES: Record<ProblemKind, TextKey> = {
  'bad-request': 'apiProblem_badRequestTitle',
  unauthorized: 'apiProblem_unauthorizedTitle',
  forbidden: 'apiProblem_forbiddenTitle',
  'not-found': 'apiProblem_notFoundTitle',
  conflict: 'apiProblem_conflictTitle',
  unprocessable: 'apiProblem_unprocessableTitle',
  'server-error': 'apiProblem_serverErrorTitle',
};
const DETAILS: Partial<Record<ProblemKind, TextKey>> = {
  'bad-request': 'apiProblem_badRequestDetail',
  unauthorized: 'apiProblem_unauthorizedDetail',
  forbidden: 'apiProblem_forbiddenDetail',
  'not-found': 'apiProblem_notFoundDetail',
  unprocessable: 'apiProblem_unprocessableDetail',
  'server-error': 'apiProblem_serverErrorDetail',
};

/** One thing to correct: where (`in` the body, query or path, at `field`) and what. */
export const problemError = z.object({ in: z.string().optional(), field: z.string(), message: z.string() });
export type ProblemError = z.infer<typeof problemError>;

export const problemSchema = z
  .looseObject({
    type: z.string().describe('A URI naming the kind of problem, e.g. urn:policy-followup:problem:not-found'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().describe('The path of the request that met the problem'),
    errors: z.array(problemError).optional().describe('What to correct, one by one'),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

/** A problem a handler meets; the API's error handler answers it as problem+json. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(
    readonly kind: ProblemKind,
    /** Said instead of the kind's general detail (already in the caller's language). */
    readonly detailText?: string,
    readonly errors?: ProblemError[],
  ) {
    super(detailText ?? kind);
  }
}

/** The caller's language: ?lang=, else Accept-Language (sv or en, by its weights), else the organisation's; as the API's credentials answer. */
export const apiLanguage = callerLanguage;


export function problemOf(request: FastifyRequest, lang: Language, kind: ProblemKind, detail?: string, errors?: ProblemError[]): Problem {
  const detailKey = DETAILS[kind];
  return {
    type: `${PROBLEM_TYPE_BASE}${kind}`,
    title: text(lang, TITLES[kind]),
    status: PROBLEM_KINDS[kind],
    detail: detail ?? (detailKey ? text(lang, detailKey) : text(lang, TITLES[kind])),
    instance: request.url.split('?')[0] ?? request.url,
    ...(errors?.length ? { errors } : {}),
  };
}

/** Sent as text, so that no route's response schema stands between the problem and the caller. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').header('Cache-Control', 'no-store').send(JSON.stringify(problem));
}

/** The problem responses a route may give, for its OpenAPI description. */
export function problemResponses(...kinds: ProblemKind[]) {
  const all = new Set<ProblemKind>(['bad-request', 'unauthorized', 'server-error', ...kinds]);
  return Object.fromEntries([...all].map((kind) => [PROBLEM_KINDS[kind], { description: kind, content: { 'application/problem+json': { schema: problemSchema } } }]));
}
