// Unit tests switch languages synchronously: load every catalogue first.
import { languages, loadLanguage } from '.';

await Promise.all(languages.map(loadLanguage));
