/**
 * When a worker's memory peaked and when answers were slow, set against what the cycle was doing:
 * a peak RSS or a p99 alone does not say whether it came while the units were starting, while
 * people answered, at the close (when an evicted cycle replays) or while the report was compiled.
 */
import { readFileSync } from 'node:fs';

/** The moments of a cycle read from its history, as epoch ms. */
export interface Milestones {
  /** The first child (unit) started and the last. */
  firstUnitStarted?: number;
  lastUnitStarted?: number;
  /** The close: the cycle's close timer fired. */
  closing?: number;
  /** The last unit's result arrived: everything after is staging, the report and its delivery. */
  lastUnitEnded?: number;
  ended?: number;
}

export interface PhaseFigures {
  /** Phase name → updates that started in it, their p99 in ms, and the worker's highest RSS sample in it. */
  phases: Record<string, { updates: number; updateP99Ms: number; peakRssMb: number; seconds?: number }>;
  /** Seconds after the cycle's start at which the RSS sample was highest. */
  peakRssAtSeconds: number;
}

/** Samples a process's resident memory (VmRSS), every 100 ms unless told otherwise, until stopped. */
export class RssSampler {
  private readonly samples: [number, number][] = [];
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number | undefined, everyMs = 100) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }
  private sample(): void {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0);
      this.samples.push([Date.now(), Math.round(kb / 1024)]);
    } catch {
      // The process has ended.
    }
  }
  stop(): [number, number][] {
    clearInterval(this.timer);
    return this.samples;
  }
}

/** The p-th percentile of ascending latencies (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Splits the run at its milestones: updates by when they were sent, RSS samples by when taken. */
export function phaseFigures(startedAt: number, milestones: Milestones, updates: [number, number][], rss: [number, number][]): PhaseFigures {
  const bounds: [string, number][] = [
    ['units starting', milestones.lastUnitStarted ?? Infinity],
    ['answering', milestones.closing ?? Infinity],
    ['closing units', milestones.lastUnitEnded ?? Infinity],
    ['report and delivery', Infinity],
  ];
  const phaseOf = (at: number) => bounds.find(([, until]) => at < until)![0];
  const phases: PhaseFigures['phases'] = {};
  // How long each phase took: where two cycles of the same calendar differ in wall time.
  let from = startedAt;
  for (const [name, until] of bounds) {
    const end = Number.isFinite(until) ? until : (milestones.ended ?? from);
    phases[name] = { updates: 0, updateP99Ms: 0, peakRssMb: 0, seconds: Math.round((end - from) / 100) / 10 };
    from = end;
  }
  const latencies = new Map<string, number[]>();
  for (const [at, ms] of updates) {
    const name = phaseOf(at);
    if (!latencies.has(name)) latencies.set(name, []);
    latencies.get(name)!.push(ms);
  }
  for (const [name, list] of latencies) {
    list.sort((a, b) => a - b);
    phases[name] = { ...phases[name]!, updates: list.length, updateP99Ms: Math.round(percentile(list, 99)) };
  }
  let peak: [number, number] = [startedAt, 0];
  for (const sample of rss) {
    const phase = phases[phaseOf(sample[0])]!;
    phase.peakRssMb = Math.max(phase.peakRssMb, sample[1]);
    if (sample[1] > peak[1]) peak = sample;
  }
  return { phases, peakRssAtSeconds: Math.round((peak[0] - startedAt) / 100) / 10 };
}

/** A number in [0, 1) from the unit's index: the same moment for our cycle and the floor, in every run. */
export function answerFraction(i: number): number {
  // mulberry32
  let t = (i * 0x9e3779b9 + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
