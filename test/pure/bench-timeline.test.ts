/** The benchmark's answer moments and its split of a run into the phases of the cycle. */
import { answerFraction, phaseFigures } from '../../scripts/bench/timeline';

test('each unit answers at a moment of its own, the same in every run, spread over the whole window', () => {
  const fractions = Array.from({ length: 5800 }, (_, i) => answerFraction(i));
  expect(fractions.every((f) => f >= 0 && f < 1)).toBe(true);
  // The same moments in every run and on both sides: a fixed sequence, not Math.random.
  expect(answerFraction(17)).toBe(fractions[17]);
  expect(answerFraction(0)).toBeCloseTo(0.2664, 4);
  expect(answerFraction(1)).toBeCloseTo(0.3589, 4);
  // About a tenth in each tenth of the window: nobody's moment bunches with everyone else's.
  for (let tenth = 0; tenth < 10; tenth++) {
    const inIt = fractions.filter((f) => Math.floor(f * 10) === tenth).length;
    expect(inIt).toBeGreaterThan(480);
    expect(inIt).toBeLessThan(680);
  }
});

test('answers and memory samples fall in the phase of the cycle they came in', () => {
  const start = 1_000_000;
  const milestones = { firstUnitStarted: start + 100, lastUnitStarted: start + 10_000, closing: start + 20_000, lastUnitEnded: start + 25_000, ended: start + 26_000 };
  const updates: [number, number][] = [
    [start + 500, 200],
    [start + 9_000, 400],
    [start + 12_000, 50],
  ];
  const rss: [number, number][] = [
    [start + 1_000, 300],
    [start + 21_000, 480],
    [start + 25_500, 420],
  ];
  const figures = phaseFigures(start, milestones, updates, rss);
  expect(figures.phases['units starting']).toEqual({ updates: 2, updateP99Ms: 400, peakRssMb: 300, seconds: 10 });
  expect(figures.phases['answering']).toEqual({ updates: 1, updateP99Ms: 50, peakRssMb: 0, seconds: 10 });
  // Each phase's length, the last up to the cycle's end: where two cycles of one calendar differ.
  expect(Object.values(figures.phases).map((p) => p.seconds)).toEqual([10, 10, 5, 1]);
  expect(figures.phases['closing units']!.peakRssMb).toBe(480);
  expect(figures.phases['report and delivery']!.peakRssMb).toBe(420);
  expect(figures.peakRssAtSeconds).toBe(21);
});
