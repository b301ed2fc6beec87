/** The text functions of a municipality's own words, plural forms and numbers, and the config check of the overrides. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { runCli } from '../../cli/program';
import { ConfigError, parseConfigText } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { buildCompliance } from '../../activities/compliance';
import { gateRequires } from '../../activities/kinds/gate-before-start';
import { emptyRegister } from '../../activities/register-reader';
import { createRenderer } from '../../activities/renderer';
import { formatCount, formatPercent, headTitle, registerNames, subjectProblem } from '../../domain/wording';
import { pluralText, responseText } from '../../web/i18n';
import { PROJECT_ROOT, SOLNA_CONFIG } from '../helpers/environment';

/** Parsed YAML, changed as a person would change the file: any key, any depth. */
interface Yaml {
  [key: string]: Yaml | Yaml[] | string | number | boolean | undefined;
}

const solnaText = readFileSync(SOLNA_CONFIG, 'utf8');
function solnaWith(change: (doc: Yaml) => void): string {
  const doc = parse(solnaText) as Yaml;
  change(doc);
  return stringify(doc);
}
const gate = (doc: Yaml) => (doc.obligations as Yaml[]).find((o) => o.id === 'project-goals')!;

describe('a subject of its own', () => {
  test("takes text and the kind's values", () => {
    expect(subjectProblem('Projektdirektiv: {{project.title}} ({{ project.unit }})', 'gate-before-start')).toBeUndefined();
    expect(subjectProblem('Avtal: {{agreement.title}} löper ut {{agreement.endsOn}}', 'expiry-review')).toBeUndefined();
  });

  test('names a misspelt value and the values it could have meant', () => {
    expect(subjectProblem('Mål: {{project.titel}}', 'gate-before-start')).toMatch(/^\{\{project\.titel\}\} is not a value of this mail; known: .*\{\{project\.title\}\}/);
    // A value of another kind's mails is not one of these.
    expect(subjectProblem('{{agreement.title}}', 'gate-before-start')).toMatch(/is not a value of this mail/);
  });

  test('refuses helpers, blocks and stray braces', () => {
    expect(subjectProblem('{{#if met}}ja{{/if}}', 'minimum-occurrences')).toMatch(/not a value/);
    expect(subjectProblem('Mål {project.title}', 'gate-before-start')).toBe('braces only around a value, as {{project.title}}');
    expect(subjectProblem('{{{project.title}}}', 'gate-before-start')).toBeDefined();
  });
});

describe('the config check of the overrides', () => {
  test('accepts subjects, a list of what is required, head titles and report headings', () => {
    const config = parseConfigText(
      solnaWith((doc) => {
        doc.wording = { headTitles: { company: { sv: 'vd', en: 'CEO' } } };
        Object.assign(gate(doc), { subjects: { 'goals-request': { sv: 'Projektdirektiv: {{project.title}}', en: 'Project brief: {{project.title}}' } }, requires: [{ sv: 'Budget', en: 'Budget' }] });
        ((doc.obligations as Yaml[])[0]!.report as Yaml).headings = { projects: { sv: 'Projekt', en: 'Projects' } };
      }),
    );
    expect(obligationOf(config, 'gate-before-start').subjects['goals-request']?.sv).toBe('Projektdirektiv: {{project.title}}');
    expect(config.wording?.headTitles?.company?.en).toBe('CEO');
  });

  test('rejects a misspelt value with its place in the file and what is known', () => {
    const bad = solnaWith((doc) => (gate(doc).subjects = { 'goals-request': { sv: 'Mål före start: {{project.titel}}', en: 'Goals before start: {{project.title}}' } }));
    expect(() => parseConfigText(bad, 'solna.yaml')).toThrow(ConfigError);
    expect(() => parseConfigText(bad, 'solna.yaml')).toThrow(/obligations\[2\]\.subjects\.goals-request\.sv.*\{\{project\.titel\}\} is not a value of this mail; known: .*\{\{project\.title\}\}/);
  });

  test('rejects a subject for a mail the kind does not send', () => {
    const bad = solnaWith((doc) => (gate(doc).subjects = { 'goals-reqest': { sv: 'Mål: {{project.title}}', en: 'Goals: {{project.title}}' } }));
    expect(() => parseConfigText(bad, 'solna.yaml')).toThrow(/subjects/);
  });

  test('rejects a head title for a kind of unit there is not, and a subject in one language only', () => {
    expect(() => parseConfigText(solnaWith((doc) => (doc.wording = { headTitles: { bolag: { sv: 'vd', en: 'CEO' } } })))).toThrow(/wording\.headTitles/);
    expect(() => parseConfigText(solnaWith((doc) => (gate(doc).subjects = { 'goals-request': { sv: 'Mål: {{project.title}}' } })))).toThrow(/subjects\.goals-request\.en/);
  });

  test('`followup config check` says what is wrong, and exits 1', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'followup-words-')), 'solna.yaml');
    writeFileSync(file, solnaWith((doc) => (gate(doc).subjects = { 'start-without-approval': { sv: 'Startar utan mål: {{projekt.title}}', en: 'Starting without goals: {{project.title}}' } })));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['config', 'check', file], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/subjects\.start-without-approval\.sv.*\{\{projekt\.title\}\} is not a value of this mail/);
  });
});

test("a unit head's title: the unit's own, the organisation's for its kind, else by its kind", () => {
  expect(headTitle({ kind: 'company' }, undefined, 'sv')).toBe('verkställande direktör');
  expect(headTitle({ kind: 'company' }, undefined, 'en')).toBe('managing director');
  expect(headTitle({ kind: 'department' }, undefined, 'sv')).toBe('förvaltningschef');
  expect(headTitle({ kind: 'company' }, { headTitles: { company: { sv: 'vd', en: 'CEO' } } }, 'sv')).toBe('vd');
  expect(headTitle({ kind: 'company', headTitle: { sv: 'koncernchef', en: 'group CEO' } }, { headTitles: { company: { sv: 'vd', en: 'CEO' } } }, 'en')).toBe('group CEO');
});

test('what the gate requires: its own list, else the required questions', () => {
  const solna = parseConfigText(solnaText);
  expect(gateRequires(obligationOf(solna, 'gate-before-start'), 'en')).toEqual(['Purpose', 'Goals', 'Activities', "The partners' commitments", 'Timetable', 'Evaluation methods']);
  const own = parseConfigText(solnaWith((doc) => (gate(doc).requires = [{ sv: 'Budget', en: 'Budget' }])));
  expect(gateRequires(obligationOf(own, 'gate-before-start'), 'sv')).toEqual(['Budget']);
});

test('the registers a request names', () => {
  expect(registerNames(['seminars', 'projects'], 'sv')).toBe('seminarier och projekt');
  expect(registerNames(['seminars', 'projects'], 'en')).toBe('seminars and projects');
  expect(registerNames(['projects'], 'sv')).toBe('projekt');
});

test('numbers as the language writes them', () => {
  expect([formatCount('sv', 5800), formatCount('en', 5800), formatCount('sv', 12)]).toEqual(['5 800', '5,800', '12']);
  expect([formatPercent('sv', 1, 6), formatPercent('en', 1, 6), formatPercent('sv', 0, 0)]).toEqual(['17 %', '17%', '0 %']);
});

describe('plural forms for 0, 1 and 2, numbers formatted', () => {
  test('the overview and the cycle page', () => {
    expect([0, 1, 2].map((n) => pluralText('sv', 'ovUnitsLate', n, { n }))).toEqual(['0 enheter är sena.', '1 enhet är sen.', '2 enheter är sena.']);
    expect([0, 1, 2].map((n) => pluralText('en', 'ovUnitsLate', n, { n }))).toEqual(['0 units are late.', '1 unit is late.', '2 units are late.']);
    expect([0, 1, 2].map((n) => pluralText('en', 'ovProjectsAwaiting', n, { n }))).toEqual(['0 projects await goals from their owner', '1 project awaits goals from its owner', '2 projects await goals from their owner']);
    expect([0, 1, 2].map((n) => pluralText('sv', 'previewCount', n, { count: n }))).toEqual(['0 e-postmeddelanden.', '1 e-postmeddelande.', '2 e-postmeddelanden.']);
    expect(responseText('sv', 'responseSummary', 1, 1)).toBe('1 av 1 enhet har svarat (100 %).');
    expect(responseText('sv', 'responseSummary', 1, 6)).toBe('1 av 6 enheter har svarat (17 %).');
    expect(responseText('en', 'responseSummary', 4350, 5800)).toBe('4,350 of 5,800 units have answered (75%).');
    expect(responseText('sv', 'ovCycleOpen', 4350, 5800, { period: '2027' })).toBe('2027 pågår: 4 350 av 5 800 enheter har svarat (75 %).');
    expect(pluralText('sv', 'ovSeminarsHeld', 1, { n: 1, minimum: 1, year: 2027 })).toBe('1 av minst 1 seminarium 2027');
    const wheel = (language: 'sv' | 'en', dates: number, obligations: number) => pluralText(language, 'yearWheelDescription', obligations, { dates: pluralText(language, 'yearWheelDates', dates, { count: dates }), obligations }).split(',')[0];
    expect([wheel('en', 1, 1), wheel('en', 2, 1), wheel('en', 0, 2), wheel('sv', 1, 1), wheel('sv', 5800, 2)]).toEqual(['1 date in 1 obligation', '2 dates in 1 obligation', '0 dates in 2 obligations', '1 datum i 1 åtagande', '5 800 datum i 2 åtaganden']);
  });

  test("in a mail, by the mail's language", () => {
    const renderer = createRenderer(path.join(PROJECT_ROOT, 'templates'));
    const delivery = (language: 'sv' | 'en', answered: number, asked: number) =>
      renderer.mail('report-delivery', language, { org: { name: 'Solna stad' }, obligation: { title: 'Uppföljning' }, period: '2027', recipient: { name: 'Anna' }, secretariat: {}, summary: { answered, asked } }).text.split('\n')[2];
    expect(delivery('sv', 1, 1)).toContain('1 av 1 tillfrågade enhet har svarat.');
    expect(delivery('sv', 4350, 5800)).toContain('4 350 av 5 800 tillfrågade enheter har svarat.');
    expect(delivery('en', 1, 1)).toContain('1 of 1 unit asked has answered.');
    expect(delivery('en', 4350, 5800)).toContain('4,350 of 5,800 units asked have answered.');
  });
});

test("the report's project headings: its own where set, the product's else", () => {
  const solna = parseConfigText(solnaText);
  const register = { ...emptyRegister('solna'), projects: [{ id: 'p', title: 'Tartu', unitId: 'omsorg', plannedStart: '2027-02-01', partners: [], euFunded: false, stage: 'project' as const, state: 'ongoing' as const, startedWithoutApproval: false, registeredAt: '2027-01-01T00:00:00Z' }] };
  const labels = buildCompliance({ org: solna, rule: 'annual', period: '2027', register, language: 'sv', headings: { otherProjects: { sv: 'Övriga projekt', en: 'Other projects' } } }).labels;
  expect([labels.projects, labels.euProjects, labels.otherProjects]).toEqual(['Registrerade projekt', 'EU-projekt', 'Övriga projekt']);
});
