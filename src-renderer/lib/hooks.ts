import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiCommandName, ApiRequest, ApiResponse } from '../../src-shared/api/index.ts';
import { LOCALES } from '../i18n/index.ts';
import { api } from '../store/client.ts';
import { useConnection } from '../store/connection.ts';
import { describeError } from './errors.ts';
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

/** What `useCommand` gives: the last answer, the last failure (worded for the operator), a reload. */
export interface CommandResult<T> {
  data: T | null;
  error: string | null;
  reload: () => Promise<void>;
}

/**
 * The answer of a read command, asked on mount and on every `reload()` (after an edit); an answer
 * that arrives after the component is gone is dropped. A failure keeps the last answer shown.
 */
export function useCommand<K extends ApiCommandName>(command: K, request: ApiRequest<K>): CommandResult<ApiResponse<K>> {
  const { t } = useTranslation();
  // By value: a request written inline is a new object at every render.
  const key = JSON.stringify(request);
  const [state, setState] = useState<{ data: ApiResponse<K> | null; error: string | null }>({ data: null, error: null });
  const mounted = useRef(true);
  const reload = useCallback(async () => {
    try {
      const data = await api().call(command, JSON.parse(key) as ApiRequest<K>);
      if (mounted.current) setState({ data, error: null });
    } catch (e) {
      if (mounted.current) setState((s) => ({ ...s, error: describeError(e, t) }));
    }
  }, [command, key, t]);
  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => {
      mounted.current = false;
    };
  }, [reload]);
  return { data: state.data, error: state.error, reload };
}
