/**
 * A unit's contact may be a shared mailbox given by its address alone: the config takes it, and
 * its address stands in for the name, so a greeting or a mail's To never lacks one. A person still
 * needs an address, and a head or a body's recipient still a name.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, parseConfigText } from '../../config/load';
import { SOLNA_CONFIG } from '../helpers/environment';

const solna = readFileSync(SOLNA_CONFIG, 'utf8');

test("a unit's contact given by its address alone is a contact, named by its address", () => {
  const text = solna.replace('      - { name: Sofia Bergström, email: sofia.bergstrom@solna.example }', '      - { email: kultur.internationellt@solna.example }');
  expect(text).not.toBe(solna);
  const unit = parseConfigText(text).units.find((u) => u.id === 'kultur-fritid')!;
  expect(unit.contacts).toEqual([{ name: 'kultur.internationellt@solna.example', email: 'kultur.internationellt@solna.example' }]);
});

test('a contact without an address, or a head without a name, is refused', () => {
  expect(() => parseConfigText(solna.replace('      - { name: Sofia Bergström, email: sofia.bergstrom@solna.example }', '      - { name: Sofia Bergström }'))).toThrow(ConfigError);
  expect(() => parseConfigText(solna.replace('    head: { name: Johan Nyberg, email: johan.nyberg@solna.example }', '    head: { email: johan.nyberg@solna.example }'))).toThrow(ConfigError);
});
