// Uploading a cut of a video: tus (tus-js-client) in 8 MiB chunks, so a
// dropped connection, a reload or a server restart resumes from the last
// stored byte; a progress bar with speed and time left; pause, resume and
// cancel (which removes the parts on the server).
import type { DetailedError, Upload } from 'tus-js-client';
import { apiPath, csrfCookie, csrfHeader, readCookie } from '../../api';
import type { AppContext } from '../../context';
import { el, setText } from '../../dom';
import { button } from '../../ui/form';
import { formatBytes, ProgressMeter } from '../../videos/progress';

/** Chunk size: the server holds at most one part of this size in memory. */
export const chunkSize = 8 * 1024 * 1024;

export interface UploadPanel {
  element: HTMLElement;
}

/** The upload form for a new version of video videoId; onDone runs when the last byte is stored. */
export function uploadPanel(ctx: AppContext, videoId: string, onDone: () => void): UploadPanel {
  const input = el('input', { attrs: { type: 'file', id: 'video-file', accept: 'video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov', 'aria-describedby': 'video-file-hint' } });
  const hint = el('p', { className: 'hint', text: 'videos.fileHint', attrs: { id: 'video-file-hint' } });
  const bar = el('progress', { attrs: { max: '100', value: '0', id: 'upload-progress', 'aria-labelledby': 'upload-progress-label' } });
  const barLabel = el('span', { text: 'videos.progressLabel', attrs: { id: 'upload-progress-label' } });
  const numbers = el('p', { className: 'upload-numbers', attrs: { id: 'upload-numbers' } });
  const status = el('p', { className: 'upload-status', attrs: { role: 'status' } });
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert' } });
  const start = button('videos.uploadStart', undefined, { type: 'submit', className: 'button button-primary' });
  const pause = button('videos.uploadPause');
  const resume = button('videos.uploadResume');
  const cancel = button('videos.uploadCancel', undefined, { className: 'button button-danger' });
  const progressBox = el('div', { className: 'upload-progress' }, [barLabel, bar, numbers]);
  progressBox.hidden = true;
  pause.hidden = resume.hidden = cancel.hidden = true;
  const formEl = el('form', { className: 'form upload-form', attrs: { id: 'upload-form', novalidate: '' } }, [
    el('label', { text: 'videos.fileLabel', attrs: { for: 'video-file' } }),
    input,
    hint,
    progressBox,
    status,
    alert,
    el('div', { className: 'form-actions' }, [start, pause, resume, cancel]),
  ]);

  let upload: Upload | null = null;
  const meter = new ProgressMeter();
  const show = (state: 'idle' | 'running' | 'paused') => {
    start.hidden = state !== 'idle';
    input.disabled = state !== 'idle';
    pause.hidden = state !== 'running';
    resume.hidden = state !== 'paused';
    cancel.hidden = state === 'idle';
    progressBox.hidden = state === 'idle';
  };
  const fail = (error: unknown) => {
    const detail = (error as DetailedError).originalResponse?.getBody();
    let text = '';
    try {
      text = detail ? String((JSON.parse(detail) as { detail?: string }).detail ?? '') : '';
    } catch {
      text = '';
    }
    alert.replaceChildren(text ? el('p', { className: 'server-detail' }, [document.createTextNode(text)]) : el('p', { text: 'videos.uploadFailed' }));
    show('paused'); // what arrived is kept: resume goes on from there
  };

  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    alert.replaceChildren();
    const file = input.files?.[0];
    if (!file) {
      alert.replaceChildren(el('p', { text: 'videos.fileMissing' }));
      input.focus();
      return;
    }
    meter.reset();
    // tus-js-client loads when the first upload starts: no page pays for it before.
    void import('tus-js-client')
      .then(({ Upload }) => begin(new Upload(file, {
      endpoint: apiPath`/api/videos/${videoId}/uploads`,
      chunkSize,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { filename: file.name, filetype: file.type || 'video/mp4' },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => {
        const token = readCookie(document.cookie, csrfCookie);
        if (token) req.setHeader(csrfHeader, token);
      },
      onShouldRetry: (err) => {
        const st = err.originalResponse?.getStatus() ?? 0;
        if (st === 401) {
          void ctx.api.refresh(); // an expired access token: the retry goes with the new one
          return true;
        }
        return st === 0 || st === 409 || st === 423 || st >= 500;
      },
      onProgress: (sent, total) => {
        const p = meter.add(Date.now(), sent, total);
        bar.value = Math.floor(p.percent);
        const parts = [`${Math.floor(p.percent)} %`, `${formatBytes(sent)} / ${formatBytes(total)}`];
        if (p.speed !== null) parts.push(`${formatBytes(p.speed)}/s`);
        numbers.textContent = parts.join(' · ');
        if (p.secondsLeft !== null) numbers.append(' · ', el('span', { text: 'videos.timeLeft', params: { seconds: p.secondsLeft } }));
      },
      onError: fail,
      onSuccess: () => {
        upload = null;
        show('idle');
        input.value = '';
        setText(status, 'videos.uploadDone');
        ctx.announce('videos.uploadDone');
        onDone();
      },
    })))
      .catch(fail);
  });
  const begin = async (u: Upload) => {
    upload = u;
    // After a reload, the same file continues where it stopped.
    const previous = await u.findPreviousUploads();
    const last = previous[0];
    if (last) u.resumeFromPreviousUpload(last);
    show('running');
    setText(status, last ? 'videos.uploadResuming' : 'videos.uploadRunning');
    u.start();
  };
  pause.addEventListener('click', () => {
    void upload?.abort(false);
    meter.reset();
    show('paused');
    setText(status, 'videos.uploadPaused');
    resume.focus();
  });
  resume.addEventListener('click', () => {
    alert.replaceChildren();
    meter.reset();
    show('running');
    setText(status, 'videos.uploadRunning');
    upload?.start();
    pause.focus();
  });
  cancel.addEventListener('click', () => {
    const u = upload;
    upload = null;
    show('idle');
    bar.value = 0;
    numbers.textContent = '';
    setText(status, 'videos.uploadCancelled');
    input.focus();
    // Terminate: the server removes the parts stored so far.
    if (u) void u.abort(true).catch(() => undefined);
  });
  return { element: formEl };
}
