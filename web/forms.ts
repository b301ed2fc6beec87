/**
 * One zod schema per form: a field of the wrong shape (an array or object where a browser sends
 * text) is a clear 400, never a 500 from deeper down. Fields are bounded like the config's strings.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { singleLine } from '../domain/text';
import { REPORT_FORMATS } from '../config/schema';
import { TABLE_FORMATS } from '../exports/workbook';

/**
 * A field of one line (a title, a name, a date, a choice): normalised as it arrives, so that a line
 * break pasted into a title never reaches a mail's subject (the rule is domain/text.ts's).
 */
const field = (max: number) => z.string().max(max).transform(singleLine);
/** A field of several lines (a description, a comment, a list one a line): kept as typed. */
const text = (max: number) => z.string().max(max);
const language = z.enum(['sv', 'en']).optional().catch(undefined);
const common = { _csrf: field(200).optional(), lang: language };

export const loginForm = z.object({ ...common, username: field(200).optional(), password: text(1024), next: field(2000).optional() });

/** The answer form: its questions' ids are the obligation's, so any other field is text too. */
export const answerForm = z
  .object({ ...common, submission: field(100).optional(), action: z.enum(['submit', 'save']).optional() })
  .catchall(text(100_000));

export const startCycleForm = z.object({ ...common, obligation: field(100).optional(), period: field(40).optional() });

export const cycleActionForm = z.object({
  ...common,
  unit: field(100).optional(),
  until: field(40).optional(),
  reason: text(2000).optional(),
  confirm: field(10).optional(),
  // The view of the units the action was taken from (filter, search, page), to come back to it.
  state: field(20).optional(),
  q: field(100).optional(),
  page: field(10).optional(),
});

export const logoutForm = z.object({ ...common });

/** Registering a project (secretariat, or a unit from its standing link). */
export const projectForm = z.object({
  ...common,
  title: field(200).optional(),
  id: field(100).optional(),
  unitId: field(100).optional(),
  ownerName: field(200).optional(),
  ownerEmail: field(300).optional(),
  plannedStart: field(20).optional(),
  plannedEnd: field(20).optional(),
  partners: text(5000).optional(),
  euFunded: field(10).optional(),
  application: field(10).optional(),
  obligation: field(100).optional(),
});

export const seminarForm = z.object({
  ...common,
  title: field(200).optional(),
  date: field(20).optional(),
  place: field(200).optional(),
  country: field(10).optional(),
  role: field(20).optional(),
  unitId: field(100).optional(),
});

export const agreementForm = z.object({
  ...common,
  title: field(200).optional(),
  id: field(100).optional(),
  partner: field(200).optional(),
  unitId: field(100).optional(),
  ownerName: field(200).optional(),
  ownerEmail: field(300).optional(),
  startsOn: field(20).optional(),
  endsOn: field(20).optional(),
  obligation: field(100).optional(),
});

export const eventForm = z.object({
  ...common,
  title: field(200).optional(),
  id: field(100).optional(),
  date: field(20).optional(),
  endDate: field(20).optional(),
  place: field(200).optional(),
  unitId: field(100).optional(),
  concerned: text(10_000).optional(),
  description: text(2000).optional(),
  obligation: field(100).optional(),
  reason: text(2000).optional(),
});

export const yearlyGoalsForm = z.object({ ...common, year: field(10).optional(), decidedOn: field(20).optional(), body: field(160).optional(), paragraph: field(40).optional(), goals: text(10_000).optional() });

/** Approving, returning (with a comment) or closing a project. */
export const goalsReviewForm = z.object({ ...common, comment: text(2000).optional() });

/** Renewing or ending an agreement, by the secretariat or the owner from the reminder's link. */
export const agreementDecisionForm = z.object({ ...common, decision: field(10).optional(), newEndsOn: field(20).optional(), note: text(2000).optional() });

export const revisionForm = z.object({ ...common, period: field(40).optional(), decidedOn: field(20).optional(), body: field(160).optional(), paragraph: field(40).optional(), outcome: field(20).optional() });

export class FormShapeError extends Error {
  override name = 'FormShapeError';
  readonly statusCode = 400;
}

/** A preHandler that replaces one part of the request with what its schema parsed, or throws. */
function parsing<T extends z.ZodType>(part: 'body' | 'params', schema: T, refuse: (issues: z.core.$ZodIssue[]) => Error) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const parsed = schema.safeParse(request[part] ?? {});
    if (!parsed.success) throw refuse(parsed.error.issues);
    request[part] = parsed.data;
  };
}

/** A preHandler that replaces the body with its parsed form, or answers 400. */
export function formOf<T extends z.ZodType>(schema: T) {
  return parsing('body', schema, (issues) => new FormShapeError(issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')));
}

// --- Route parameters: one schema per route shape; anything else is a page that does not exist.

export const tokenParams = z.strictObject({ token: z.string().min(1).max(700) });
export const cycleParams = z.strictObject({
  obligation: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  period: z.string().regex(/^\d{4}(-[A-Z0-9]{1,8})?$/),
});
/** A project or agreement by its id. */
export const entityParams = z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });
export const obligationParams = z.strictObject({ obligation: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });
export const reportParams = cycleParams.extend({ format: z.enum(REPORT_FORMATS) });
export const answersExportParams = cycleParams.extend({ format: z.enum(TABLE_FORMATS) });

export class RouteParamsError extends Error {
  override name = 'RouteParamsError';
  readonly statusCode = 404;
}

/** A preHandler that replaces the route's parameters with their parsed form, or answers 404. */
export function paramsOf<T extends z.ZodType>(schema: T) {
  return parsing('params', schema, () => new RouteParamsError('No such page.'));
}
