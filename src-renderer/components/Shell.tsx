// Layout shell: header, navigation, work area, and the global keyboard shortcuts.
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { newestUnacknowledged } from '../lib/alarms.ts';
import { formatTime } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { useAlarms } from '../store/alarms.ts';
import { useConnection } from '../store/connection.ts';
import { useSession } from '../store/session.ts';
import { useToasts } from '../store/toasts.ts';
import { useUi, VIEWS } from '../store/ui.ts';
import { acknowledgeOne } from '../views/actions.ts';
import { AlarmBanner } from './AlarmBanner.tsx';
import { ApiKeyForm } from './ApiKeyForm.tsx';
import { ConfirmHost } from './ConfirmHost.tsx';
import { Header } from './Header.tsx';
import { LoginForm } from './LoginForm.tsx';
import { Nav } from './Nav.tsx';
import { Toasts } from './Toasts.tsx';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Live values must never look live when they are not: a banner and muted colours while the link is down. */
function StaleBanner({ lostAt }: { lostAt: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <div className="stale-banner" role="alert" data-testid="stale-banner">
      {t('header.stale', { time: formatTime(new Date(lostAt), locale) })}
    </div>
  );
}

/** Alt+A: letters move on other layouts and macOS turns Alt+A into "å", so the physical key counts too. */
function isAcknowledgeShortcut(event: KeyboardEvent): boolean {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  const key = event.key.toLowerCase();
  return key === 'a' || (!/^[a-z]$/.test(key) && event.code === 'KeyA');
}

export function Shell(props: { children: ReactNode }) {
  const { t } = useTranslation();
  const authRequired = useConnection((s) => s.status === 'auth-required');
  const lostAt = useConnection((s) => s.lostAt);
  const loginRequired = useSession((s) => s.loginRequired);
  const navigate = useUi((s) => s.navigate);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '/' && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
        const search = document.querySelector<HTMLInputElement>('[data-shortcut="search"]');
        if (search) {
          event.preventDefault();
          search.focus();
          search.select();
        }
      } else if (event.altKey && !event.ctrlKey && !event.metaKey && /^Digit[1-9]$/.test(event.code)) {
        const view = VIEWS[Number(event.code.slice(5)) - 1];
        if (view) {
          event.preventDefault();
          navigate({ view, stationId: null });
        }
      } else if (isAcknowledgeShortcut(event) && !event.repeat) {
        // Works from any screen, even while typing: acknowledging is what the banner asks for.
        event.preventDefault();
        const newest = newestUnacknowledged(Object.values(useAlarms.getState().alarms));
        if (newest) void acknowledgeOne(newest, t);
        else useToasts.getState().push('info', t('alarms.nothingToAcknowledge'), 3000);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, t]);

  return (
    <div className="app">
      <Header />
      <AlarmBanner />
      <div className="app-body">
        <Nav />
        <main className={`app-main ${lostAt !== null ? 'stale' : ''}`} id="main">
          {lostAt !== null ? <StaleBanner lostAt={lostAt} /> : null}
          {props.children}
        </main>
      </div>
      <Toasts />
      <ConfirmHost />
      {authRequired ? <ApiKeyForm /> : loginRequired ? <LoginForm /> : null}
    </div>
  );
}
