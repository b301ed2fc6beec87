/**
 * Random and hostile input to the config loader and the answer validator: they only ever return
 * clear errors, never crash, hang or accept what they should not.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { checkAnswer, checkDraft, DEFAULT_MAX_LENGTH } from '../../domain/answers';
import type { Questionnaire } from '../../domain/types';
import { SOLNA_CONFIG } from '../helpers/environment';

const solnaText = readFileSync(SOLNA_CONFIG, 'utf8');
const solna = parseConfigText(solnaText);
const questionnaire = obligationOf(solna, 'periodic-data-call').questionnaire as Questionnaire;

function loadsOrExplains(text: string): void {
  const started = Date.now();
  try {
    parseConfigText(text, 'fuzz.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^[\w[\].()\- ]*(\(line \d+\))?: |^YAML syntax: |^\(file\)/);
  }
  expect(Date.now() - started).toBeLessThan(2_000);
}

describe('the config loader', () => {
  test('arbitrary text gives a config or a ConfigError, quickly', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2_000 }), loadsOrExplains), { numRuns: 300 });
  });

  test('the example with random lines cut out or replaced gives a config or a ConfigError', () => {
    const lines = solnaText.split('\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.oneof(fc.constant(''), fc.string({ maxLength: 60 }))), { maxLength: 5 }), (edits) => {
        const copy = [...lines];
        for (const [at, replacement] of edits) copy[at] = replacement;
        loadsOrExplains(copy.join('\n'));
      }),
      { numRuns: 300 },
    );
  });

  test('random values in place of valid ones are refused with the path, never accepted out of bounds', () => {
    const raw = JSON.parse(JSON.stringify(solna)) as Record<string, unknown>;
    const anyValue = fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }));
    const paths: (string | number)[][] = [
      ['organisation', 'id'],
      ['organisation', 'timeZone'],
      ['units', 0, 'contacts', 0, 'email'],
      ['units', 1, 'name', 'sv'],
      ['obligations', 0, 'calendar', 'deadlineAfterPeriodEnd'],
      ['obligations', 0, 'questionnaire', 0, 'maxLength'],
      ['bodies', 0, 'recipients'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), anyValue, (path, value) => {
        const doc = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        let node = doc as Record<string | number, unknown>;
        for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
        node[path[path.length - 1]!] = value;
        try {
          const cfg = parseConfigText(stringify(doc), 'fuzz.yaml');
          // Accepted: then it must still be within the schema's bounds.
          expect(cfg.organisation.id).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
          expect(cfg.units[1]!.name.sv.length).toBeLessThanOrEqual(160);
          expect(cfg.units[0]!.contacts[0]!.email).toContain('@');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a billion-laughs alias bomb and an oversized file are refused', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(() => parseConfigText(bomb, 'bomb.yaml')).toThrow(ConfigError);
    expect(() => parseConfigText('x'.repeat(2_000_001), 'big.yaml')).toThrow(/larger than/);
  });
});

describe('the answer validator', () => {
  const fieldIds = questionnaire.map((f) => f.id);
  const answerLike = fc.dictionary(
    fc.oneof(fc.constantFrom(...fieldIds), fc.string({ maxLength: 20 })),
    fc.oneof(fc.string({ maxLength: 6_000 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 2 })),
    { maxKeys: 8 },
  );

  test('random answers are accepted only within the questionnaire, else every problem is named', () => {
    fc.assert(
      fc.property(answerLike, (input) => {
        const check = checkAnswer(questionnaire, input);
        if (check.ok) {
          for (const field of questionnaire) {
            const value = check.values[field.id];
            if (field.required) expect(value).toBeDefined();
            if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(field.maxLength ?? DEFAULT_MAX_LENGTH);
          }
          expect(Object.keys(check.values).every((k) => fieldIds.includes(k))).toBe(true);
        } else {
          expect(check.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('drafts keep what was typed but nothing outside the questionnaire or its lengths', () => {
    fc.assert(
      fc.property(answerLike, (input) => {
        const check = checkDraft(questionnaire, input);
        if (check.ok) {
          for (const [k, v] of Object.entries(check.values)) {
            expect(fieldIds).toContain(k);
            expect(v.length).toBeLessThanOrEqual(questionnaire.find((f) => f.id === k)!.maxLength ?? DEFAULT_MAX_LENGTH);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  test('anything that is not an object is refused without a crash', () => {
    fc.assert(fc.property(fc.anything(), (input) => {
      const result = checkAnswer(questionnaire, input);
      expect(typeof result.ok).toBe('boolean');
    }), { numRuns: 300 });
  });
});
