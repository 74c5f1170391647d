import './styles.css';
import './rounds.css';
import { mountApp } from './app';
import { initLanguage } from './i18n';

initLanguage();
const root = document.getElementById('app');
if (root) mountApp(root);
