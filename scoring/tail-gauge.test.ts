import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.js';
import { restoreInto } from './station-state.js';
import { TAIL_GAUGE_NUMBERS, TailGauge } from './tail-gauge.js';

/** The gauge's factor after `readings` values of |z| drawn by `draw`. */
function factorAfter(readings: number, draw: () => number): number {
  const gauge = new TailGauge();
  for (let i = 0; i < readings; i++) gauge.learn(Math.abs(draw()));
  return gauge.factor;
}

describe('TailGauge', () => {
  it('gives independent Gaussian noise a factor close to 1', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = seededRandom(seed);
      const factor = factorAfter(20_000, () => random.gaussian());
      // Its excursions pass about 2.6 on 1 % of readings; read off the rung above, this was 1.41.
      expect(factor).toBeGreaterThanOrEqual(1);
      expect(factor).toBeLessThan(1.1);
    }
  });

  it('gives Laplace noise of the same variance the factor of its own tail, read between the rungs', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = seededRandom(seed);
      // Unit variance: scale 1/√2, so P(|x| > L) = exp(−L√2) is 1 % at L ≈ 3.26, a factor of ≈ 1.26.
      const factor = factorAfter(
        20_000,
        () => (Math.log(1 - random.next()) / Math.SQRT2) * (random.next() < 0.5 ? -1 : 1),
      );
      expect(factor).toBeGreaterThan(1.15);
      expect(factor).toBeLessThan(1.4);
      const rung = Math.log(factor) / Math.log(Math.SQRT2);
      expect(Math.abs(rung - Math.round(rung))).toBeGreaterThan(1e-6);
    }
  });

  it('counts a long excursion once: a stream held far out for a while is not taught that it is heavy-tailed', () => {
    const random = seededRandom(7);
    const gauge = new TailGauge();
    for (let i = 0; i < 5_000; i++) gauge.learn(Math.abs(random.gaussian()));
    for (let i = 0; i < 200; i++) gauge.learn(12);
    for (let i = 0; i < 50; i++) gauge.learn(Math.abs(random.gaussian()));
    expect(gauge.factor).toBeLessThan(1.1);
  });

  it("is checkpointed with its own numbers, or, kept in a view of its owner's array, with the owner alone", () => {
    const random = seededRandom(11);
    const laplace = () => Math.abs(Math.log(1 - random.next()));
    const alone = new TailGauge();
    for (let i = 0; i < 3_000; i++) alone.learn(laplace());
    const restored = restoreInto(new TailGauge(), deserialize(serialize(alone)));
    expect(restored.factor).toBe(alone.factor);
    restored.learn(20);
    alone.learn(20);
    expect(restored.factor).toBe(alone.factor);

    class Owner {
      readonly numbers = new Float64Array(2 + TAIL_GAUGE_NUMBERS);
      readonly gauge = new TailGauge(this.numbers.subarray(2));
    }
    const owner = new Owner();
    for (let i = 0; i < 3_000; i++) owner.gauge.learn(laplace());
    expect(owner.gauge.factor).toBeGreaterThan(1.1);
    // The owner's checkpoint carries the gauge's numbers once, in its own array.
    expect(serialize(owner.gauge).length).toBeLessThan(64);
    const back = restoreInto(new Owner(), deserialize(serialize(owner)));
    expect(back.gauge.factor).toBe(owner.gauge.factor);
  });
});
