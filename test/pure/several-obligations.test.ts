/**
 * Several obligations of one kind in one organisation, each with its own words: two gates (one
 * for international projects, one checking that EU co-funding was considered), each with its own
 * templates and its own line in the report; registrations say which one they come under.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildCompliance } from '../../activities/compliance';
import { emptyRegister } from '../../activities/register-reader';
import { checkTemplates, templatesOf } from '../../activities/template-check';
import { registrationObligation } from '../../client/registers';
import { parseConfigText } from '../../config/load';
import { PROJECT_ROOT } from '../../config/environment';

const solna = readFileSync(path.join(PROJECT_ROOT, 'config/examples/solna.yaml'), 'utf8');
const withSecondGate = `${solna}
  - id: cofunding-check
    kind: gate-before-start
    before: { sv: innan projektet söker finansiering, en: before the project applies for funding }
    title: { sv: Medfinansiering prövad, en: Co-funding considered }
    source: Möjligheten till extern medfinansiering ska alltid prövas innan ett projekt startar.
    reportLine: { sv: Projekt som startat utan prövad medfinansiering, en: Projects started without co-funding considered }
    register: projects
    templates: { goals-request: cofunding-request }
    questionnaire:
      - { id: considered, type: confirm, label: { sv: Extern medfinansiering har prövats, en: External co-funding has been considered } }
`;

test('two gates, each with its own templates, its own line in the report, and registrations that name theirs', () => {
  const config = parseConfigText(withSecondGate, 'solna.yaml');
  const second = config.obligations.find((o) => o.id === 'cofunding-check')!;
  expect(templatesOf(second).mails).toContain('cofunding-request');
  expect(templatesOf(second).mails).toContain('goals-reminder');
  // Its own request template is not there yet: config check says so, naming the obligation.
  expect(checkTemplates(config, path.join(PROJECT_ROOT, 'templates'))).toEqual([
    'cofunding-check: templates/mail/sv/cofunding-request.txt.hbs is missing',
    'cofunding-check: templates/mail/en/cofunding-request.txt.hbs is missing',
  ]);

  expect(() => registrationObligation(config, 'gate-before-start')).toThrow('Det finns flera åtaganden av det här slaget; ange vilket: project-goals, cofunding-check.');
  expect(registrationObligation(config, 'gate-before-start', 'cofunding-check')).toBe('cofunding-check');
  expect(() => registrationObligation(config, 'gate-before-start', 'annual-follow-up')).toThrow(/is a periodic-data-call, not a gate-before-start/);

  const project = (id: string, obligationId: string | undefined) => ({
    id,
    obligationId,
    title: id,
    unitId: 'omsorg',
    plannedStart: '2027-03-01',
    partners: [],
    euFunded: false,
    stage: 'project' as const,
    state: 'awaiting-goals' as const,
    startedWithoutApproval: true,
    registeredAt: '2027-01-01T00:00:00Z',
  });
  // A project registered before there could be several gates names none: it is the first gate's.
  const register = { ...emptyRegister('solna'), projects: [project('a', 'project-goals'), project('b', 'cofunding-check'), project('c', undefined)] };
  const lines = buildCompliance({ org: config, rule: 'annual', period: '2027', register, language: 'sv' }).lines;
  expect(lines.filter((l) => l.label.startsWith('Projekt som startat'))).toEqual([
    { label: 'Projekt som startat utan godkända mål', value: '2: a, c', attention: true },
    { label: 'Projekt som startat utan prövad medfinansiering', value: '1: b', attention: true },
  ]);
});
