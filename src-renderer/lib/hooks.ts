import { useEffect, useState } from 'react';
import { LOCALES } from '../i18n/index.ts';
import { useConnection } from '../store/connection.ts';
import { useUi } from '../store/ui.ts';

/** Whether commands can reach the supervisor right now. */
export function useLinkOpen(): boolean {
  return useConnection((s) => s.status === 'open');
}

/** BCP 47 locale of the operator's language, for Intl formatting. */
export function useLocale(): string {
  return LOCALES[useUi((s) => s.language)];
}

/** `value`, updated only after it has been stable for `ms` (typing in server-side filters). */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
