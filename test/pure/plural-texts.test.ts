import path from 'node:path';
import { createRenderer } from '../../activities/renderer';
import { pluralText, responseText, TEXTS, type PluralKey } from '../../web/i18n';

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

/** The catalogue's counted texts: each `<key>_other` with its `<key>_one`. */
const COUNTED = Object.keys(TEXTS.sv)
  .filter((k) => k.endsWith('_other'))
  .map((k) => k.slice(0, -'_other'.length) as PluralKey);

test("every counted text of the catalogue has its one and its other form, in both languages, and 1 takes the one, 0 and 2 the other", () => {
  expect(COUNTED.length).toBeGreaterThanOrEqual(24);
  const wrong: string[] = [];
  for (const language of ['sv', 'en'] as const) {
    const texts: Record<string, string> = TEXTS[language];
    for (const key of COUNTED) {
      if (!(`${key}_one` in texts) || !(`${key}_other` in texts)) {
        wrong.push(`${language} ${key}: a form is missing`);
        continue;
      }
      // Every value the count: whichever of them the text counts by, it agrees.
      for (const count of [0, 1, 2]) {
        const values = Object.fromEntries([...`${texts[`${key}_one`]} ${texts[`${key}_other`]}`.matchAll(/\{\{(\w+)\}\}/g)].map((m) => [m[1]!, count]));
        const form = count === 1 ? 'one' : 'other';
        const expected = texts[`${key}_${form}`]!.replace(/\{\{(\w+)\}\}/g, () => String(count));
        const got = pluralText(language, key, count, values);
        if (got !== expected) wrong.push(`${language} ${key} ${count}: "${got}", not the ${form} form "${expected}"`);
      }
    }
  }
  expect(wrong).toEqual([]);
});

test.each([
  ['previewCount', { sv: ['0 e-postmeddelanden.', '1 e-postmeddelande.', '2 e-postmeddelanden.'], en: ['0 mails.', '1 mail.', '2 mails.'] }],
  ['needsAction', { sv: ['0 åtaganden behöver åtgärd.', '1 åtagande behöver åtgärd.', '2 åtaganden behöver åtgärd.'], en: ['0 obligations need action.', '1 obligation needs action.', '2 obligations need action.'] }],
  ['ovUnitsLate', { sv: ['0 enheter är sena.', '1 enhet är sen.', '2 enheter är sena.'], en: ['0 units are late.', '1 unit is late.', '2 units are late.'] }],
  ['ovSeminarsPlanned', { sv: ['0 till är planerade', '1 till är planerat', '2 till är planerade'], en: ['0 more are planned', '1 more is planned', '2 more are planned'] }],
  ['ovEventsComing', { sv: ['0 kommande händelser', '1 kommande händelse', '2 kommande händelser'], en: ['0 coming events', '1 coming event', '2 coming events'] }],
  ['ovProjectsAwaiting', { sv: ['0 projekt väntar på mål från ägaren', '1 projekt väntar på mål från ägaren', '2 projekt väntar på mål från ägaren'], en: ['0 projects await goals from their owner', '1 project awaits goals from its owner', '2 projects await goals from their owner'] }],
  ['yearWheelDates', { sv: ['0 datum', '1 datum', '2 datum'], en: ['0 dates', '1 date', '2 dates'] }],
  ['a11yAnswerWithin', { sv: ['Vi svarar normalt inom 0 arbetsdagar.', 'Vi svarar normalt inom 1 arbetsdag.', 'Vi svarar normalt inom 2 arbetsdagar.'], en: ['We normally answer within 0 working days.', 'We normally answer within 1 working day.', 'We normally answer within 2 working days.'] }],
  ['done_reminded_count', { sv: ['Påminnelse skickad till 0 enheter.', 'Påminnelse skickad till 1 enhet.', 'Påminnelse skickad till 2 enheter.'], en: ['Reminder sent to 0 units.', 'Reminder sent to 1 unit.', 'Reminder sent to 2 units.'] }],
] as const)('%s reads right for 0, 1 and 2', (key, expected) => {
  for (const language of ['sv', 'en'] as const) {
    expect([0, 1, 2].map((n) => pluralText(language, key, n, { n, count: n, days: n }))).toEqual(expected[language]);
  }
});

test('the share of units that answered agrees with the units asked: 0, 1 and 2', () => {
  expect([0, 1, 2].map((asked) => responseText('sv', 'responseSummary', Math.min(1, asked), asked))).toEqual(['0 av 0 enheter har svarat (0 %).', '1 av 1 enhet har svarat (100 %).', '1 av 2 enheter har svarat (50 %).']);
  expect([0, 1, 2].map((asked) => responseText('en', 'responseSummary', Math.min(1, asked), asked))).toEqual(['0 of 0 units have answered (0%).', '1 of 1 unit has answered (100%).', '1 of 2 units have answered (50%).']);
});

test("the report's delivery mail and the seminars' result agree with their numbers: 0, 1 and 2", () => {
  const renderer = createRenderer(path.join(__dirname, '../../templates'));
  const common = { org: { name: 'Solna stad' }, obligation: { title: 'Uppföljning' }, period: '2026', year: 2027, recipient: { name: 'Anna' }, secretariat: {} };
  const delivery = (language: 'sv' | 'en', asked: number) => renderer.mail('report-delivery', language, { ...common, summary: { asked, answered: Math.min(1, asked) } }).text;
  expect([0, 1, 2].map((n) => /\d+ av \d+ tillfrågade \S+/.exec(delivery('sv', n))?.[0])).toEqual(['0 av 0 tillfrågade enheter', '1 av 1 tillfrågade enhet', '1 av 2 tillfrågade enheter']);
  expect([0, 1, 2].map((n) => /\d+ of \d+ \S+ asked \S+/.exec(delivery('en', n))?.[0])).toEqual(['0 of 0 units asked have', '1 of 1 unit asked has', '1 of 2 units asked has']);
  const result = (language: 'sv' | 'en', minimum: number) => renderer.mail('occurrences-result', language, { ...common, counted: 1, minimum, met: minimum <= 1 }).text;
  expect([0, 1, 2].map((n) => /minst \d+ \S+/.exec(result('sv', n))?.[0])).toEqual(['minst 0 seminarier', 'minst 1 seminarium', 'minst 2 seminarier']);
  expect([0, 1, 2].map((n) => /least \d+ \S+/.exec(result('en', n))?.[0])).toEqual(['least 0 seminars', 'least 1 seminar', 'least 2 seminars']);
});
