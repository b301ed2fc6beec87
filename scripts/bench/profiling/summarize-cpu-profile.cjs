/**
 * Self time of one or more V8 .cpuprofile files, by package (or our top-level folder) and by
 * function: node scripts/bench/profiling/summarize-cpu-profile.cjs /tmp/profile/123-workflow-thread-*.cpuprofile
 */
const fs = require('node:fs');

const nodes = new Map();
const selfTime = new Map();
for (const [k, file] of process.argv.slice(2).entries()) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const n of profile.nodes) nodes.set(`${k}:${n.id}`, n);
  profile.samples.forEach((id, i) => selfTime.set(`${k}:${id}`, (selfTime.get(`${k}:${id}`) ?? 0) + (profile.timeDeltas[i] ?? 0)));
}
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
const where = ({ callFrame: { url, functionName } }) => {
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  if (/workflow-bundle/.test(url)) return 'workflow bundle (ours and the SDK\'s workflow runtime)';
  const ours = /\/(activities|workflows|domain|config|workers|client|cli|web)\//.exec(url);
  return ours ? `ours: ${ours[1]}/` : url;
};
const byWhere = new Map();
const byFunction = new Map();
for (const [id, t] of selfTime) {
  const n = nodes.get(id);
  byWhere.set(where(n), (byWhere.get(where(n)) ?? 0) + t);
  const fn = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*node_modules\//, '')}:${n.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
}
const print = (m, count) => [...m].sort((a, b) => b[1] - a[1]).slice(0, count).forEach(([name, t]) => console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`));
console.log(`${(total / 1e6).toFixed(1)} s sampled`);
print(byWhere, 20);
console.log('\nfunctions:');
print(byFunction, 20);
