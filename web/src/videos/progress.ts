// Upload progress as people read it: how much, how fast, how long still.
// Speed is averaged over a sliding window of recent samples, so one slow
// or fast chunk does not make the estimate jump.

export interface Sample {
  at: number; // ms
  bytes: number; // bytes sent so far
}

export interface Progress {
  percent: number;
  /** Bytes per second over the window; null until two samples span time. */
  speed: number | null;
  /** Seconds left at that speed; null while speed is unknown. */
  secondsLeft: number | null;
}

export class ProgressMeter {
  private samples: Sample[] = [];

  constructor(private readonly windowMs = 5000) {}

  /** Forgets the samples (after a pause or a cut: speed restarts). */
  reset(): void {
    this.samples = [];
  }

  add(at: number, bytes: number, total: number): Progress {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - (this.samples[0]?.at ?? at) > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const percent = total > 0 ? Math.min(100, (bytes / total) * 100) : 0;
    if (!first || at <= first.at || bytes < first.bytes) return { percent, speed: null, secondsLeft: null };
    const speed = ((bytes - first.bytes) * 1000) / (at - first.at);
    if (speed <= 0) return { percent, speed: null, secondsLeft: null };
    return { percent, speed, secondsLeft: Math.ceil((total - bytes) / speed) };
  }
}

/** A size or speed in bytes as a short text: 512 B, 1.5 MB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
