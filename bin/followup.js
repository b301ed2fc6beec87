#!/usr/bin/env -S node --max-old-space-size=192
// V8 sizes its heap from the machine's memory (4 GB on a 24 GB host) and lets garbage pile up to
// match: unbounded, a worker's heaps held 150 MB more than bounded ones at 1,000 units, for no
// gain in speed (README, Performance). `node --max-old-space-size=N bin/followup.js worker` sets
// another bound.
// The CLI is TypeScript run through tsx, so there is no build step to forget.
require('tsx/cjs');
require('../cli/main.ts');
