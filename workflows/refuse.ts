/** Refusing an update from a workflow: a code from the catalogue, its words, and its parameters. */
import { ApplicationFailure } from '@temporalio/workflow';
import { refusalText, type RefusalCode, type RefusalDetails } from '../domain/refusals';
import type { Language } from '../domain/types';

export function refuse(code: RefusalCode, language: Language, params: RefusalDetails['params'] = {}, fieldErrors?: unknown[]): never {
  const details: RefusalDetails = { params, ...(fieldErrors ? { fieldErrors } : {}) };
  throw ApplicationFailure.create({ type: code, message: refusalText(code, language, params), nonRetryable: true, details: [details] });
}
