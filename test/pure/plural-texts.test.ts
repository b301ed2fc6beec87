import path from 'node:path';
import { createRenderer } from '../../activities/renderer';
import { pluralText } from '../../web/i18n';

test('the words agree with the number, in Swedish and English, for 0, 1 and 2', () => {
  const held = (language: 'sv' | 'en', minimum: number) => pluralText(language, 'ovSeminarsHeld', minimum, { n: 1, minimum, year: 2027 });
  expect([0, 1, 2].map((minimum) => held('sv', minimum))).toEqual(['1 av minst 0 seminarier 2027', '1 av minst 1 seminarium 2027', '1 av minst 2 seminarier 2027']);
  expect([0, 1, 2].map((minimum) => held('en', minimum))).toEqual(['1 of at least 0 seminars in 2027', '1 of at least 1 seminar in 2027', '1 of at least 2 seminars in 2027']);
});

test("a mail's words agree with the number: 0, 1 and 2 seminars required", () => {
  const renderer = createRenderer(path.join(__dirname, '../../templates'));
  const warning = (language: 'sv' | 'en', minimum: number) =>
    renderer.mail('occurrences-warning', language, { org: { name: 'Solna stad' }, obligation: { title: 'Seminarier' }, today: '1 september 2027', held: 0, minimum, year: 2027, planned: [], recipient: { name: 'Anna' }, secretariat: {} }).text;
  expect([0, 1, 2].map((minimum) => /minst \d+ \S+/.exec(warning('sv', minimum))?.[0])).toEqual(['minst 0 seminarier', 'minst 1 seminarium', 'minst 2 seminarier']);
  expect([0, 1, 2].map((minimum) => /least \d+ \S+/.exec(warning('en', minimum))?.[0])).toEqual(['least 0 seminars', 'least 1 seminar', 'least 2 seminars']);
});
