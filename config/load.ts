/** Reads and validates an organisation's YAML file, once per entry point. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { organisationConfigSchema, type OrganisationConfig } from './schema';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** `units[3].contact.email`: the path as a person finds it in the YAML file. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number' || /^\d+$/.test(String(part))) out += `[${String(part)}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(file)';
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path: PropertyKey[] = issue.path.flatMap((p): PropertyKey[] => (typeof p === 'string' ? p.split('.') : [p]));
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is required';
    return `${formatPath(path)}: ${message}`;
  });
}

const MAX_CONFIG_BYTES = 2_000_000;

export function parseConfigText(textContent: string, file = '(config)'): OrganisationConfig {
  if (textContent.length > MAX_CONFIG_BYTES) throw new ConfigError(file, [`(file): is larger than ${MAX_CONFIG_BYTES} bytes`]);
  const doc = parseDocument(textContent, { prettyErrors: true });
  if (doc.errors.length) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`));
  }
  const result = organisationConfigSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!result.success) throw new ConfigError(file, describeIssues(result.error.issues));
  return deepFreeze(result.data);
}

export function loadConfigFile(file: string): OrganisationConfig {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path or set FOLLOWUP_CONFIG`]);
  }
  return parseConfigText(content, file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
