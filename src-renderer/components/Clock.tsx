// Its own component so the once-a-second tick re-renders only the clock.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES } from '../i18n/index.ts';
import { formatDate, formatTime } from '../lib/format.ts';
import { useUi } from '../store/ui.ts';

export function Clock() {
  const { t } = useTranslation();
  const locale = LOCALES[useUi((s) => s.language)];
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time className="clock" dateTime={now.toISOString()} title={t('header.clock')} data-testid="clock">
      <span className="clock-date">{formatDate(now, locale)}</span>
      <span className="clock-time">{formatTime(now, locale)}</span>
    </time>
  );
}

/** Seconds until `at`, re-rendered every second while it is in the future. */
export function useCountdown(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
