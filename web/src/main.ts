import './styles.css';
import './rounds.css';
import { mountApp } from './app';
import { initLanguage } from './i18n';

// The first page is shown in its language, not in English first.
void initLanguage().finally(() => {
  const root = document.getElementById('app');
  if (root) mountApp(root);
});
