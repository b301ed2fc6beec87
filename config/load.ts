/** Reads and validates an organisation's YAML file, once per entry point. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { crossReferenceIssues, organisationConfigSchema, type OrganisationConfig } from './schema';

// `yaml` (72 modules) reads only a file the quick reader does not take, to tell its problems with
// their lines: a valid file, as every worker reads at its start, never needs it in memory.
// require, not import(): a worker run from source through tsx/cjs resolves require only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yamlModule = () => require('yaml') as typeof import('yaml');

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

type Located = { path: PropertyKey[]; message: string };

function lineOf(doc: Document | undefined, lines: LineCounter | undefined, path: PropertyKey[]): string {
  if (!doc || !lines) return '';
  // The deepest node that exists: for a missing key, its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return ` (line ${lines.linePos(node.range[0]).line})`;
  }
  return '';
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], doc?: Document, lines?: LineCounter): string[] {
  const located: Located[] = issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling)`;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = 'is required';
    return { path: [...issue.path], message };
  });
  return located.map((l) => `${formatPath(l.path)}${lineOf(doc, lines, l.path)}: ${l.message}`);
}

const MAX_CONFIG_BYTES = 2_000_000;

/**
 * A file without anchors and aliases, read by js-yaml: the same YAML 1.2 core schema as `yaml`'s,
 * and seven times as fast (0.1 s against 0.7 s for 5,800 units), which every command, a process of
 * its own, pays before it does anything. undefined for anything else: an alias, a tag, a syntax
 * error, several documents, a directive.
 */
function quickRead(textContent: string): unknown {
  // A directive (%YAML 1.1, %TAG) changes how `yaml` reads the file and not how js-yaml does: `yaml` alone.
  if (/^%/m.test(textContent)) return undefined;
  try {
    return loadYaml(textContent, { schema: CORE_SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
}

export function parseConfigText(textContent: string, file = '(config)'): OrganisationConfig {
  if (textContent.length > MAX_CONFIG_BYTES) throw new ConfigError(file, [`(file): is larger than ${MAX_CONFIG_BYTES} bytes`]);
  // A valid file read quickly is the whole answer; whatever is not is read again by `yaml`, whose
  // document has the line of each problem and caps aliases.
  const quick = quickRead(textContent);
  if (quick !== undefined) {
    const result = organisationConfigSchema.safeParse(quick);
    if (result.success && crossReferenceIssues(quick).length === 0) return deepFreeze(withOwnTemplates(result.data, file));
  }
  const { LineCounter, parseDocument } = yamlModule();
  const lines = new LineCounter();
  const doc = parseDocument(textContent, { prettyErrors: true, lineCounter: lines });
  if (doc.errors.length) {
    throw new ConfigError(file, doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`));
  }
  let raw: unknown;
  try {
    // Aliases are capped: a few lines of YAML can otherwise expand to gigabytes ("billion laughs").
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(file, [`YAML syntax: ${(err as Error).message.split('\n')[0]} (check the file's anchors (&name) and aliases (*name))`]);
  }
  const result = organisationConfigSchema.safeParse(raw);
  const problems = result.success ? [] : describeIssues(result.error.issues, doc, lines);
  for (const issue of crossReferenceIssues(raw)) problems.push(`${formatPath(issue.path)}${lineOf(doc, lines, issue.path)}: ${issue.message}`);
  if (!result.success || problems.length) throw new ConfigError(file, problems);
  return deepFreeze(withOwnTemplates(result.data, file));
}

/**
 * `organisation.templates` as the absolute folder beside the file it was written in: the worker,
 * the web and the CLI each read the templates from wherever they were started.
 */
function withOwnTemplates(config: OrganisationConfig, file: string): OrganisationConfig {
  const own = config.organisation.templates;
  if (own === undefined) return config;
  return { ...config, organisation: { ...config.organisation, templates: path.resolve(path.dirname(path.resolve(file)), own) } };
}

/**
 * The organisations a deployment serves: FOLLOWUP_CONFIG names one organisation's file, or a folder
 * of them (a shared service, a municipal association). Two files of one organisation are an error.
 */
export function loadConfigs(fileOrFolder: string): OrganisationConfig[] {
  let files = [fileOrFolder];
  if (existsSync(fileOrFolder) && statSync(fileOrFolder).isDirectory()) {
    files = readdirSync(fileOrFolder)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => path.join(fileOrFolder, f));
    if (!files.length) throw new ConfigError(fileOrFolder, ['the folder holds no organisation file (*.yaml)']);
  }
  const configs = files.map(loadConfigFile);
  const seen = new Map<string, string>();
  configs.forEach((c, i) => {
    const earlier = seen.get(c.organisation.id);
    if (earlier) throw new ConfigError(files[i]!, [`organisation.id: "${c.organisation.id}" is also the id in ${earlier}; each organisation has one file`]);
    seen.set(c.organisation.id, files[i]!);
  });
  return configs;
}

/** One organisation of a deployment: the only one, or the one named (`--org`). */
export function pickOrganisation(configs: OrganisationConfig[], orgId: string | undefined, source: string): OrganisationConfig {
  if (orgId === undefined && configs.length === 1) return configs[0]!;
  const found = configs.find((c) => c.organisation.id === orgId);
  if (found) return found;
  const known = configs.map((c) => c.organisation.id).join(', ');
  throw new ConfigError(source, [orgId === undefined ? `serves several organisations (${known}); name one with --org` : `has no organisation "${orgId}"; it has ${known}`]);
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
