import { el } from '../dom';
import { getLanguage, isLang, languageName, languages, onLanguageChange, setLanguage } from '../i18n';

/**
 * A labelled <select> of languages, each named in its own language (and
 * marked with its lang so screen readers pronounce it right).
 */
export function languageSwitcher(): HTMLElement {
  const id = 'language-select';
  const select = el(
    'select',
    { attrs: { id, name: 'language' } },
    languages.map((lang) => {
      const option = el('option', { attrs: { value: lang, lang } });
      option.textContent = languageName(lang);
      return option;
    }),
  );
  select.value = getLanguage();
  select.addEventListener('change', () => {
    if (isLang(select.value)) setLanguage(select.value);
  });
  onLanguageChange((lang) => {
    select.value = lang;
  });
  return el('div', { className: 'language-switcher' }, [
    el('label', { text: 'language.label', attrs: { for: id } }),
    select,
  ]);
}
