/**
 * How bin/followup.js starts Node, read from its first line (`#!/usr/bin/env -S NAME=value node
 * --flag`), so the floor's worker can start the same way and the two compare.
 */
export interface Launcher {
  env: Record<string, string>;
  nodeFlags: string[];
}

export class LauncherLineError extends Error {
  override name = 'LauncherLineError';
}

export function parseLauncherLine(line: string): Launcher {
  const match = /^#!\/usr\/bin\/env -S (.+)$/.exec(line.trim());
  if (!match) throw new LauncherLineError(`Expected "#!/usr/bin/env -S … node …" as the first line of bin/followup.js, found "${line}"`);
  const env: Record<string, string> = {};
  const nodeFlags: string[] = [];
  let command: string | undefined;
  for (const token of match[1]!.split(/\s+/)) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(token);
    if (command === undefined && assignment) env[assignment[1]!] = assignment[2]!;
    else if (command === undefined) command = token;
    else nodeFlags.push(token);
  }
  if (command !== 'node') throw new LauncherLineError(`bin/followup.js should start "node", not "${command ?? ''}"`);
  return { env, nodeFlags };
}
