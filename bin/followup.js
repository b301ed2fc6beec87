#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-old-space-size=192
// V8 sizes its heap from the machine's memory (4 GB on a 24 GB host) and lets garbage pile up to
// match: unbounded, a worker's heaps held 150 MB more than bounded ones at 1,000 units, for no
// gain in speed. glibc gives each of the SDK's native threads an arena of its own (up to 16 on
// two cores) and keeps freed memory in them: two arenas took another 50-90 MB off a 1,000-unit
// worker at the same speed (README, Performance). `node --max-old-space-size=N bin/followup.js
// worker` sets other bounds.
// The CLI is TypeScript run through tsx, so there is no build step to forget.
require('tsx/cjs');
require('../cli/main.ts');
