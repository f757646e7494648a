import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../i18n/index.ts';
import { formatTime } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { useArchiveHealth } from '../store/archive.ts';
import { api } from '../store/client.ts';
import { useConnection } from '../store/connection.ts';
import { useSession } from '../store/session.ts';
import { useUi } from '../store/ui.ts';
import { Clock, useCountdown } from './Clock.tsx';
import { Icon } from './icons.tsx';
import { SiteSelector } from './SiteSelector.tsx';

function ConnectionIndicator() {
  const { t } = useTranslation();
  const { status, retryAt, transport } = useConnection();
  const seconds = useCountdown(status === 'closed' ? retryAt : null);
  const text =
    status === 'open'
      ? t('header.connection.open')
      : status === 'connecting'
        ? t('header.connection.connecting')
        : status === 'auth-required'
          ? t('header.connection.authRequired')
          : seconds !== null
            ? t('header.connection.closedRetry', { seconds })
            : t('header.connection.closed');
  const tone = status === 'open' ? 'ok' : status === 'connecting' ? 'warn' : 'fault';
  return (
    <div className={`connection tone-${tone}`} data-testid="connection-state" data-state={status} title={t(`header.transport.${transport}`)} role="status" aria-live="polite">
      <span className="connection-dot" aria-hidden="true" />
      <span>{text}</span>
      {status === 'closed' ? (
        <button type="button" className="link-button" onClick={() => api().reconnectNow()}>
          {t('header.retryNow')}
        </button>
      ) : null}
    </div>
  );
}

/** Shown while the archive refuses writes (disk full, file locked...): stations are not being recorded. */
function ArchiveWarning() {
  const { t } = useTranslation();
  const health = useArchiveHealth((s) => s.health);
  const locale = useLocale();
  if (!health || health.storing) return null;
  return (
    <div className="connection tone-fault archive-warning" data-testid="archive-warning" role="alert" title={health.reason ?? undefined}>
      <span className="connection-dot" aria-hidden="true" />
      <span>{t('header.archiveNotStoring', { time: formatTime(new Date(health.since), locale) })}</span>
    </div>
  );
}

/** The signed-in account and its role, with sign-out (only when the server requires accounts). */
function UserBadge() {
  const { t } = useTranslation();
  const principal = useSession((s) => s.principal);
  // Sign-out only makes sense for an account session (not the local operator of a loopback UI).
  const signedIn = principal !== null && api().sessionToken() !== null;
  const logout = useSession((s) => s.logout);
  if (!principal) return null;
  return (
    <div className="user-badge" data-testid="user-badge" data-username={principal.username} data-role={principal.role}>
      <Icon name="user" />
      <span className="user-name">{principal.username}</span>
      <span className="user-role">{t(`roles.${principal.role}`)}</span>
      {signedIn ? (
        <button type="button" className="button button-small" onClick={() => void logout()} data-testid="sign-out">
          {t('login.signOut')}
        </button>
      ) : null}
    </div>
  );
}

export function Header() {
  const { t } = useTranslation();
  const language = useUi((s) => s.language);
  const theme = useUi((s) => s.theme);
  const setLanguage = useUi((s) => s.setLanguage);
  const setTheme = useUi((s) => s.setTheme);
  return (
    <header className="app-header">
      <div className="brand">
        <Icon name="bolt" className="brand-icon" />
        <span className="brand-name">{t('app.name')}</span>
      </div>
      <ConnectionIndicator />
      <ArchiveWarning />
      <div className="header-spacer" />
      <SiteSelector />
      <UserBadge />
      <Clock />
      <div className="segmented" role="group" aria-label={t('header.language')}>
        {LANGUAGES.map((l: Language) => (
          <button key={l} type="button" aria-pressed={language === l} className={language === l ? 'active' : ''} onClick={() => setLanguage(l)} data-testid={`language-${l}`}>
            {l.toUpperCase()}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="icon-button"
        onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        title={theme === 'dark' ? t('header.themeToLight') : t('header.themeToDark')}
        aria-label={theme === 'dark' ? t('header.themeToLight') : t('header.themeToDark')}
        data-testid="theme-toggle"
      >
        <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
      </button>
    </header>
  );
}
