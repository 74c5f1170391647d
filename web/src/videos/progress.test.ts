import { describe, expect, it } from 'vitest';
import { formatBytes, ProgressMeter } from './progress';
import { formatTimecode, timelinePercent } from './timecode';

describe('upload progress', () => {
  it('knows no speed from one sample, then estimates speed and time left', () => {
    const m = new ProgressMeter();
    expect(m.add(0, 0, 10_000_000)).toEqual({ percent: 0, speed: null, secondsLeft: null });
    const p = m.add(2000, 2_000_000, 10_000_000);
    expect(p.percent).toBe(20);
    expect(p.speed).toBe(1_000_000);
    expect(p.secondsLeft).toBe(8);
  });

  it('averages over the recent window only', () => {
    const m = new ProgressMeter(5000);
    m.add(0, 0, 100_000_000);
    m.add(10_000, 1_000_000, 100_000_000); // slow start
    m.add(11_000, 11_000_000, 100_000_000);
    const p = m.add(12_000, 21_000_000, 100_000_000);
    expect(p.speed).toBeGreaterThan(5_000_000); // the slow start fell out of the window
  });

  it('starts again after a reset, and never shows more than 100 %', () => {
    const m = new ProgressMeter();
    m.add(0, 0, 100);
    m.add(1000, 50, 100);
    m.reset();
    expect(m.add(5000, 60, 100).speed).toBeNull();
    expect(m.add(6000, 120, 100).percent).toBe(100);
  });

  it('writes sizes short', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(2_147_483_648)).toBe('2.1 GB');
  });
});

describe('timecodes', () => {
  it('reads as m:ss or h:mm:ss', () => {
    expect(formatTimecode(0)).toBe('0:00');
    expect(formatTimecode(65.9)).toBe('1:05');
    expect(formatTimecode(3723)).toBe('1:02:03');
    expect(formatTimecode(Number.NaN)).toBe('0:00');
  });

  it('places moments on the timeline', () => {
    expect(timelinePercent(5, 10)).toBe(50);
    expect(timelinePercent(12, 10)).toBe(100);
    expect(timelinePercent(3, 0)).toBe(0);
  });
});
