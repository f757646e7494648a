import type { ReactNode } from 'react';
import type { Tone } from '../lib/status.ts';

/** A key figure at the top of a screen; with onClick it is a button (e.g. "show me those"). */
export function Tile(props: { label: string; value: ReactNode; sub?: ReactNode; tone?: Tone; testId?: string; onClick?: () => void }) {
  const content = (
    <>
      <div className="tile-label">{props.label}</div>
      <div className="tile-value">{props.value}</div>
      {props.sub ? <div className="tile-sub">{props.sub}</div> : null}
    </>
  );
  const className = `tile ${props.tone ? `tile-${props.tone}` : ''}`;
  return props.onClick ? (
    <button type="button" className={`${className} tile-button`} data-testid={props.testId} onClick={props.onClick}>
      {content}
    </button>
  ) : (
    <div className={className} data-testid={props.testId}>
      {content}
    </div>
  );
}
