#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof, e.g. a bench server started with
 * PULSE_BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"): self time by function, and the
 * longest stretches the thread never went idle (what held the event loop), each with the
 * functions it spent its time in.
 *
 *   node test/bench/profile-summary.mjs <file.cpuprofile> [--top N] [--stretches N] [--last S | --from S --to S]
 *
 * `--last S` keeps only the profile's last S seconds, `--from S --to S` the seconds between (counted
 * from the profile's start, e.g. a bulk sync after a long start-up).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    stretches: { type: 'string', default: '5' },
    last: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error(
    'Usage: node test/bench/profile-summary.mjs <file.cpuprofile> [--top N] [--stretches N] [--last S | --from S --to S]',
  );
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const label = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*\/(node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?)?/, '') : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
};
const IDLE = new Set(['(idle)']);

// Sample times (ms since the profile started) and their nodes.
const samples = [];
let time = 0;
for (let i = 0; i < profile.samples.length; i++) {
  time += profile.timeDeltas[i] / 1000;
  samples.push({
    at: time,
    node: nodes.get(profile.samples[i]),
    ms: (profile.timeDeltas[i + 1] ?? 0) / 1000,
  });
}
const endMs = time;
const from = values.last ? endMs - Number(values.last) * 1000 : Number(values.from ?? 0) * 1000;
const to = values.to ? Number(values.to) * 1000 : endMs;
const kept = samples.filter((sample) => sample.at >= from && sample.at <= to);

const round = (ms) => Math.round(ms * 10) / 10;
function selfTimes(list) {
  const byLabel = new Map();
  for (const { node, ms } of list) byLabel.set(label(node), (byLabel.get(label(node)) ?? 0) + ms);
  return [...byLabel].sort((a, b) => b[1] - a[1]);
}
/** Time under each function anywhere on the stack (counted once per sample). */
function inclusiveTimes(list) {
  const byLabel = new Map();
  for (const { node, ms } of list) {
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parentOf.get(id)) {
      const name = label(nodes.get(id));
      if (seen.has(name)) continue;
      seen.add(name);
      byLabel.set(name, (byLabel.get(name) ?? 0) + ms);
    }
  }
  return [...byLabel].filter(([name]) => !name.startsWith('(root)')).sort((a, b) => b[1] - a[1]);
}

const top = Number(values.top);
const total = kept.reduce((sum, sample) => sum + sample.ms, 0);
const busy = kept.filter((sample) => !IDLE.has(sample.node.callFrame.functionName));
console.log(
  `window ${round(from / 1000)}–${round(to / 1000)} s of ${round(endMs / 1000)} s; busy ${round(busy.reduce((s, x) => s + x.ms, 0))} ms of ${round(total)} ms sampled`,
);
console.log('\nself time (ms):');
for (const [name, ms] of selfTimes(busy).slice(0, top))
  console.log(`  ${round(ms).toString().padStart(9)}  ${name}`);

// Stretches without an idle sample: the event loop was held that long (or nearly: GC and I/O
// callbacks between JS turns show as busy too).
const stretches = [];
let current = null;
for (const sample of kept) {
  if (IDLE.has(sample.node.callFrame.functionName)) {
    if (current) stretches.push(current);
    current = null;
  } else {
    current ??= { startMs: sample.at, ms: 0, samples: [] };
    current.ms += sample.ms;
    current.samples.push(sample);
  }
}
if (current) stretches.push(current);
stretches.sort((a, b) => b.ms - a.ms);
for (const stretch of stretches.slice(0, Number(values.stretches))) {
  console.log(
    `\nbusy stretch of ${round(stretch.ms)} ms at ${round(stretch.startMs / 1000)} s; inclusive (ms):`,
  );
  for (const [name, ms] of inclusiveTimes(stretch.samples).slice(0, top))
    console.log(`  ${round(ms).toString().padStart(9)}  ${name}`);
}
