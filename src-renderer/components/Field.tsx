import type { ReactNode } from 'react';

/** A labelled form control (label above, compact). */
export function Field(props: { label: string; children: ReactNode; wide?: boolean; className?: string }) {
  return (
    <label className={`field ${props.wide ? 'field-wide' : ''} ${props.className ?? ''}`}>
      <span className="field-label">{props.label}</span>
      {props.children}
    </label>
  );
}

/** A titled panel (card) grouping a screen section. */
export function Panel(props: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`panel ${props.className ?? ''}`} data-testid={props.testId}>
      {props.title || props.actions ? (
        <header className="panel-header">
          {props.title ? <h2 className="panel-title">{props.title}</h2> : null}
          {props.actions ? <div className="panel-actions">{props.actions}</div> : null}
        </header>
      ) : null}
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
