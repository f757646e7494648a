// Operator preferences (persisted per workstation) and the current screen (the URL hash).
import { create } from 'zustand';
import { isLanguage, type Language } from '../i18n/index.ts';
import { parseHash, routeHash, type Route } from '../lib/route.ts';

export { parseHash, routeHash, VIEWS, type Route, type View } from '../lib/route.ts';

export type Theme = 'dark' | 'light';

const PREFS_KEY = 'evs.prefs';

interface Prefs {
  language: Language;
  theme: Theme;
  /** Beep on a new critical or major alarm (off by default: a workstation may be in an office). */
  alarmSound: boolean;
}

function loadPrefs(): Prefs {
  const fallback: Prefs = { language: navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en', theme: 'dark', alarmSound: false };
  try {
    const raw = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<Record<keyof Prefs, unknown>>;
    return {
      language: isLanguage(raw.language) ? raw.language : fallback.language,
      theme: raw.theme === 'light' || raw.theme === 'dark' ? raw.theme : fallback.theme,
      alarmSound: raw.alarmSound === true,
    };
  } catch {
    return fallback;
  }
}

function savePrefs(prefs: Prefs): void {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Preferences are a comfort; losing them is harmless.
  }
}

interface UiState extends Prefs {
  route: Route;
  setLanguage(language: Language): void;
  setTheme(theme: Theme): void;
  setAlarmSound(on: boolean): void;
  /** Navigates (updates the hash; the hashchange listener then sets `route`). */
  navigate(route: Route): void;
  setRoute(route: Route): void;
}

export const useUi = create<UiState>((set, get) => ({
  ...loadPrefs(),
  route: parseHash(window.location.hash),
  setLanguage(language) {
    set({ language });
    savePrefs({ language, theme: get().theme, alarmSound: get().alarmSound });
  },
  setTheme(theme) {
    set({ theme });
    savePrefs({ language: get().language, theme, alarmSound: get().alarmSound });
  },
  setAlarmSound(alarmSound) {
    set({ alarmSound });
    savePrefs({ language: get().language, theme: get().theme, alarmSound });
  },
  navigate(route) {
    const hash = routeHash(route);
    if (window.location.hash !== hash) window.location.hash = hash;
    set({ route });
  },
  setRoute(route) {
    set({ route });
  },
}));

/** The station open on screen (the "selected station"), if any. */
export const useSelectedStationId = () => useUi((s) => s.route.stationId);
