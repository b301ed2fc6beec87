import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../cli/program';
import { ConfigError, loadConfigFile, parseConfigText } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { questionnaireOf } from '../../domain/questionnaire';
import { PROJECT_ROOT } from '../../config/environment';
import { readEnvironment } from '../../config/environment';

const example = path.join(PROJECT_ROOT, 'config/examples/solna.yaml');
const broken = path.join(PROJECT_ROOT, 'test/fixtures/solna-broken.yaml');

async function check(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['config', 'check', file], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test("Solna's example holds its three required contents and six units on a reserved domain", () => {
  const solna = loadConfigFile(example);
  expect(Object.isFrozen(solna.units[0])).toBe(true);
  expect(solna.units).toHaveLength(6);
  expect(solna.units.flatMap((u) => [...u.contacts, u.head]).every((p) => p.email.endsWith('@solna.example'))).toBe(true);
  const followUp = obligationOf(solna, 'periodic-data-call');
  expect(questionnaireOf(followUp).filter((f) => f.required).map((f) => f.id)).toEqual(['eu_projects', 'other_work', 'effects']);
  expect(followUp.source).toContain('redovisas i samband med årsredovisningen');
});

test('config check accepts the example and exits 0', async () => {
  const result = await check(example);
  expect(result.code).toBe(0);
  expect(result.out).toContain('OK — Solna stad, 6 units, 2 bodies, obligations: annual-follow-up');
});

test.each([
  ['solna', 'Solna stad', 'annual-follow-up, international-seminar, project-goals'],
  ['sodertalje', 'Södertälje kommun', 'work-plan, eu-reporting, eu-funding-check, council-goals'],
  ['boras', 'Borås Stad', 'international-activities, policy-revision'],
  ['falun', 'Falu kommun', 'network-report, agreement-review, twin-town-visits'],
  ['mjolby-miljo', 'Mjölby kommun', 'annual-follow-up, strategy-update'],
  ['vilhelmina-jamstalldhet', 'Vilhelmina kommun', 'annual-follow-up, plan-revision'],
  ['kungalv', 'Kungälvs kommun', 'tertial-report, policy-revision'],
])('the example of %s passes config check, each obligation quoting its policy', async (name, organisation, obligations) => {
  const file = path.join(PROJECT_ROOT, `config/examples/${name}.yaml`);
  const result = await check(file);
  expect(result.code).toBe(0);
  expect(result.out).toMatch(new RegExp(`OK — ${organisation}, \\d units, \\d bodies, obligations: ${obligations}$`));
  for (const o of loadConfigFile(file).obligations) expect(o.source.length).toBeGreaterThan(40);
});

test('config check names every problem of a broken file with its path and line, and exits 1', async () => {
  const result = await check(broken);
  expect(result.code).toBe(1);
  expect(result.err.split('\n').slice(1)).toEqual([
    '  - organisation.timeZone (line 7): must be an IANA time zone such as Europe/Stockholm',
    '  - units[0].contacts[0].email (line 32): must be an e-mail address such as namn@solna.example',
    '  - units[1] (line 34): unknown key "phone" (check the spelling)',
    '  - obligations[0].calendar.escalationAfterDeadline (line 81): must be an ISO-8601 duration such as P14D (14 days) or P1M (one month)',
    "  - obligations[0].questionnaire[0].type (line 85): Invalid discriminator value. Expected 'section' | 'text' | 'textarea' | 'number' | 'boolean' | 'date' | 'choice' | 'scale' | 'confirm' | 'file'",
    '  - obligations[0].report.recipients[1] (line 121): no body with id "kommunstyrelsen"; known: council, international-committee',
  ]);
});

test('a missing file, broken YAML and an empty file each get a clear message', async () => {
  expect((await check('/nonexistent/solna.yaml')).err).toContain('cannot read the file (ENOENT); check the path or set FOLLOWUP_CONFIG');
  expect(() => parseConfigText('organisation: [\n', 'x.yaml')).toThrow(/YAML syntax/);
  expect(() => parseConfigText('', 'empty.yaml')).toThrow(ConfigError);
  try {
    parseConfigText('organisation: {id: solna}\n', 'partial.yaml');
  } catch (err) {
    expect((err as ConfigError).problems).toEqual(
      expect.arrayContaining(['organisation.name (line 1): is required', 'secretariat (line 1): is required', 'units (line 1): is required']),
    );
  }
});

test('duplicate ids are refused', () => {
  const text = readFileSync(example, 'utf8').replace('id: kultur-fritid', 'id: omsorg');
  expect(() => parseConfigText(text, 'dup.yaml')).toThrow('units[2].id (line 52): "omsorg" is used twice; ids must be unique');
});

test('a question cannot take a name the answer form uses itself (its answer would never arrive)', () => {
  const text = readFileSync(example, 'utf8').replace('- id: eu_projects', '- id: action');
  expect(() => parseConfigText(text, 'own-name.yaml')).toThrow('is a name the answer form uses itself (action, lang, submission): choose another id');
});

test('a file with a YAML directive is read by the YAML 1.2 reader alone, as written', () => {
  // Under %YAML 1.1 a number with a leading zero is octal: the same file read two ways must not differ silently.
  const text = `%YAML 1.1\n---\n${readFileSync(example, 'utf8')}`;
  expect(parseConfigText(text, 'directive.yaml').organisation.id).toBe('solna');
});

test('hosts come from the environment, checked once', () => {
  expect(readEnvironment({}).SMTP_URL).toBe('smtp://127.0.0.1:2525');
  expect(() => readEnvironment({ SMTP_URL: 'mail.solna.example' })).toThrow('SMTP_URL: must be a URL starting with smtp:// or smtps://');
  expect(readEnvironment({}).FOLLOWUP_METRICS_ADDRESS).toBeUndefined();
  expect(readEnvironment({ FOLLOWUP_METRICS_ADDRESS: '127.0.0.1:9464' }).FOLLOWUP_METRICS_ADDRESS).toBe('127.0.0.1:9464');
  expect(() => readEnvironment({ FOLLOWUP_METRICS_ADDRESS: 'http://127.0.0.1:9464/metrics' })).toThrow('FOLLOWUP_METRICS_ADDRESS: must be host:port, for example 127.0.0.1:9464');
});
