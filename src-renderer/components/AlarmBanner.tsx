// The alarm banner, on every screen under the header: active count per severity, the most severe
// unacknowledged alarm with a one-click Acknowledge, blinking while anything is unacknowledged
// (steady under prefers-reduced-motion), and the audible alert toggle. A click anywhere else on
// it opens the Alarms screen.
import { useEffect, useMemo, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmSeverity } from '../../src-shared/alarms/types.ts';
import { ALARM_SEVERITIES, alarmBanner, msToIso, sourceText } from '../lib/alarms.ts';
import { formatDateTime, formatTime } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { playAlarmTone, primeAudio, primeAudioOnFirstGesture } from '../lib/sound.ts';
import { onAudibleRaise, useAlarms } from '../store/alarms.ts';
import { routeHash, useUi } from '../store/ui.ts';
import { useMayUse } from '../store/session.ts';
import { acknowledgeOne } from '../views/actions.ts';
import { AlarmMessage } from './AlarmMessage.tsx';
import { SeverityPill } from './AlarmPills.tsx';
import { Icon } from './icons.tsx';

const INTERACTIVE = 'button, a, input, select, textarea, label';

/** Plays the alert for new critical/major raises while the preference is on; counts what it played. */
function useAudibleAlert(): number {
  const enabled = useUi((s) => s.alarmSound);
  const [played, setPlayed] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    const unprime = primeAudioOnFirstGesture();
    const off = onAudibleRaise((raised) => {
      const worst = raised.some((a) => a.severity === 'critical') ? 'critical' : 'major';
      if (playAlarmTone(worst)) setPlayed((n) => n + 1);
    });
    return () => {
      off();
      unprime();
    };
  }, [enabled]);
  return played;
}

export function AlarmBanner() {
  const { t } = useTranslation();
  const locale = useLocale();
  const alarms = useAlarms((s) => s.alarms);
  const navigate = useUi((s) => s.navigate);
  const sound = useUi((s) => s.alarmSound);
  const setSound = useUi((s) => s.setAlarmSound);
  const linkOpen = useLinkOpen();
  const mayAcknowledge = useMayUse('acknowledgeAlarms');
  const played = useAudibleAlert();
  const [acking, setAcking] = useState<string | null>(null);
  const banner = useMemo(() => alarmBanner(Object.values(alarms)), [alarms]);
  // Shown per severity: every alarm in the live list that is not shelved (active, or gone but unacknowledged).
  const shown = useMemo(() => {
    const n = Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, 0])) as Record<AlarmSeverity, number>;
    for (const a of Object.values(alarms)) if (!a.shelving && a.state !== 'cleared') n[a.severity] += 1;
    return n;
  }, [alarms]);
  const top = banner.mostSevereUnacknowledged;
  const blinking = banner.unacknowledged > 0;

  const open = (event: MouseEvent<HTMLElement>) => {
    if ((event.target as HTMLElement).closest(INTERACTIVE)) return;
    navigate({ view: 'alarms', stationId: null });
  };

  const acknowledge = async () => {
    if (!top || acking) return;
    setAcking(top.id);
    try {
      await acknowledgeOne(top, t);
    } finally {
      setAcking(null);
    }
  };

  return (
    // The whole strip is a shortcut to the list; the link inside gives keyboard users the same.
    <section
      className={`alarm-banner ${blinking ? `blinking sev-${top?.severity ?? 'info'}` : ''}`}
      aria-label={t('alarms.banner.label')}
      data-testid="alarm-banner"
      data-unacknowledged={banner.unacknowledged}
      data-alerts={played}
      onClick={open}
    >
      <a className="alarm-banner-counts" href={routeHash({ view: 'alarms', stationId: null })} title={t('alarms.banner.open')} data-testid="banner-open">
        <Icon name="alarms" className="alarm-banner-bell" />
        {ALARM_SEVERITIES.map((severity) => {
          const c = banner.counts[severity];
          return (
            <span
              key={severity}
              className={`sev-count sev-${severity} ${shown[severity] > 0 ? 'lit' : ''} ${c.unacknowledged > 0 ? 'unack' : ''}`}
              title={t('alarms.banner.countTitle', { severity: t(`alarms.severity.${severity}`), active: c.active, unacknowledged: c.unacknowledged })}
              data-testid={`banner-count-${severity}`}
              data-count={shown[severity]}
              data-active={c.active}
              data-unacknowledged={c.unacknowledged}
            >
              <span className="sev-count-label">{t(`alarms.severity.${severity}`)}</span>
              <span className="sev-count-value">{shown[severity]}</span>
            </span>
          );
        })}
      </a>
      <span className={`alarm-banner-unack ${banner.unacknowledged > 0 ? 'lit' : ''}`} data-testid="banner-unack-count" data-count={banner.unacknowledged}>
        {banner.unacknowledged > 0 ? t('alarms.banner.unacknowledged', { count: banner.unacknowledged }) : null}
        {banner.shelved > 0 ? <span className="muted">{`${banner.unacknowledged > 0 ? ' · ' : ''}${t('alarms.banner.shelved', { count: banner.shelved })}`}</span> : null}
      </span>
      <div className="alarm-banner-top" data-testid="banner-top" data-alarm-id={top?.id ?? ''}>
        {top ? (
          <>
            <SeverityPill severity={top.severity} />
            <time className="alarm-banner-time" dateTime={msToIso(top.raisedAt) ?? undefined} title={formatDateTime(msToIso(top.raisedAt), locale)}>
              {formatTime(new Date(top.raisedAt), locale)}
            </time>
            {top.source.stationId ? (
              <a className="station-link" href={routeHash({ view: 'stations', stationId: top.source.stationId })} data-testid="banner-station">
                {sourceText(top.source)}
              </a>
            ) : (
              <span className="mono">{sourceText(top.source)}</span>
            )}
            <AlarmMessage alarm={top} className="alarm-banner-message" testId="banner-message" />
            {mayAcknowledge ? (
            <button
              type="button"
              className="button button-small button-primary"
              onClick={() => void acknowledge()}
              disabled={!linkOpen || acking === top.id}
              title={t('alarms.banner.acknowledgeTitle')}
              data-testid="banner-ack"
            >
              <Icon name="check" />
              {t('alarms.banner.acknowledge')}
            </button>
            ) : null}
          </>
        ) : (
          <span className="muted" data-testid="banner-all-clear">
            {t('alarms.banner.allClear')}
          </span>
        )}
      </div>
      <button
        type="button"
        className={`icon-button ${sound ? 'active' : ''}`}
        aria-pressed={sound}
        title={sound ? t('alarms.banner.soundOn') : t('alarms.banner.soundOff')}
        aria-label={sound ? t('alarms.banner.soundOn') : t('alarms.banner.soundOff')}
        onClick={() => {
          if (!sound) primeAudio();
          setSound(!sound);
        }}
        data-testid="banner-sound"
      >
        <Icon name={sound ? 'soundOn' : 'soundOff'} />
      </button>
    </section>
  );
}
