/**
 * One message catalogue per language (en.json, es.json), loaded with i18next. i18next was
 * picked over FormatJS for plain JSON catalogues with nested keys and plurals from
 * Intl.PluralRules, and one hook (useTranslation) in components; dates and numbers are
 * formatted with Intl directly (format.ts), in the person's own locale.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import es from './es.json';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

const KEY = 'parley.language';

function saved(): Language | null {
  if (typeof localStorage === 'undefined') return null;
  try {
    const v = localStorage.getItem(KEY);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : null;
  } catch {
    return null;
  }
}

/** The saved choice, or the first browser language we have a catalogue for, or English. */
/** The browser's languages, most wanted first (none outside a browser: tests in Node). */
function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
}

export function detectLanguage(): Language {
  const chosen = saved();
  if (chosen) return chosen;
  for (const tag of browserLanguages()) {
    const base = tag.toLowerCase().split('-')[0];
    if ((LANGUAGES as readonly string[]).includes(base ?? '')) return base as Language;
  }
  return 'en';
}

/**
 * The locale for dates and times: the browser's own when it is of the chosen language
 * (en-GB keeps 24-hour times, en-US 12-hour), otherwise the language alone.
 */
export function formatLocale(): string {
  const lang = i18next.language || 'en';
  return browserLanguages().find((tag) => tag.toLowerCase().split('-')[0] === lang) ?? lang;
}

export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* private mode: the choice lasts until reload */
  }
  void i18next.changeLanguage(lang);
}

export function initI18n(): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: detectLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false, // the catalogues are bundled: ready before the first render
  });
  if (typeof document !== 'undefined') {
    const sync = () => document.documentElement.setAttribute('lang', i18next.language);
    sync();
    i18next.on('languageChanged', sync);
  }
  return i18next;
}

export const i18n = i18next;
