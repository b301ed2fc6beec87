/**
 * Rules between a questionnaire's number fields ("of which" ≤ "in all", a sum ≤ a total),
 * requiredIf with one of several values, help on options, list items and sections, and the config
 * check that names a rule that cannot hold.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { questionLines } from '../../activities/mail-context';
import { parseConfigText } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { checkAnswer, describeAnswerErrors } from '../../domain/answers';
import { expandQuestionnaire, questionnaireOf, type ConfiguredQuestionnaire, type ConfiguredRule } from '../../domain/questionnaire';
import { questionnaireForm } from '../../web/questionnaire-form';

const l = (sv: string, en = sv) => ({ sv, en });

const configured: ConfiguredQuestionnaire = [
  { id: 'projects', type: 'number', integer: true, label: l('Projekt totalt', 'Projects in all'), required: true },
  { id: 'eu', type: 'number', integer: true, label: l('varav EU-projekt', 'of which EU projects'), required: false },
  { id: 'nordic', type: 'number', integer: true, label: l('varav nordiska projekt', 'of which Nordic projects'), required: false },
  {
    type: 'section',
    id: 'budget',
    title: l('Budget'),
    fields: [
      { id: 'total', type: 'number', label: l('Budget totalt', 'Budget in all'), required: false },
      { id: 'staff', type: 'number', label: l('Personal', 'Staff'), required: false },
      { id: 'travel', type: 'number', label: l('Resor', 'Travel'), required: false },
    ],
  },
  {
    type: 'section',
    id: 'per_goal',
    title: l('Per mål', 'Per goal'),
    repeatFor: 'goals',
    fields: [
      { id: 'meetings', type: 'number', label: l('Möten', 'Meetings'), required: false },
      { id: 'abroad', type: 'number', label: l('varav utomlands', 'of which abroad'), required: false },
    ],
    rules: [{ kind: 'atMost', field: 'abroad', max: 'meetings' }],
  },
  {
    id: 'status',
    type: 'choice',
    label: l('Status'),
    required: false,
    options: [
      { value: 'done', label: l('Klart', 'Done') },
      { value: 'partly', label: l('Delvis', 'Partly'), help: l('Något av målet är nått.', 'Some of the goal is reached.') },
      { value: 'not', label: l('Inte påbörjat', 'Not started') },
    ],
  },
  { id: 'why', type: 'textarea', label: l('Varför?', 'Why?'), required: false, requiredIf: { field: 'status', in: ['partly', 'not'] } },
];
const rules: ConfiguredRule[] = [
  { kind: 'atMost', field: 'eu', max: 'projects', message: l('kan inte vara fler än projekten totalt.', 'cannot be more than the projects in all.') },
  { kind: 'sumAtMost', fields: ['budget.staff', 'budget.travel'], max: 'budget.total' },
];
const lists = { goals: [{ id: 'g1', label: l('Mål 1', 'Goal 1'), help: l('Fler kontakter', 'More contacts') }, { id: 'g2', label: l('Mål 2', 'Goal 2') }] };
const questionnaire = expandQuestionnaire(configured, lists, rules);
const valid = { projects: '5', eu: '2', nordic: '3', 'budget.total': '100', 'budget.staff': '60,5', 'budget.travel': '39,5', status: 'done' };
const errorsOf = (input: Record<string, string>) => {
  const check = checkAnswer(questionnaire, input);
  return check.ok ? [] : check.errors;
};

describe('rules between fields', () => {
  test('each rule is carried on the field its error is shown beside; a repeated section holds its rules for each item', () => {
    expect(questionnaire.find((f) => f.id === 'eu')!.atMost).toEqual([{ sum: ['eu'], max: 'projects', message: rules[0]!.message }]);
    expect(questionnaire.find((f) => f.id === 'budget.staff')!.atMost).toEqual([{ sum: ['budget.staff', 'budget.travel'], max: 'budget.total' }]);
    expect(questionnaire.find((f) => f.id === 'per_goal.g2.abroad')!.atMost).toEqual([{ sum: ['per_goal.g2.abroad'], max: 'per_goal.g2.meetings' }]);
    // A field without rules stays as small as before: the questionnaire travels in histories.
    expect(questionnaire.find((f) => f.id === 'projects')).not.toHaveProperty('atMost');
  });

  test('an answer within the rules passes, up to and at the maximum, with decimals that add up exactly', () => {
    expect(checkAnswer(questionnaire, valid)).toMatchObject({ ok: true });
    expect(checkAnswer(questionnaire, { ...valid, eu: '5', 'budget.total': '0,3', 'budget.staff': '0,1', 'budget.travel': '0,2' })).toMatchObject({ ok: true });
  });

  test('"of which" over "in all" is refused beside the "of which" field, in the reader\'s language, with the message given', () => {
    const errors = errorsOf({ ...valid, eu: '7' });
    expect(errors).toEqual([{ field: 'eu', code: 'over-max', limit: 5, rule: 0, sum: 7 }]);
    expect(describeAnswerErrors(errors, questionnaire, 'sv')).toBe('varav EU-projekt: kan inte vara fler än projekten totalt.');
    expect(describeAnswerErrors(errors, questionnaire, 'en')).toBe('of which EU projects: cannot be more than the projects in all.');
  });

  test('a sum over its total is refused beside the first of its fields; without a message one names the fields', () => {
    const errors = errorsOf({ ...valid, 'budget.travel': '50' });
    expect(errors).toEqual([{ field: 'budget.staff', code: 'over-max', limit: 100, rule: 0, sum: 110.5 }]);
    expect(describeAnswerErrors(errors, questionnaire, 'sv')).toBe('Budget – Personal: summan av Budget – Personal och Budget – Resor (110.5) får inte vara större än Budget – Budget totalt (100).');
    expect(describeAnswerErrors(errors, questionnaire, 'en')).toBe('Budget – Staff: the sum of Budget – Staff and Budget – Travel (110.5) must not be more than Budget – Budget in all (100).');
    // Each item of a repeated section by itself.
    const perItem = errorsOf({ ...valid, 'per_goal.g1.meetings': '4', 'per_goal.g1.abroad': '2', 'per_goal.g2.meetings': '1', 'per_goal.g2.abroad': '2' });
    expect(perItem.map((e) => e.field)).toEqual(['per_goal.g2.abroad']);
    expect(describeAnswerErrors(perItem, questionnaire, 'sv')).toBe('Per mål: Mål 2 – varav utomlands: får inte vara större än Per mål: Mål 2 – Möten (1).');
  });

  test('a rule waits for its maximum and a field to be answered; a blank field of a sum counts as nothing; a field\'s own error comes first', () => {
    expect(errorsOf({ ...valid, 'budget.total': '' })).toEqual([]);
    expect(errorsOf({ ...valid, 'budget.staff': '', 'budget.travel': '' })).toEqual([]);
    expect(errorsOf({ ...valid, 'budget.staff': '', 'budget.travel': '101' }).map((e) => e.field)).toEqual(['budget.staff']);
    expect(errorsOf({ ...valid, projects: '', eu: '3' })).toEqual([{ field: 'projects', code: 'required' }]);
    expect(errorsOf({ ...valid, eu: 'sju' })).toEqual([{ field: 'eu', code: 'not-number' }]);
  });

  test('questionnaires without rules are checked as before', () => {
    const plain = expandQuestionnaire(configured.slice(0, 3));
    expect(checkAnswer(plain, { projects: '1', eu: '9' })).toMatchObject({ ok: true });
  });
});

describe('requiredIf with one of several values', () => {
  test('required when the other field holds any of the values, and not otherwise', () => {
    expect(errorsOf({ ...valid, status: 'partly' })).toEqual([{ field: 'why', code: 'required' }]);
    expect(errorsOf({ ...valid, status: 'not' })).toEqual([{ field: 'why', code: 'required' }]);
    expect(errorsOf({ ...valid, status: 'done' })).toEqual([]);
    expect(errorsOf({ ...valid, status: '' })).toEqual([]);
  });

  test('the form says when, naming every value', () => {
    const form = questionnaireForm(questionnaire, {}, [], 'sv');
    const why = form.sections.flatMap((s) => s.fields).find((f) => f.id === 'why')!;
    expect(why.requiredWhen).toBe('obligatorisk om ni svarat Delvis eller Inte påbörjat ovan');
  });
});

describe('help on options, list items and sections', () => {
  test('the form shows an option\'s help and a list item\'s', () => {
    const form = questionnaireForm(questionnaire, {}, [], 'en');
    const status = form.sections.flatMap((s) => s.fields).find((f) => f.id === 'status')!;
    expect(status.optionHelp).toEqual([{ label: 'Partly', help: 'Some of the goal is reached.' }]);
    expect(form.sections.find((s) => s.heading === 'Per goal: Goal 1')!.itemHelp).toBe('More contacts');
    expect(form.sections.find((s) => s.heading === 'Per goal: Goal 2')!.itemHelp).toBeUndefined();
  });

  test("the request mail lists a section's help under its heading and an option's under its question", () => {
    const withHelp = expandQuestionnaire([{ ...(configured[3] as Extract<ConfiguredQuestionnaire[number], { type: 'section' }>), help: l('I tusental kronor.', 'In thousands of kronor.') }, configured[5]!], lists);
    const lines = questionLines(withHelp, 'sv');
    expect(lines[0]).toMatchObject({ heading: 'Budget', headingHelp: 'I tusental kronor.' });
    expect(lines[1]).not.toHaveProperty('headingHelp');
    expect(lines[3]).toMatchObject({ label: 'Status', optionHelp: [{ label: 'Delvis', help: 'Något av målet är nått.' }] });
  });
});

describe('the config check names a rule that cannot hold', () => {
  const solna = readFileSync(path.join(__dirname, '../../config/examples/solna.yaml'), 'utf8');
  const withQuestions = (questions: string, questionnaireRules = '') =>
    solna.replace(/\n(\s+)questionnaire:\n/, (_m, indent: string) => `\n${questionnaireRules ? `${indent}questionnaireRules:\n${questionnaireRules}` : ''}${indent}questionnaire:\n${questions}`);
  const questions = `      - { id: all, type: number, label: { sv: Alla, en: All } }
      - { id: eu, type: number, label: { sv: EU, en: EU } }
      - { id: note, type: text, label: { sv: Not, en: Note } }
      - { id: kind, type: choice, options: [{ value: a, label: { sv: A, en: A }, help: { sv: Hjälp, en: Help } }, { value: b, label: { sv: B, en: B } }], label: { sv: Slag, en: Kind } }
      - { id: why, type: text, requiredIf: { field: kind, in: [a, c] }, label: { sv: Varför, en: Why } }
      - { id: how, type: text, requiredIf: { field: nothing, in: [a] }, label: { sv: Hur, en: How } }
      - { type: section, id: sec, title: { sv: Del, en: Part }, fields: [{ id: x, type: number, label: { sv: X, en: X } }, { id: y, type: number, label: { sv: Y, en: Y } }], rules: [{ kind: atMost, field: x, max: x }, { kind: atMost, field: z, max: y }] }
`;

  test('a valid configuration with rules, option help and requiredIf.in passes and keeps them', () => {
    const good = questions.replace('[a, c]', '[a, b]').replace('field: nothing', 'field: kind').replace(/, rules: \[.*\] \}/, ', rules: [{ kind: atMost, field: x, max: y }] }');
    const config = parseConfigText(withQuestions(good, '      - { kind: sumAtMost, fields: [eu, sec.x], max: all, message: { sv: För många., en: Too many. } }\n'), 'solna.yaml');
    const followUp = obligationOf(config, 'periodic-data-call');
    expect(followUp.questionnaireRules).toEqual([{ kind: 'sumAtMost', fields: ['eu', 'sec.x'], max: 'all', message: { sv: 'För många.', en: 'Too many.' } }]);
    const flat = questionnaireOf(followUp);
    expect(flat.find((f) => f.id === 'eu')!.atMost).toEqual([{ sum: ['eu', 'sec.x'], max: 'all', message: { sv: 'För många.', en: 'Too many.' } }]);
    expect(flat.find((f) => f.id === 'sec.x')!.atMost).toEqual([{ sum: ['sec.x'], max: 'sec.y' }]);
    expect(flat.find((f) => f.id === 'why')!.requiredIf).toEqual({ field: 'kind', in: ['a', 'b'] });
  });

  test('unknown fields, fields that are not numbers, a field compared with itself, requiredIf on an unknown field or a value not among the choices', () => {
    const rules = `      - { kind: atMost, field: eu, max: nothing }
      - { kind: atMost, field: note, max: all }
      - { kind: sumAtMost, fields: [eu, all], max: all }
      - { kind: sumAtMost, fields: [eu, eu], max: all }
      - { kind: atMost, field: x, max: all }
`;
    expect(() => parseConfigText(withQuestions(questions, rules), 'solna.yaml')).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/questionnaireRules\[0\]\.max.*no field "nothing" among the questionnaire's top-level fields.*\(number fields: all, eu, sec\.x, sec\.y\)/),
          expect.stringMatching(/questionnaireRules\[1\]\.field.*"note" is a text field; a rule compares number fields/),
          expect.stringMatching(/questionnaireRules\[2\]\.max.*"all" is compared with itself/),
          expect.stringMatching(/questionnaireRules\[3\]\.fields\[1\].*"eu" is named twice in the sum/),
          expect.stringMatching(/questionnaireRules\[4\]\.field.*no field "x"/),
          expect.stringMatching(/questionnaire\[4\]\.requiredIf\.in\[1\].*"kind" is a choice field: in must be one of a, b \(not "c"\)/),
          expect.stringMatching(/questionnaire\[5\]\.requiredIf\.field.*no other field "nothing"/),
          expect.stringMatching(/questionnaire\[6\]\.rules\[0\]\.max.*"x" is compared with itself/),
          expect.stringMatching(/questionnaire\[6\]\.rules\[1\]\.field.*no field "z" in the section "sec"/),
        ]),
      }),
    );
  });
});
