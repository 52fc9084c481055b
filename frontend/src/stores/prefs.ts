import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { en, fr, type MessageKey } from '@/i18n/messages';

export type Theme = 'dark' | 'light';
export type DisplayTimezone = 'UTC' | 'local';
export type Language = 'fr' | 'en';

const STORAGE_KEY = 'aristobot.prefs';

interface StoredPrefs {
  theme: Theme;
  displayTimezone: DisplayTimezone;
  language: Language;
}

function load(): StoredPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<StoredPrefs>;
    return {
      theme: raw.theme === 'light' ? 'light' : 'dark',
      displayTimezone: raw.displayTimezone === 'local' ? 'local' : 'UTC',
      language: raw.language === 'en' ? 'en' : 'fr',
    };
  } catch {
    return { theme: 'dark', displayTimezone: 'UTC', language: 'fr' };
  }
}

/**
 * Display preferences: kept in LocalStorage so the page paints right before sign-in, and in the user's profile
 * (the account store syncs them both ways).
 */
export const usePrefsStore = defineStore('prefs', () => {
  const initial = load();
  const theme = ref<Theme>(initial.theme);
  const displayTimezone = ref<DisplayTimezone>(initial.displayTimezone);
  const language = ref<Language>(initial.language);

  watch(
    [theme, displayTimezone, language],
    () => {
      localStorage.setItem(
        STORAGE_KEY,
        JSON.stringify({ theme: theme.value, displayTimezone: displayTimezone.value, language: language.value }),
      );
      document.documentElement.dataset.theme = theme.value;
      document.documentElement.lang = language.value;
    },
    { immediate: true },
  );

  function t(key: MessageKey, params: Record<string, string | number> = {}): string {
    const template = (language.value === 'en' ? en : fr)[key];
    return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
  }

  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return { theme, displayTimezone, language, t, browserZone };
});
