// Screens still to be built say what they will do, so the navigation is never a dead end.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../components/icons.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import type { View } from '../store/ui.ts';

export type PlaceholderViewName = Exclude<View, 'stations' | 'transactions' | 'badges' | 'alarms' | 'groundPlan'>;

export function PlaceholderView(props: { view: PlaceholderViewName; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="view" data-testid={`view-${props.view}`}>
      <div className="view-header">
        <h1>{t(`nav.${props.view}`)}</h1>
        <Pill tone="info">{t('placeholder.planned')}</Pill>
      </div>
      <div className="placeholder">
        <Icon name={props.view} className="placeholder-icon" />
        <p>{t(`placeholder.${props.view}`)}</p>
      </div>
      {props.children}
    </div>
  );
}
