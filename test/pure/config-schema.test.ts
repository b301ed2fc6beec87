/**
 * The JSON Schema editors use (config/organisation.schema.json) and the configuration reference
 * (docs/configuration.md) are what `npm run config-schema` writes from the zod schema now, every
 * example names the JSON Schema and passes it and the product's own check, and a mistake a person
 * makes while writing a policy is caught by the JSON Schema too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { parse } from 'yaml';
import { loadConfigFile } from '../../config/load';
import { configJsonSchemaText, configReference, EXAMPLES_FOLDER, REFERENCE_FILE, SCHEMA_FILE } from '../../scripts/config-schema';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = [
  ...readdirSync(EXAMPLES_FOLDER)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(EXAMPLES_FOLDER, f)),
  path.join(ROOT, 'test/fixtures/workspace.yaml'),
];

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
// The schema's "email" format is checked by its pattern as well; ajv's formats are a package of their own.
const validate = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, validateFormats: false }).compile(schema);
const errorsOf = (config: unknown): ErrorObject[] => (validate(config) ? [] : [...(validate.errors ?? [])]);
interface Doc {
  organisation: Record<string, unknown>;
  secretariat: Record<string, unknown>;
  units: Record<string, unknown>[];
  obligations: { calendar: Record<string, unknown> }[];
}
const solna = () => parse(readFileSync(path.join(EXAMPLES_FOLDER, 'solna.yaml'), 'utf8')) as Doc;

test('the committed JSON Schema and configuration reference are what npm run config-schema writes now', () => {
  const stale = (file: string, generated: string) => (readFileSync(file, 'utf8') === generated ? 'current' : `${path.relative(ROOT, file)} is stale: run npm run config-schema`);
  expect(stale(SCHEMA_FILE, configJsonSchemaText())).toBe('current');
  expect(stale(REFERENCE_FILE, configReference())).toBe('current');
  const reference = readFileSync(REFERENCE_FILE, 'utf8');
  // Every example policy is listed, and every top-level section and obligation kind has its heading.
  for (const file of EXAMPLES.filter((f) => f.startsWith(EXAMPLES_FOLDER))) expect(reference).toContain(`(../config/examples/${path.basename(file)})`);
  for (const section of Object.keys(schema.properties as object)) expect(reference).toContain(`\n## ${section}\n`);
  for (const kind of ['periodic-data-call', 'minimum-occurrences', 'gate-before-start', 'revision', 'expiry-review', 'event-notices', 'yearly-goals']) expect(reference).toContain(`\n### kind: ${kind}\n`);
  expect(reference).toContain('| `organisation.timeZone` | text (at most 64 characters) | `"Europe/Stockholm"` |');
});

test.each(EXAMPLES.map((f) => [path.relative(ROOT, f), f]))('%s names the JSON Schema, passes it and passes config check', (_name, file) => {
  const text = readFileSync(file, 'utf8');
  const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
  expect(modeline).not.toBeNull();
  expect(path.resolve(path.dirname(file), modeline![1]!)).toBe(SCHEMA_FILE);
  expect(existsSync(path.resolve(path.dirname(file), modeline![1]!))).toBe(true);
  expect(errorsOf(parse(text))).toEqual([]);
  expect(() => loadConfigFile(file)).not.toThrow();
});

test('a misspelled key and a wrong type are refused by the JSON Schema, with where they are', () => {
  const misspelled = solna();
  misspelled.organisation.timezone = misspelled.organisation.timeZone;
  delete misspelled.organisation.timeZone;
  expect(errorsOf(misspelled)).toEqual([expect.objectContaining({ instancePath: '/organisation', keyword: 'additionalProperties', params: { additionalProperty: 'timezone' } })]);

  const misspelledInAnObligation = solna();
  misspelledInAnObligation.obligations[0]!.calendar.remindersBeforeDeadLine = ['P7D'];
  expect(errorsOf(misspelledInAnObligation)).toContainEqual(
    expect.objectContaining({ instancePath: '/obligations/0/calendar', keyword: 'additionalProperties', params: { additionalProperty: 'remindersBeforeDeadLine' } }),
  );

  const wrongType = solna();
  wrongType.obligations[0]!.calendar.workingDays = 'yes';
  wrongType.units[0]!.contacts = 'kontakt@solna.example';
  const errors = errorsOf(wrongType);
  expect(errors).toContainEqual(expect.objectContaining({ instancePath: '/obligations/0/calendar/workingDays', keyword: 'type', params: { type: 'boolean' } }));
  expect(errors).toContainEqual(expect.objectContaining({ instancePath: '/units/0/contacts', keyword: 'type', params: { type: 'array' } }));

  const badValue = solna();
  badValue.organisation.language = 'de';
  badValue.secretariat.email = 'not an address';
  expect(errorsOf(badValue).map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(expect.arrayContaining(['/organisation/language enum', '/secretariat/email pattern']));
});
