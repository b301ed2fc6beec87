/**
 * config/load.ts reads a file with js-yaml first (seven times as fast at 5,800 units) and keeps the
 * result when it is valid; only what it cannot read, or what is not valid, is read by `yaml`. That
 * is right only while both read every document without aliases to the same values: these examples
 * say where, and tell when an upgrade of either parser changes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { CORE_SCHEMA, load } from 'js-yaml';
import { parseDocument, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../config/environment';
import { parseConfigText } from '../../config/load';

const quick = (text: string) => load(text, { schema: CORE_SCHEMA, maxAliases: 0 });
function thorough(text: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length) throw doc.errors[0];
  return doc.toJS({ maxAliasCount: 100 });
}

const examples = path.join(PROJECT_ROOT, 'config/examples');

test.each(readdirSync(examples).filter((f) => f.endsWith('.yaml')))('%s reads the same with either parser', (file) => {
  const text = readFileSync(path.join(examples, file), 'utf8');
  expect(quick(text)).toEqual(thorough(text));
});

// Numbers, booleans, nulls, dates and durations as people write them, quoted and in blocks.
const SCALARS = ['0o14', '0x1F', '0b101', '010', '1_000', '+1', '-0', '1e3', '1E-3', '.5', '5.', '.inf', '-.Inf', '.NaN', '~', 'null', 'Null', 'TRUE', 'True', 'false', 'yes', 'no', 'on', 'off', 'y', '2026-01-01', '2026-01-01T10:00:00Z', '12:30', '1:20', 'PT10S', 'P1D', '1.10', '007', '9007199254740993', '"quoted"', "'it''s'", '"\\u00e5\\t"', 'Europe/Stockholm', 'a #comment', '>-\n  folded\n  text', '|\n  literal\n  text\n', '[a, 1, true]', '{a: 1, b: [x]}', 'plain\n  continued'];

test.each(SCALARS)('k: %s reads the same with either parser', (scalar) => {
  const text = `k: ${scalar}\n`;
  expect(quick(text)).toEqual(thorough(text));
});

test('any document yaml writes reads the same with either parser', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      const text = stringify({ value });
      expect(quick(text)).toEqual(thorough(text));
    }),
    { numRuns: 300 },
  );
});

test('a file with an alias, and a file with a mistake, are read by yaml: the alias counts and the mistake has its line', () => {
  const solna = readFileSync(path.join(examples, 'solna.yaml'), 'utf8');
  expect(() => quick(solna.replace(/^(\s+)timeZone: .*$/m, '$1timeZone: &zone Europe/Stockholm\n$1x: *zone'))).toThrow();
  expect(() => parseConfigText(solna.replace(/^(\s+timeZone: .*)$/m, '$1\n  timeZones: Europe/Stockholm'), 'solna.yaml')).toThrow(/organisation \(line \d+\): unknown key "timeZones"/);
});
