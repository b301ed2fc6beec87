import { checkAnswer, checkDraft, describeAnswerErrors } from '../../domain/answers';
import type { Questionnaire } from '../../domain/types';

const questionnaire: Questionnaire = [
  { id: 'projects', type: 'textarea', required: true, maxLength: 20, label: { sv: 'Projekt', en: 'Projects' } },
  { id: 'count', type: 'number', required: false, label: { sv: 'Antal', en: 'Number' } },
  { id: 'reported', type: 'boolean', required: false, label: { sv: 'Redovisat', en: 'Reported' } },
  { id: 'held_on', type: 'date', required: false, label: { sv: 'Datum', en: 'Date' } },
  {
    id: 'role',
    type: 'choice',
    required: false,
    label: { sv: 'Roll', en: 'Role' },
    options: [
      { value: 'organiser', label: { sv: 'Arrangör', en: 'Organiser' } },
      { value: 'co-organiser', label: { sv: 'Medarrangör', en: 'Co-organiser' } },
    ],
  },
];

test('a valid answer is normalised: text trimmed, numbers and yes/no parsed', () => {
  expect(checkAnswer(questionnaire, { projects: '  Interreg  ', count: '3,5', reported: 'ja', held_on: '2026-05-09', role: 'organiser' })).toEqual({
    ok: true,
    values: { projects: 'Interreg', count: 3.5, reported: true, held_on: '2026-05-09', role: 'organiser' },
  });
});

test('every problem is reported at once, in the reader language', () => {
  const check = checkAnswer(questionnaire, { projects: ' ', count: 'many', reported: 'maybe', held_on: '9 May', role: 'guest', extra: 1 });
  expect(check.ok).toBe(false);
  if (check.ok) return;
  expect(check.errors.map((e) => `${e.field}:${e.code}`)).toEqual([
    'extra:unknown-field',
    'projects:required',
    'count:not-number',
    'reported:not-boolean',
    'held_on:not-date',
    'role:not-an-option',
  ]);
  expect(describeAnswerErrors(check.errors, questionnaire, 'sv')).toBe(
    'extra: finns inte i frågeformuläret. Projekt: måste fyllas i. Antal: ska vara ett tal. Redovisat: ska vara ja eller nej. Datum: ska vara ett datum (ÅÅÅÅ-MM-DD). Roll: välj ett av alternativen.',
  );
  expect(describeAnswerErrors(check.errors.slice(1, 2), questionnaire, 'en')).toBe('Projects: is required.');
});

test('text longer than the field allows is refused with the limit', () => {
  const check = checkAnswer(questionnaire, { projects: 'x'.repeat(21) });
  expect(check).toEqual({ ok: false, errors: [{ field: 'projects', code: 'too-long', limit: 20 }] });
});

test('an answer that is not an object is refused, not crashed on', () => {
  for (const input of [null, 'text', 42, ['projects']]) expect(checkAnswer(questionnaire, input).ok).toBe(false);
});

test('markup and template syntax are kept as plain text', () => {
  expect(checkAnswer(questionnaire, { projects: '<script>{{x}}' })).toEqual({ ok: true, values: { projects: '<script>{{x}}' } });
});

test('a draft refuses a value that is not text (found by the property test: an object whose toString is not a function)', () => {
  expect(checkDraft(questionnaire, { projects: { toString: 0 } })).toEqual({ ok: false, errors: [{ field: 'projects', code: 'not-text' }] });
  expect(checkDraft(questionnaire, { projects: 'halvfärdig', count: 3 })).toEqual({ ok: true, values: { projects: 'halvfärdig', count: '3' } });
});
