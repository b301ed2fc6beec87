#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-old-space-size=192
// V8 sizes its heap from the machine's memory (4 GB on a 24 GB host) and lets garbage pile up to
// match: unbounded, a worker's heaps held 150 MB more than bounded ones at 1,000 units, for no
// gain in speed. glibc gives each of the SDK's native threads an arena of its own (up to 16 on
// two cores) and keeps freed memory in them: two arenas took another 50-90 MB off a 1,000-unit
// worker at the same speed (README, Performance). A fixed mmap threshold (128 KB) gives the SDK's
// large buffers (a workflow's history, a batch of activations) back to the system when freed;
// glibc's own threshold grows with them and keeps them in its arenas: 76 MB less at the peak of
// a 5,800-unit cycle (554 → 478 MB), at the same speed. `node --max-old-space-size=N
// bin/followup.js worker` sets other bounds.
//
// A release (npm run build; npm ci --omit=dev) runs the compiled code in dist/, with no compiler.
// A development checkout runs the TypeScript sources through tsx, so a stale build is never run
// by mistake; FOLLOWUP_FROM=release runs dist/ there too.
const { existsSync } = require('node:fs');
const path = require('node:path');

const release = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let tsx;
try {
  tsx = require.resolve('tsx/cjs');
} catch {
  tsx = undefined;
}
if (tsx && process.env.FOLLOWUP_FROM !== 'release') {
  require(tsx);
  require('../cli/main.ts');
} else if (existsSync(release)) {
  // Node 22 and later keep the release's compiled code (and its dependencies') in a cache of their
  // own (os.tmpdir()/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns it off): on Node 24 a
  // command then loads its modules in ~0.22 s instead of ~0.33 s (measured for `cycle status`,
  // whose Temporal client is most of it). Node 20 has no such cache and runs as before.
  require('node:module').enableCompileCache?.();
  require(release);
} else {
  console.error('This installation has no build: run "npm run build" (it needs the development dependencies: npm ci), or install them to run from source.');
  process.exit(1);
}
