import type { AnswerValues } from '../../domain/types';
import { checkAnswer, describeAnswerErrors, parseNumber } from '../../domain/answers';
import { expandQuestionnaire, groupFields, type ConfiguredQuestionnaire } from '../../domain/questionnaire';
import { parseConfigText } from '../../config/load';
import { byQuestion, tally } from '../../activities/report';
import { previousPeriod } from '../../domain/calendar';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const l = (sv: string, en = sv) => ({ sv, en });

// Borås's four activity types, each asked what was done and how far it got.
const configured: ConfiguredQuestionnaire = [
  { id: 'summary', type: 'textarea', label: l('Sammanfattning', 'Summary'), required: true },
  {
    type: 'section',
    id: 'per_type',
    title: l('Resultat per aktivitetstyp', 'Results per activity type'),
    repeatFor: 'activity_types',
    fields: [
      { id: 'any', type: 'boolean', label: l('Har ni haft sådana aktiviteter?', 'Any such activities?'), required: true },
      { id: 'results', type: 'textarea', label: l('Vad ledde de fram till?', 'What did they lead to?'), required: false, requiredIf: { field: 'any', equals: true } },
      { id: 'progress', type: 'scale', label: l('Hur långt kom ni?', 'How far did you get?'), required: false, options: [1, 2, 3].map((n) => ({ value: `s${n}`, label: l(`${n}`) })) },
    ],
  },
  { id: 'staff', type: 'number', label: l('Antal medarbetare som deltog', 'Staff who took part'), required: false, min: 0, max: 5000, integer: true },
  { id: 'cofunding', type: 'confirm', label: l('Extern medfinansiering har prövats', 'External co-funding was considered'), required: true },
];
const lists = { activity_types: [{ id: 'projects', label: l('Projekt', 'Projects') }, { id: 'networks', label: l('Nätverk', 'Networks') }] };
const questionnaire = expandQuestionnaire(configured, lists);

test('a repeated section becomes one group per item, with ids section.item.field and rules within the item', () => {
  expect(questionnaire.map((f) => f.id)).toEqual([
    'summary',
    'per_type.projects.any',
    'per_type.projects.results',
    'per_type.projects.progress',
    'per_type.networks.any',
    'per_type.networks.results',
    'per_type.networks.progress',
    'staff',
    'cofunding',
  ]);
  expect(questionnaire.find((f) => f.id === 'per_type.networks.results')!.requiredIf).toEqual({ field: 'per_type.networks.any', equals: true });
  expect(groupFields(questionnaire).map((b) => [b.key, b.fields.length])).toEqual([
    ['', 1],
    ['per_type.projects', 3],
    ['per_type.networks', 3],
    ['', 2],
  ]);
});

const valid = {
  summary: 'Ett bra år',
  'per_type.projects.any': 'true',
  'per_type.projects.results': 'Två nya partner',
  'per_type.projects.progress': 's2',
  'per_type.networks.any': 'false',
  staff: '12',
  cofunding: 'on',
};

test('a complete answer is accepted, a ticked box is true and the unticked conditional field may stay empty', () => {
  const check = checkAnswer(questionnaire, valid);
  expect(check).toEqual({ ok: true, values: expect.objectContaining({ staff: 12, cofunding: true, 'per_type.networks.any': false }) });
});

test('"required if": a field is required only when its item says so, and the message names the item', () => {
  const check = checkAnswer(questionnaire, { ...valid, 'per_type.networks.any': 'true' });
  expect(check.ok).toBe(false);
  if (check.ok) return;
  expect(check.errors).toEqual([{ field: 'per_type.networks.results', code: 'required' }]);
  expect(describeAnswerErrors(check.errors, questionnaire, 'sv')).toBe('Resultat per aktivitetstyp: Nätverk – Vad ledde de fram till?: måste fyllas i.');
});

test('numbers keep to their bounds and to whole numbers; Swedish digit grouping is read', () => {
  const codes = (staff: string) => {
    const check = checkAnswer(questionnaire, { ...valid, staff });
    return check.ok ? check.values.staff : check.errors.map((e) => `${e.code}${e.limit ?? ''}`);
  };
  expect(codes('-1')).toEqual(['too-small0']);
  expect(codes('5001')).toEqual(['too-large5000']);
  expect(codes('2,5')).toEqual(['not-integer']);
  expect(codes('1 200')).toBe(1200);
  expect(codes('tolv')).toEqual(['not-number']);
});

test('a check that must be confirmed refuses an unticked box, in both languages', () => {
  const { cofunding: _, ...unticked } = valid;
  const check = checkAnswer(questionnaire, unticked);
  expect(check.ok).toBe(false);
  if (check.ok) return;
  expect(describeAnswerErrors(check.errors, questionnaire, 'en')).toBe('External co-funding was considered: must be confirmed (tick the box).');
});

test('a scale takes only its own steps', () => {
  const check = checkAnswer(questionnaire, { ...valid, 'per_type.projects.progress': 's9' });
  expect(check.ok ? [] : check.errors).toEqual([{ field: 'per_type.projects.progress', code: 'not-an-option' }]);
});

test('the config refuses rules that cannot work, naming where', () => {
  const solna = readFileSync(path.join(__dirname, '../../config/examples/solna.yaml'), 'utf8');
  const broken = solna.replace(
    /questionnaire:\n/,
    `questionnaire:
      - { type: section, id: goals, title: { sv: Mål, en: Goals }, repeatFor: policy_goals, fields: [{ id: done, type: text, label: { sv: Gjort, en: Done }, requiredIf: { field: nothing, equals: true } }] }
      - { id: share, type: number, min: 10, max: 1, label: { sv: Andel, en: Share } }
      - { id: level, type: text, min: 1, label: { sv: Nivå, en: Level } }
`,
  );
  expect(() => parseConfigText(broken, 'solna.yaml')).toThrow(
    expect.objectContaining({
      problems: expect.arrayContaining([
        expect.stringMatching(/questionnaire\[0\]\.repeatFor.*no list "policy_goals"/),
        expect.stringMatching(/questionnaire\[0\]\.fields\[0\]\.requiredIf\.field.*no other field "nothing"/),
        expect.stringMatching(/questionnaire\[1\]\.min.*min must not be larger than max/),
        expect.stringMatching(/questionnaire\[2\]\.type.*min, max and integer are for fields of type "number"/),
      ]),
    }),
  );
});

test('tallies count each option now and in the previous period; the by-question view puts units side by side', () => {
  const progress = questionnaire.find((f) => f.id === 'per_type.projects.progress')!;
  const now: AnswerValues[] = [{ 'per_type.projects.progress': 's2' }, { 'per_type.projects.progress': 's2' }, { 'per_type.projects.progress': 's3' }, {}];
  const before = [{ 'per_type.projects.progress': 's1' }];
  const t = tally(progress, now, before, 'sv');
  expect(t.rows.map((r) => [r.label, r.count, r.share, r.previous])).toEqual([
    ['1', 0, '0 %', '1 (100 %)'],
    ['2', 2, '67 %', '0 (0 %)'],
    ['3', 1, '33 %', '0 (0 %)'],
  ]);
  expect(t.total).toBe(3);

  const view = byQuestion({
    questionnaire,
    units: [
      { id: 'a', name: 'Enhet A', values: { summary: 'Nytt', staff: 3 } },
      { id: 'b', name: 'Enhet B', values: { summary: 'Också nytt', staff: 4 } },
      { id: 'c', name: 'Enhet C' },
    ],
    previous: { version: 1, period: '2025', asked: 3, answered: 1, units: [{ id: 'a', answered: true, exempt: false, values: { summary: 'Gammalt' } }] },
    language: 'sv',
  });
  expect(view.map((b) => b.heading)).toEqual(['Sammanfattning', 'Resultat per aktivitetstyp: Projekt', 'Resultat per aktivitetstyp: Nätverk', 'Antal medarbetare som deltog', 'Extern medfinansiering har prövats']);
  expect(view[0]!.questions[0]!.answers).toEqual([
    { unit: 'Enhet A', value: 'Nytt', previous: 'Gammalt' },
    { unit: 'Enhet B', value: 'Också nytt', previous: '–' },
  ]);
  expect(view[3]!.questions[0]!.stats).toEqual({ count: 2, sum: '7', average: '3,5' });
});

test('the period compared with is the year before, for a tertial the same tertial', () => {
  expect(previousPeriod('annual', '2026')).toBe('2025');
  expect(previousPeriod('tertial', '2026-T1')).toBe('2025-T1');
  expect(() => previousPeriod('annual', '2026-T1')).toThrow(/not a period/);
});

test('numbers as Swedish and English write them; "1,500" could be either and is refused with a hint', () => {
  expect(['1 500,5', '1500.5', '−3', '0,125', '12'].map(parseNumber)).toEqual([1500.5, 1500.5, -3, 0.125, 12]);
  expect(['1,500', '1.500'].map(parseNumber)).toEqual(['ambiguous', 'ambiguous']);
  expect(['0x10', '1e3', '1 2', 'tolv'].map(parseNumber)).toEqual([undefined, undefined, undefined, undefined]);
  const check = checkAnswer(questionnaire, { ...valid, staff: '1,500' });
  expect(check.ok ? '' : describeAnswerErrors(check.errors, questionnaire, 'sv')).toBe('Antal medarbetare som deltog: skriv tusental utan punkt eller komma (1500 eller 1 500) och decimaler med komma (1,5).');
});

test('a rule must fit the field it refers to, and may not refer to a field with a rule of its own', () => {
  const solna = readFileSync(path.join(__dirname, '../../config/examples/solna.yaml'), 'utf8');
  const broken = solna.replace(
    /questionnaire:\n/,
    `questionnaire:
      - { id: held, type: boolean, label: { sv: Hölls, en: Held } }
      - { id: how, type: text, requiredIf: { field: held, equals: "ja" }, label: { sv: Hur, en: How } }
      - { id: why, type: text, requiredIf: { field: how, equals: "x" }, label: { sv: Varför, en: Why } }
`,
  );
  expect(() => parseConfigText(broken, 'solna.yaml')).toThrow(
    expect.objectContaining({
      problems: expect.arrayContaining([
        expect.stringMatching(/questionnaire\[1\]\.requiredIf\.equals.*"held" is a boolean field: equals must be true or false/),
        expect.stringMatching(/questionnaire\[2\]\.requiredIf\.field.*"how" has a rule of its own/),
      ]),
    }),
  );
});
