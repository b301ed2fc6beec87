/** The benchmark starts the floor's worker the way bin/followup.js starts ours, read from its first line. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LauncherLineError, parseLauncherLine } from '../../scripts/bench/launcher';

test('bin/followup.js starts node with a bounded heap, two malloc arenas and a fixed mmap threshold', () => {
  const firstLine = readFileSync(path.join(__dirname, '../../bin/followup.js'), 'utf8').split('\n')[0]!;
  expect(parseLauncherLine(firstLine)).toEqual({ env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' }, nodeFlags: ['--max-old-space-size=192'] });
});

test('a first line that does not start node through env -S is refused with what was expected', () => {
  expect(() => parseLauncherLine('#!/usr/bin/node')).toThrow(LauncherLineError);
  expect(() => parseLauncherLine('#!/usr/bin/env -S FOO=1 deno run')).toThrow('should start "node", not "deno"');
  expect(parseLauncherLine('#!/usr/bin/env -S node')).toEqual({ env: {}, nodeFlags: [] });
});
