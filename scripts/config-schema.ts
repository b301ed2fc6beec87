/**
 * Writes config/organisation.schema.json (a JSON Schema of an organisation's YAML file, for editors)
 * and docs/configuration.md (the configuration reference) from the one zod schema of the file,
 * `organisationConfigSchema` in config/schema.ts. `npm run config-schema` runs it;
 * test/pure/config-schema.test.ts fails when either committed file differs from what it writes.
 *
 * What the JSON Schema cannot say: zod's refinements (`.refine`, `.superRefine`: an ISO-8601
 * duration, an IANA time zone, one-line names, a choice field's options, min ≤ max, contact details
 * only with `contactDetails: true`) and the checks across the file (unique ids, references to
 * bodies, units and lists; config/schema.ts `crossReferenceIssues`) are left out: z.toJSONSchema
 * drops refinements by itself, and `unrepresentable: 'any'` turns anything else it cannot express
 * into "any value" instead of failing (the schema has no z.custom or z.transform today, so nothing
 * becomes "any"). Texts are described as written, before zod's `.trim()` (`io: 'input'`), which also
 * makes every setting with a default optional. So the JSON Schema
 * is looser than `followup config check`, never stricter: a file the product accepts always passes it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { organisationConfigSchema } from '../config/schema';

const ROOT = path.join(__dirname, '..');
export const SCHEMA_FILE = path.join(ROOT, 'config', 'organisation.schema.json');
export const REFERENCE_FILE = path.join(ROOT, 'docs', 'configuration.md');
export const EXAMPLES_FOLDER = path.join(ROOT, 'config', 'examples');

type Json = Record<string, unknown>;
type JsonSchema = Json & {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
};

export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(organisationConfigSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: "Policy follow-up: an organisation's configuration",
    description:
      "One organisation's YAML file: who answers, who receives the reports, and every obligation of its policy. Generated from config/schema.ts by `npm run config-schema`; `followup config check` checks more (durations, time zones, references between sections).",
    ...rest,
  };
}

export const configJsonSchemaText = () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`;

// ---------------------------------------------------------------------------------------------
// The reference: one table per top-level section, one row per setting.

const code = (value: string) => (value.includes('`') ? `\`\` ${value} \`\`` : `\`${value}\``);
/** A table cell: no line breaks, and a pipe does not end the cell. */
const cell = (value: string) => value.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
const literal = (value: unknown) => code(JSON.stringify(value));
/** Running text from the schema: outside code spans, "<language>" would be read as an HTML tag. */
const prose = (value: string) =>
  value
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');

function range(min: unknown, max: unknown, unit: string): string {
  if (typeof min === 'number' && typeof max === 'number') return min === max ? `${min} ${unit}` : `${min}–${max} ${unit}`;
  if (typeof max === 'number') return `at most ${max} ${unit}`;
  if (typeof min === 'number') return `at least ${min} ${unit}`;
  return '';
}

function isLocalized(s: JsonSchema): boolean {
  const keys = Object.keys(s.properties ?? {});
  return s.type === 'object' && keys.length === 2 && keys.includes('sv') && keys.includes('en') && s.properties!.sv!.type === 'string';
}

/** The alternatives of a union, or none. */
const alternatives = (s: JsonSchema): JsonSchema[] => s.oneOf ?? s.anyOf ?? [];

/** The property whose constant tells a union's objects apart (`kind`, `type`), if there is one. */
function discriminator(options: JsonSchema[]): string | undefined {
  if (!options.length || !options.every((o) => o.type === 'object')) return undefined;
  const keys = Object.keys(options[0]!.properties ?? {});
  return keys.find((k) => options.every((o) => o.properties?.[k]?.const !== undefined || o.properties?.[k]?.enum !== undefined));
}

function typeOf(s: JsonSchema): string {
  if (isLocalized(s)) {
    const sv = s.properties!.sv!;
    const length = range(sv.minLength, sv.maxLength, 'characters');
    return `text in Swedish and English (\`sv\`, \`en\`)${length ? `, ${length} each` : ''}`;
  }
  const options = alternatives(s);
  const tag = discriminator(options);
  if (tag) return `object, by its \`${tag}\``;
  if (options.length) return options.map((o) => (o.const === undefined ? typeOf(o) : literal(o.const))).join(', or ');
  switch (s.type) {
    case 'string': {
      if (s.const !== undefined) return 'text';
      if (s.format === 'email') return `e-mail address${s.maxLength ? `, at most ${String(s.maxLength)} characters` : ''}`;
      const length = range(s.minLength, s.maxLength, 'characters');
      return `text${length ? ` (${length})` : ''}`;
    }
    case 'integer':
    case 'number': {
      const bounds = range(s.minimum, s.maximum, '').trim();
      return `${s.type === 'integer' ? 'whole number' : 'number'}${bounds ? ` (${bounds})` : ''}`;
    }
    case 'boolean':
      return '`true` or `false`';
    case 'array': {
      const count = range(s.minItems, s.maxItems, 'items');
      const item = s.items ? typeOf(s.items) : 'anything';
      return `list${count ? ` (${count})` : ''} of ${item}`;
    }
    case 'object':
      if (s.properties) return 'object';
      if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map of names to ${typeOf(s.additionalProperties)}`;
      return 'object';
    default:
      return 'any value';
  }
}

function allowed(s: JsonSchema): string {
  if (s.const !== undefined) return literal(s.const);
  if (s.enum) return s.enum.map(literal).join(', ');
  const options = alternatives(s);
  if (discriminator(options)) return '';
  if (options.length) return options.filter((o) => o.const === undefined).map(allowed).filter(Boolean).join('; or ');
  if (s.type === 'array' && s.items) {
    const items = allowed(s.items);
    return items ? `each: ${items}` : '';
  }
  if (s.type === 'object' && s.propertyNames) {
    const names = s.propertyNames.enum ? s.propertyNames.enum.map(literal).join(', ') : s.propertyNames.pattern ? `matching ${code(String(s.propertyNames.pattern))}` : '';
    return names ? `names: ${names}` : '';
  }
  if (typeof s.pattern === 'string' && s.format !== 'email') return `matching ${code(s.pattern)}`;
  return '';
}

interface Row {
  path: string;
  required: boolean;
  schema: JsonSchema;
  note?: string;
}

/** The schema without its own description and default: what two places of the file share. */
const shape = (s: JsonSchema) => {
  const { description: _d, default: _default, ...rest } = s;
  return JSON.stringify(rest);
};

/** Walks a schema into rows; an object documented before is named, not repeated. */
function rows(s: JsonSchema, at: string, required: boolean, seen: Map<string, string>, out: Row[]): void {
  const key = shape(s);
  const composite = (s.type === 'object' && !isLocalized(s) && Object.keys(s.properties ?? {}).length > 1) || (s.type === 'array' && s.items?.type === 'object' && !isLocalized(s.items));
  const before = composite ? seen.get(key) : undefined;
  if (before) {
    out.push({ path: at, required, schema: s, note: `as ${code(before)} above` });
    return;
  }
  if (composite) seen.set(key, at);
  out.push({ path: at, required, schema: s });
  if (isLocalized(s)) return;
  if (s.type === 'object' && s.properties) {
    for (const [name, child] of Object.entries(s.properties)) rows(child, `${at}.${name}`, (s.required ?? []).includes(name), seen, out);
  } else if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    walkValue(s.additionalProperties, `${at}.<name>`, seen, out);
  } else if (s.type === 'array' && s.items) {
    walkValue(s.items, `${at}[]`, seen, out);
  } else if (alternatives(s).length) {
    walkValue(s, at, seen, out);
  }
}

/** A list's item or a map's value: its properties, or each alternative of a union by its discriminator. */
function walkValue(s: JsonSchema, at: string, seen: Map<string, string>, out: Row[]): void {
  const options = alternatives(s);
  const tag = discriminator(options);
  if (tag) {
    for (const option of options) {
      const value = option.properties![tag]!.const ?? option.properties![tag]!.enum;
      const label = Array.isArray(value) ? `${String(value[0])}, …` : String(value);
      const before = seen.get(shape(option));
      if (before) {
        out.push({ path: `${at}(${tag}: ${label})`, required: false, schema: option, note: `as ${code(before)} above` });
        continue;
      }
      seen.set(shape(option), `${at}(${tag}: ${label})`);
      for (const [name, child] of Object.entries(option.properties!)) rows(child, `${at}(${tag}: ${label}).${name}`, (option.required ?? []).includes(name), seen, out);
    }
    return;
  }
  if (options.length) {
    for (const option of options) if (option.type === 'object' || option.type === 'array') walkValue(option, at, seen, out);
    return;
  }
  if (s.type === 'object' && s.properties && !isLocalized(s)) {
    const before = seen.get(shape(s));
    if (before) {
      out.push({ path: at, required: true, schema: s, note: `as ${code(before)} above` });
      return;
    }
    seen.set(shape(s), at);
    for (const [name, child] of Object.entries(s.properties)) rows(child, `${at}.${name}`, (s.required ?? []).includes(name), seen, out);
  } else if (s.type === 'array' && s.items) {
    walkValue(s.items, `${at}[]`, seen, out);
  }
}

function table(list: Row[]): string[] {
  const lines = ['| Setting | Type | Default | Allowed values | Description |', '|---|---|---|---|---|'];
  for (const row of list) {
    const name = `${code(row.path)}${row.required ? ' (required)' : ''}`;
    const fallback = row.schema.default === undefined ? '' : literal(row.schema.default);
    const description = [prose(row.schema.description ?? ''), row.note ? `(${row.note})` : ''].filter(Boolean).join(' ');
    lines.push(`| ${[name, typeOf(row.schema), fallback, allowed(row.schema), description].map(cell).join(' | ')} |`);
  }
  return lines;
}

/** The first comment lines of an example file, as one line: what it models. */
function exampleSummary(file: string): string {
  const comments: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('# yaml-language-server:')) continue;
    if (!line.startsWith('#')) break;
    comments.push(line.replace(/^#\s?/, '').trim());
    if (/[.:]$/.test(line)) break;
  }
  return comments.join(' ').replace(/\s+/g, ' ').trim();
}

export function configReference(schema: JsonSchema = configJsonSchema()): string {
  const seen = new Map<string, string>();
  const top = schema.properties ?? {};
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run config-schema` from config/schema.ts; do not edit by hand. -->',
    '',
    "Each organisation has one YAML file: who answers, who receives the reports, and every obligation of its policy. `FOLLOWUP_CONFIG` names the file (or a folder of several organisations' files), and `followup config check <file>` checks it and names every problem with its path and line.",
    '',
    'This page is generated from the zod schema of the file (`config/schema.ts`), as is the JSON Schema `config/organisation.schema.json`; after a change to the schema, run `npm run config-schema` to write both again (`test/pure/config-schema.test.ts` fails while they are stale).',
    '',
    'An editor that knows JSON Schema completes and checks the file as it is written. In VS Code with the YAML extension (Red Hat), the first line of every example names the schema:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=../organisation.schema.json',
    '```',
    '',
    "The JSON Schema checks keys, types, lengths, allowed values and patterns. `followup config check` checks more: ISO-8601 durations (`P14D`, `P1M`), time zones, one-line names, unique ids and references between sections (a report's recipients are bodies, a section's `repeatFor` is one of the obligation's lists).",
    '',
    'How to read the tables: `a.b` is the key `b` inside `a`; `a[]` is each item of the list `a`; `a.<name>` is each entry of a map whose keys you choose; `(kind: x)` applies to the items whose `kind` is `x`. A setting marked (required) must be given when its parent is; one with a default may be left out. Unknown keys are errors.',
    '',
    '## Examples',
    '',
    'Complete policies in `config/examples/`, each quoting the sentence of the policy every obligation comes from:',
    '',
  ];
  for (const file of readdirSync(EXAMPLES_FOLDER).filter((f) => f.endsWith('.yaml')).sort()) {
    out.push(`- [\`${file}\`](../config/examples/${file}): ${prose(exampleSummary(path.join(EXAMPLES_FOLDER, file)))}`);
  }
  out.push('', '## Sections', '');
  for (const name of Object.keys(top)) out.push(`- [\`${name}\`](#${name.toLowerCase()})${(schema.required ?? []).includes(name) ? ' (required)' : ''}`);
  for (const [name, section] of Object.entries(top)) {
    out.push('', `## ${name}`, '');
    if (section.description) out.push(prose(section.description), '');
    const options = section.type === 'array' && section.items ? alternatives(section.items) : [];
    const tag = discriminator(options);
    if (!tag) {
      const list: Row[] = [];
      rows(section, name, (schema.required ?? []).includes(name), seen, list);
      // The section's own description stands above its table.
      list[0] = { ...list[0]!, schema: { ...list[0]!.schema, description: undefined } };
      out.push(...table(list));
      continue;
    }
    out.push(...table([{ path: name, required: (schema.required ?? []).includes(name), schema: { ...section, description: undefined } }]));
    out.push('', `Each item of \`${name}\` is one of these, by its \`${tag}\`:`, '');
    const labels = options.map((o) => String(o.properties![tag]!.const));
    for (const label of labels) out.push(`- [\`${label}\`](#${tag}-${label})`);
    options.forEach((option, i) => {
      out.push('', `### ${tag}: ${labels[i]}`, '');
      if (option.description) out.push(prose(option.description), '');
      const list: Row[] = [];
      for (const [key, child] of Object.entries(option.properties!)) rows(child, `${name}[].${key}`, (option.required ?? []).includes(key), seen, list);
      out.push(...table(list));
    });
  }
  return `${out.join('\n')}\n`;
}

if (require.main === module) {
  const schema = configJsonSchema();
  writeFileSync(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
  writeFileSync(REFERENCE_FILE, configReference(schema));
  console.log(`wrote ${path.relative(ROOT, SCHEMA_FILE)} and ${path.relative(ROOT, REFERENCE_FILE)}`);
}
