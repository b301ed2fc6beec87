/**
 * The cluster's environment as a file (.data/cluster/cluster.env): KEY='value' lines that a shell
 * sources (set -a; . FILE; set +a) so the CLI reaches the same Temporal server and records
 * database as the cluster's processes, and that the cluster test reads to start a web of its own.
 */
import { readFileSync } from 'node:fs';

export function envFileText(vars: Record<string, string>): string {
  return `${Object.entries(vars)
    .map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n')}\n`;
}

export function readEnvFile(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)='(.*)'$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/'\\''/g, "'");
  }
  return vars;
}
