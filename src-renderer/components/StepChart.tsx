// A step chart of a charging schedule: the limit holds from each period's start to the next.
// Used for library profiles (x = seconds from the schedule's start) and composite schedules
// read from stations (x = time of day).
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StepPoint } from '../lib/profiles.ts';

export interface StepChartProps {
  points: readonly StepPoint[];
  unit: string;
  /** Text of an x value (ticks and tooltip). */
  formatX: (t: number) => string;
  formatY: (v: number) => string;
  /** Where the x ticks go (default: recharts' own). */
  ticks?: number[];
  /** Accessible name, also shown when there is nothing to draw. */
  label: string;
  empty: string;
  testId?: string;
  height?: number;
}

export function StepChart(props: StepChartProps) {
  const { points } = props;
  if (points.length === 0) {
    return (
      <p className="muted step-chart-empty" data-testid={props.testId} data-points="0">
        {props.empty}
      </p>
    );
  }
  const first = points[0]?.t ?? 0;
  const last = points[points.length - 1]?.t ?? first;
  return (
    <div className="step-chart" role="img" aria-label={props.label} data-testid={props.testId} data-points={points.length} style={{ height: props.height ?? 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={[...points]} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={[first, last]} ticks={props.ticks} tickFormatter={props.formatX} stroke="var(--muted)" fontSize={11} />
          <YAxis stroke="var(--muted)" fontSize={11} width={56} domain={[0, 'auto']} tickFormatter={(v: number) => `${props.formatY(v)}`} unit={` ${props.unit}`} />
          <Tooltip
            contentStyle={{ background: 'var(--bg-raised)', border: '1px solid var(--border-strong)', color: 'var(--text)' }}
            labelFormatter={(t) => props.formatX(Number(t))}
            formatter={(v) => [`${props.formatY(Number(v))} ${props.unit}`, props.label]}
          />
          <Line type="stepAfter" dataKey="limit" stroke="var(--accent)" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
