/**
 * What every client module shares: Temporal's failures translated into the project's errors, once.
 * A refusal keeps its code and parameters, so the CLI and the web can say it in their reader's
 * language from the one catalogue in domain/refusals.ts.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { refusalText, type RefusalDetails } from '../domain/refusals';
import type { Language } from '../domain/types';

/** A request the workflow (or the client's own check) refused: the message says why. */
export class RejectedError extends Error {
  override name = 'RejectedError';
  constructor(
    message: string,
    readonly type: string | undefined,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }

  /** The parameters the refusal was made with (its first detail), when it came from the catalogue. */
  get refusal(): RefusalDetails | undefined {
    const first = this.details[0] as RefusalDetails | undefined;
    return first && typeof first === 'object' && 'params' in first ? first : undefined;
  }

  /** Per-field errors of a refused answer or draft. */
  get fieldErrors(): unknown[] {
    return this.refusal?.fieldErrors ?? [];
  }

  /** The refusal in `language`; a refusal outside the catalogue keeps its own message. */
  in(language: Language): string {
    return refusalText(this.type, language, this.refusal?.params ?? {}, this.message);
  }

  /** A refusal from the catalogue, made on this side of Temporal. */
  static of(code: Parameters<typeof refusalText>[0] & string, language: Language, params: RefusalDetails['params'] = {}): RejectedError {
    return new RejectedError(refusalText(code, language, params), code, [{ params }]);
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as Error)?.name === 'WorkflowNotFoundError';
}

/** The server does not offer the call (Temporal's time-skipping test server has no visibility listing). */
export function isUnimplemented(err: unknown): boolean {
  const causes = [err, (err as { cause?: unknown })?.cause];
  return causes.some((c) => (c as { code?: number })?.code === 12 || /unimplemented/i.test((c as Error)?.message ?? ''));
}

/** A failed update becomes a RejectedError with the workflow's code, words and details; else undefined. */
export function rejectionOf(err: unknown): RejectedError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause as { message?: string; type?: string; details?: unknown[] } | undefined;
  return new RejectedError(cause?.message ?? err.message, cause?.type, cause?.details ?? []);
}
