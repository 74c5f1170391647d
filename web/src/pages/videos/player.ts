// The player: the browser's own <video> controls (keyboard operable, with
// the captions menu the tracks give), a poster, captions per language, and
// a timeline of comment markers under it (buttons that jump to a moment).
import { el } from '../../dom';
import { t } from '../../i18n';
import { formatTimecode, timelinePercent } from '../../videos/timecode';

export interface PlayerSource {
  rendition: string;
  poster?: string;
  duration?: number;
  captions: { language: string; url: string }[];
  /** The caption language shown first (the reader's, when there are captions in it). */
  preferred?: string;
}

export interface Marker {
  at: number;
  label: string;
}

export interface Player {
  element: HTMLElement;
  video: HTMLVideoElement;
  /** Shows markers on the timeline. */
  setMarkers(markers: readonly Marker[]): void;
}

/** A labelled player for src; label names it for screen readers. */
export function player(src: PlayerSource, label: string, idPrefix = 'player'): Player {
  const video = el('video', {
    className: 'video-player',
    attrs: { controls: '', preload: 'metadata', playsinline: '', src: src.rendition, 'aria-label': label, id: `${idPrefix}-video`},
  });
  if (src.poster) video.poster = src.poster;
  for (const c of src.captions) {
    const track = el('track', { attrs: { kind: 'captions', srclang: c.language, src: c.url, label: languageLabel(c.language) } });
    if (c.language === src.preferred || (!src.preferred && c === src.captions[0])) track.default = true;
    video.append(track);
  }
  const markers = el('ol', { className: 'timeline-markers', attrs: { 'aria-label': t('videos.timelineLabel') } });
  const timeline = el('div', { className: 'timeline', attrs: { id: `${idPrefix}-timeline` } }, [markers]);
  // A click on the bar moves the video to that moment (keyboard users use
  // the video's own controls, or the marker buttons).
  timeline.addEventListener('click', (event) => {
    if (event.target !== timeline && event.target !== markers) return;
    const d = video.duration || src.duration || 0;
    const box = timeline.getBoundingClientRect();
    if (d > 0 && box.width > 0) video.currentTime = Math.max(0, Math.min(d, ((event.clientX - box.left) / box.width) * d));
  });
  const setMarkers = (list: readonly Marker[]) => {
    const d = src.duration ?? video.duration ?? 0;
    markers.replaceChildren(
      ...list.map((m) => {
        const b = el('button', { className: 'timeline-marker', attrs: { type: 'button' } });
        b.style.left = `${timelinePercent(m.at, d)}%`; // through the CSSOM: the CSP allows no style attributes
        b.setAttribute('aria-label', `${formatTimecode(m.at)}: ${m.label}`);
        b.title = `${formatTimecode(m.at)}: ${m.label}`;
        b.addEventListener('click', () => {
          video.currentTime = m.at;
          video.focus();
        });
        return el('li', {}, [b]);
      }),
    );
  };
  return { element: el('figure', { className: 'player' }, [video, timeline]), video, setMarkers };
}

function languageLabel(code: string): string {
  try {
    return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
