// Moments in a video as people read them (1:05, 1:02:03) and as WebVTT
// and the API count them (seconds).

/** Seconds as m:ss, or h:mm:ss from an hour. */
export function formatTimecode(seconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Where a moment sits on a timeline of duration, from 0 to 100 (per cent). */
export function timelinePercent(at: number, duration: number): number {
  if (!(duration > 0)) return 0;
  return Math.min(100, Math.max(0, (at / duration) * 100));
}
