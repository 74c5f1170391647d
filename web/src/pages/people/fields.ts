// Fields that several forms share: language, country, password, e-mail.
import { getLanguage, languageName, languages } from '../../i18n';
import { countriesByName } from '../../people/countries';
import * as v from '../../people/validation';
import { field, type Field, type Option } from '../../ui/form';

/** The three languages, each named in itself. */
export function languageOptions(): Option[] {
  return languages.map((lang) => ({ value: lang, text: languageName(lang), lang }));
}

export function languageField(prefix: string, value: string = getLanguage()): Field {
  return field(
    { name: 'language', label: 'form.language', type: 'select', options: languageOptions(), value, hint: 'form.languageHint' },
    prefix,
  );
}

/** A select of the countries of the consent-ages table, named in the UI language. */
export function countryField(prefix: string, opts: { hint?: boolean; value?: string } = {}): Field {
  const list: Option[] = [{ value: '', label: 'form.countryChoose' }, ...countriesByName(getLanguage()).map((code) => ({ value: code, region: code }))];
  return field(
    {
      name: 'country',
      label: 'form.country',
      type: 'select',
      options: list,
      value: opts.value ?? '',
      check: v.country,
      autocomplete: 'country',
      ...(opts.hint ? { hint: 'form.countryHint' as const } : {}),
    },
    prefix,
  );
}

export function emailField(prefix: string, opts: { autocomplete?: string; label?: 'form.email' | 'guardian.emailLabel' | 'invite.emailLabel' } = {}): Field {
  return field(
    {
      name: 'email',
      label: opts.label ?? 'form.email',
      type: 'email',
      autocomplete: opts.autocomplete ?? 'email',
      check: v.email,
      attrs: { maxlength: String(v.maxEmailLength), spellcheck: 'false' },
    },
    prefix,
  );
}

export function newPasswordField(prefix: string): Field {
  return field(
    {
      name: 'password',
      label: 'form.newPassword',
      type: 'password',
      autocomplete: 'new-password',
      check: v.password,
      hint: 'form.passwordHint',
      hintParams: { min: v.minPasswordLength },
    },
    prefix,
  );
}

export function nameField(prefix: string, hint?: 'form.nameHintYouth' | 'form.nameHint'): Field {
  return field(
    {
      name: 'displayName',
      label: 'form.name',
      autocomplete: 'name',
      check: v.name,
      attrs: { maxlength: String(v.maxNameLength) },
      ...(hint ? { hint } : {}),
    },
    prefix,
  );
}
