// The throughput scripts' one summary of several rounds (bench/throughput/stats.ts): ab.ts once took the upper
// middle of an even count for its median, throughput.ts the mean of the two middles.
import { describe, expect, it } from 'vitest';
import { spread, summarise } from '../bench/throughput/stats.js';

describe('the rounds summary of the throughput scripts', () => {
  it('gives the middle value of an odd count, whatever the order', () => {
    expect(summarise([0.9, 0.5, 0.7])).toEqual({ median: 0.7, low: 0.5, high: 0.9 });
  });

  it('gives the mean of the two middle values of an even count', () => {
    expect(summarise([1.2, 0.8, 1.0, 0.9]).median).toBeCloseTo(0.95, 10);
  });

  it('prints the median, the range and the count, with the decimals asked for', () => {
    expect(spread([0.62, 0.51, 0.55])).toBe('0.55 (0.51–0.62, 3 rounds)');
    expect(spread([1.02, 0.96], 3)).toBe('0.990 (0.960–1.020, 2 rounds)');
  });

  it('refuses to summarise no rounds rather than print NaN', () => {
    expect(() => summarise([])).toThrow('no rounds');
  });
});
