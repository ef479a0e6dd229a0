import { configureLocalization } from '@lit/localize';
import { sourceLocale, targetLocales } from '../generated/locale-codes';

/** The languages of the interface, each named in itself for the switcher. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'pl', name: 'Polski' },
  { code: 'ru', name: 'Русский' },
] as const satisfies readonly { code: (typeof targetLocales)[number] | typeof sourceLocale; name: string }[];

export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'meshchat.language';
const known = new Set<string>(LANGUAGES.map(({ code }) => code));

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  // Each language is a module of its own, fetched from this origin only when chosen.
  loadLocale: (locale) => import(`../generated/locales/${locale}.ts`),
});

/** `?lang=`, then the language chosen before on this device, then the browser's languages, then English. */
export function preferredLanguage(
  search = location.search,
  stored: string | null = safeStorage()?.getItem(STORAGE_KEY) ?? null,
  browser: readonly string[] = navigator.languages,
): Language {
  const candidates = [new URLSearchParams(search).get('lang'), stored, ...browser];
  for (const candidate of candidates) {
    const code = candidate?.toLowerCase().split('-')[0];
    if (code && known.has(code)) return code as Language;
  }
  return 'en';
}

/** Switch the interface to `language`; resolves once its strings are loaded. Remembered on this device. */
export async function useLanguage(language: Language, remember = false): Promise<void> {
  await setLocale(language);
  document.documentElement.lang = language;
  if (!remember) return;
  safeStorage()?.setItem(STORAGE_KEY, language);
  // A `?lang=` in the address would win over the choice on the next reload: it follows the choice.
  const url = new URL(location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', language);
    history.replaceState(history.state, '', url.href);
  }
}

export function currentLanguage(): Language {
  const locale = getLocale();
  return known.has(locale) ? (locale as Language) : 'en';
}

/** localStorage, unless the browser refuses it (private modes, blocked storage). */
function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
