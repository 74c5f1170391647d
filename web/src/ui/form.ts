// Labelled form fields with their hint and error tied by aria-describedby,
// and a form that checks its fields, shows what went wrong next to each one,
// and reports a failed request in a live alert.
import { ApiError } from '../api';
import { el, plain, setText } from '../dom';
import type { MessageKey, Params } from '../i18n';
import type { Check } from '../people/validation';

export interface Option {
  value: string;
  /** Catalogue key of the option's text. */
  label?: MessageKey;
  /** Untranslated text (a name from the server, a language named in itself). */
  text?: string;
  /** A country code: the option shows the country's name in the current language. */
  region?: string;
  /** A language code: the option shows the language's name in the current language. */
  languageOf?: string;
  lang?: string;
}

export interface FieldOptions {
  /** The control's id and name. */
  name: string;
  label?: MessageKey;
  labelParams?: Params;
  /** An untranslated label (a scope name from the server), instead of label. */
  labelText?: string;
  /** An untranslated hint (a scope's text from the server), instead of hint. */
  hintText?: string;
  /** Language of labelText and hintText, when it may differ from the page's. */
  textLang?: string;
  type?: 'text' | 'number' | 'email' | 'password' | 'date' | 'datetime-local' | 'select' | 'checkbox';
  autocomplete?: string;
  required?: boolean;
  hint?: MessageKey;
  hintParams?: Params;
  value?: string;
  options?: readonly Option[];
  check?: (value: string) => Check;
  /** Extra attributes for the control (maxlength, min, max, lang…). */
  attrs?: Readonly<Record<string, string>>;
}

export type Control = HTMLInputElement | HTMLSelectElement;

export interface Field {
  element: HTMLElement;
  control: Control;
  readonly value: string;
  readonly checked: boolean;
  /** Runs the field's check and shows its message; returns true when fine. */
  validate(): boolean;
  /** Shows a message from the catalogue under the field, or clears it. */
  showError(key: MessageKey | null, params?: Params): void;
}

/** Builds the <option>s of a select. */
export function options(list: readonly Option[]): HTMLOptionElement[] {
  return list.map((o) => {
    const attrs: Record<string, string> = { value: o.value };
    if (o.lang) attrs.lang = o.lang;
    if (o.label) return el('option', { text: o.label, attrs });
    if (o.region) return el('option', { region: o.region, attrs });
    if (o.languageOf) return el('option', { languageOf: o.languageOf, attrs });
    return plain('option', o.text ?? o.value, { attrs });
  });
}

/** A labelled input, select or checkbox with an optional hint and an error message slot. */
export function field(opts: FieldOptions, idPrefix = ''): Field {
  const id = `${idPrefix}${opts.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const type = opts.type ?? 'text';
  const attrs: Record<string, string> = { id, name: opts.name, ...(opts.attrs ?? {}) };
  if (opts.autocomplete) attrs.autocomplete = opts.autocomplete;
  if (opts.required) attrs.required = '';

  let control: Control;
  if (type === 'select') {
    control = el('select', { attrs }, options(opts.options ?? []));
  } else {
    control = el('input', { attrs: { ...attrs, type } });
    if (opts.value !== undefined && type !== 'checkbox') control.value = opts.value;
  }
  if (type === 'select' && opts.value !== undefined) control.value = opts.value;

  const langAttr: Record<string, string> = opts.textLang ? { lang: opts.textLang } : {};
  const label = opts.label
    ? el('label', { text: opts.label, params: opts.labelParams, attrs: { for: id } })
    : plain('label', opts.labelText ?? '', { attrs: { for: id, ...langAttr } });
  const hint = opts.hint
    ? el('p', { className: 'field-hint', text: opts.hint, params: opts.hintParams, attrs: { id: hintId } })
    : opts.hintText
      ? plain('p', opts.hintText, { className: 'field-hint', attrs: { id: hintId, ...langAttr } })
      : null;
  const error = el('p', { className: 'field-error', attrs: { id: errorId, hidden: '' } });
  const describe = (withError: boolean) => {
    const ids = [hint ? hintId : '', withError ? errorId : ''].filter(Boolean).join(' ');
    if (ids) control.setAttribute('aria-describedby', ids);
    else control.removeAttribute('aria-describedby');
  };
  describe(false);

  const children: Node[] =
    type === 'checkbox' ? [control, label, ...(hint ? [hint] : []), error] : [label, ...(hint ? [hint] : []), error, control];
  const element = el('div', { className: `field field-${type}` }, children);

  const showError = (key: MessageKey | null, params?: Params) => {
    if (key) {
      setText(error, key, params);
      error.hidden = false;
      control.setAttribute('aria-invalid', 'true');
      element.classList.add('field-invalid');
    } else {
      error.hidden = true;
      error.textContent = '';
      delete error.dataset.i18n;
      control.removeAttribute('aria-invalid');
      element.classList.remove('field-invalid');
    }
    describe(!!key);
  };

  return {
    element,
    control,
    get value() {
      return control.value;
    },
    get checked() {
      return control instanceof HTMLInputElement && control.checked;
    },
    validate() {
      const problem = opts.check ? opts.check(control.value) : opts.required && control.value.trim() === '' ? 'form.error.required' : null;
      showError(problem);
      return problem === null;
    },
    showError,
  };
}

/** A button whose text comes from the catalogue. */
export function button(
  text: MessageKey,
  onClick?: (event: MouseEvent) => void,
  { className = 'button', type = 'button', params }: { className?: string; type?: 'button' | 'submit'; params?: Params } = {},
): HTMLButtonElement {
  const node = el('button', { className, text, params, attrs: { type } });
  if (onClick) node.addEventListener('click', onClick);
  return node;
}

/** What to say about a failed request: the server's detail, or a text for its kind. */
export function errorText(error: unknown): { key: MessageKey; params?: Params; detail: string | null; language?: string } {
  if (!(error instanceof ApiError)) return { key: 'error.unexpected', detail: null };
  switch (error.kind) {
    case 'network':
      return { key: 'error.network', detail: null };
    case 'too_many_requests':
      return error.retryAfter
        ? { key: 'error.tooManyWait', params: { seconds: error.retryAfter }, detail: error.detail }
        : { key: 'error.tooMany', detail: error.detail };
    case 'unauthorized':
      return { key: 'error.unauthorized', detail: error.detail };
    case 'forbidden':
      return { key: 'error.forbidden', detail: error.detail };
    case 'not_found':
    case 'gone':
      return { key: 'error.notFound', detail: error.detail };
    case 'conflict':
      return { key: 'error.conflict', detail: error.detail };
    case 'invalid':
      return { key: 'error.invalid', detail: error.detail };
    default:
      return { key: 'error.server', detail: error.detail };
  }
}

/**
 * Paragraphs that say what went wrong: the server's own words when it gave
 * some (translated by the server from Accept-Language; marked with the
 * language it answered in), else the catalogue's.
 */
export function errorParagraphs(error: unknown): HTMLElement[] {
  const { key, params, detail } = errorText(error);
  if (detail) {
    const extra = key === 'error.tooManyWait' ? [el('p', { text: key, params })] : [];
    const lang = error instanceof ApiError ? error.language : 'en';
    return [plain('p', detail, { attrs: { lang, class: 'server-detail' } }), ...extra];
  }
  return [el('p', { text: key, params })];
}

export interface FormOptions {
  id: string;
  fields: readonly Field[];
  submit: MessageKey;
  /** Nodes shown before the submit button (a legend, a note). */
  before?: readonly Node[];
  /** Called with valid fields; a thrown error is shown in the form's alert. */
  onSubmit: () => Promise<void>;
  /** Extra checks across fields; return false to stop. */
  validate?: () => boolean;
  className?: string;
}

export interface FormView {
  element: HTMLFormElement;
  /** Shows an error in the form's alert (role=alert), or clears it with null. */
  showError(error: unknown): void;
  submitButton: HTMLButtonElement;
}

/** A form: checks every field on submit, focuses the first one that is wrong, and shows request errors. */
export function form(opts: FormOptions): FormView {
  const alert = el('div', { className: 'form-error', attrs: { role: 'alert', id: `${opts.id}-alert` } });
  const submitButton = button(opts.submit, undefined, { type: 'submit', className: 'button button-primary' });
  const element = el('form', { className: `form ${opts.className ?? ''}`.trim(), attrs: { id: opts.id, novalidate: '' } }, [
    ...(opts.before ?? []),
    ...opts.fields.map((f) => f.element),
    alert,
    el('div', { className: 'form-actions' }, [submitButton]),
  ]);
  const showError = (error: unknown) => {
    alert.replaceChildren(...(error === null ? [] : errorParagraphs(error)));
  };
  let busy = false;
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    showError(null);
    const results = opts.fields.map((f) => f.validate());
    const firstWrong = opts.fields.find((_, i) => !results[i]);
    if (firstWrong || (opts.validate && !opts.validate())) {
      (firstWrong?.control ?? opts.fields[0]?.control)?.focus();
      return;
    }
    busy = true;
    submitButton.setAttribute('aria-disabled', 'true');
    element.setAttribute('aria-busy', 'true');
    opts
      .onSubmit()
      .catch((error: unknown) => showError(error))
      .finally(() => {
        busy = false;
        submitButton.removeAttribute('aria-disabled');
        element.removeAttribute('aria-busy');
      });
  });
  return { element, showError, submitButton };
}
