/**
 * A file field as the config writes it and as an answer holds it: its settings only on a file
 * field, only in a data call's questionnaire, never the subject of a rule; an answer holds the
 * attachments' ids (never more than the field takes), and the refusals read in both languages.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../../config/load';
import { checkAnswer, describeFieldError } from '../../domain/answers';
import { attachmentIds, formatFileSize, maxFileBytes } from '../../domain/attachments';
import type { Questionnaire } from '../../domain/types';
import { SOLNA_CONFIG } from '../helpers/environment';

type Doc = { obligations: { id: string; questionnaire: Record<string, unknown>[] }[] };
const solna = () => parse(readFileSync(SOLNA_CONFIG, 'utf8')) as Doc;
const withField = (obligation: string, field: Record<string, unknown>) => {
  const doc = solna();
  doc.obligations.find((o) => o.id === obligation)!.questionnaire.push(field);
  return () => parseConfigText(stringify(doc), 'solna.yaml');
};
const label = { sv: 'Protokoll', en: 'Minutes' };

test("a file field's settings are read, and are for file fields only", () => {
  const config = withField('annual-follow-up', { id: 'minutes', type: 'file', label, accept: ['pdf', 'xlsx'], maxSize: 2.5, maxFiles: 3 })();
  const obligation = config.obligations.find((o) => o.id === 'annual-follow-up')!;
  expect(obligation.kind === 'periodic-data-call' && obligation.questionnaire.at(-1)).toMatchObject({ type: 'file', accept: ['pdf', 'xlsx'], maxSize: 2.5, maxFiles: 3 });
  expect(maxFileBytes({ maxSize: 2.5 })).toBe(2_621_440);
  expect(maxFileBytes({})).toBe(10 * 1024 * 1024);
  expect(withField('annual-follow-up', { id: 'notes', type: 'text', label, maxFiles: 2 })).toThrow(/accept, maxSize and maxFiles are for fields of type "file"/);
  expect(withField('annual-follow-up', { id: 'minutes', type: 'file', label, accept: ['exe'] })).toThrow(ConfigError);
  // A project's goals take files too (its application, its plan).
  expect(withField('project-goals', { id: 'plan', type: 'file', label, accept: ['pdf'], maxFiles: 2 })().obligations.find((o) => o.id === 'project-goals')).toMatchObject({ questionnaire: expect.arrayContaining([expect.objectContaining({ id: 'plan', type: 'file', maxFiles: 2 })]) });
  expect(withField('annual-follow-up', { id: 'minutes', type: 'file', label, maxSize: 500 })).toThrow(ConfigError);
});

const questionnaire: Questionnaire = [{ id: 'minutes', type: 'file', required: true, maxFiles: 2, label }];
const ids = ['0b6f9c1e-2d4a-4c8e-9f3a-1a2b3c4d5e6f', '1c7a8d2f-3e5b-4d9f-8a4b-2b3c4d5e6f70', '2d8b9e3a-4f6c-4eaf-9b5c-3c4d5e6f7081'];

test("an answer's file field holds its attachments' ids, each once, and no more than the field takes", () => {
  expect(checkAnswer(questionnaire, { minutes: `${ids[0]},${ids[1]},${ids[0]}` })).toEqual({ ok: true, values: { minutes: `${ids[0]},${ids[1]}` } });
  expect(checkAnswer(questionnaire, { minutes: 'not an id' })).toEqual({ ok: false, errors: [{ field: 'minutes', code: 'required' }] });
  expect(checkAnswer(questionnaire, { minutes: ids.join(',') })).toEqual({ ok: false, errors: [{ field: 'minutes', code: 'too-many-files', limit: 2 }] });
  expect(attachmentIds(` ${ids[2]} , ${ids[1]}`)).toEqual([ids[2], ids[1]]);
});

test('a refused file is told in the reader language, by its name', () => {
  expect(describeFieldError({ field: 'minutes', code: 'file-too-large', file: 'plan.pdf', limit: 10 * 1024 * 1024 }, questionnaire, 'sv')).toBe('Protokoll: ”plan.pdf” är för stor; en fil får vara högst 10 MB.');
  expect(describeFieldError({ field: 'minutes', code: 'scanner-unavailable', file: 'plan.pdf' }, questionnaire, 'en')).toBe('Minutes: "plan.pdf" could not be scanned for malware just now and was not accepted. Try again in a while; what you typed is kept.');
  expect(formatFileSize(1_572_864, 'sv')).toBe('1,5 MB');
});
