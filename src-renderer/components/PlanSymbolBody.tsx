// The inside of a ground-plan symbol, drawn from its definition (shape, colours per state, value
// slots, animation): used by the ground plan for live stations and by the symbol editor's preview
// for sample ones. Drawn in the shape's own units (SHAPE_LAYOUT); the caller places and scales it.
// Every shape has the same hooks: .plan-card (the body people click), .plan-station-id, the link
// dot, and per connector a g[data-testid=plan-connector-N][data-status] with a .plan-connector-chip
// in the state's colour (CSS variable --tone).
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmSeverity } from '../../src-shared/alarms/types.ts';
import type { ConnectorStatus } from '../../src-shared/domain/index.ts';
import { symbolStateOf, symbolStyle, type PlanSymbol } from '../../src-shared/project/symbols.ts';
import { formatKw, formatKwh, formatPercent } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { powerFraction } from '../lib/plan.ts';
import { SHAPE_LAYOUT, formatChargingTime, slotContent, type ConnectorView, type SlotContent } from '../lib/symbols.ts';
import '../styles/symbols.css';

export interface PlanSymbolBodyProps {
  symbol: PlanSymbol;
  stationId: string;
  online: boolean;
  status: ConnectorStatus;
  connectors: readonly ConnectorView[];
  /** Maximum power per connector, W (power bar scale). */
  maxPowerW: number | null;
  alarm: AlarmSeverity | null;
  /** Clock for the time charging (default: now). */
  now?: number;
}

function toneStyle(color: string): CSSProperties {
  return { '--tone': color } as CSSProperties;
}

function useSlotText() {
  const { t } = useTranslation();
  const locale = useLocale();
  return (content: SlotContent | null, status: ConnectorStatus): string => {
    if (!content) return '';
    switch (content.kind) {
      case 'power':
        return `${formatKw(content.n, locale)} ${t('units.kw')}`;
      case 'soc':
        return `${formatPercent(content.n, locale)}${t('units.percent')}`;
      case 'energy':
        return `${formatKwh(content.n, locale)} ${t('units.kwh')}`;
      case 'duration':
        return formatChargingTime(content.n);
      case 'badge':
        return content.text;
      case 'status':
        return t(`status.${status}`);
    }
  };
}

function Connector({ symbol, c, row, online, maxPowerW, now }: { symbol: PlanSymbol; c: ConnectorView; row: number; online: boolean; maxPowerW: number | null; now: number | undefined }) {
  const { t } = useTranslation();
  const text = useSlotText();
  const layout = SHAPE_LAYOUT[symbol.shape];
  const style = symbolStyle(symbol, symbolStateOf(c.status, online));
  const primary = text(slotContent(symbol.slots.primary, c, online, true, now), c.status);
  const secondary = text(slotContent(symbol.slots.secondary, c, online, false, now), c.status);
  const y = layout.top + row * layout.row;
  const common = {
    className: `plan-connector${style.animation ? ` anim-${style.animation}` : ''}`,
    'data-status': c.status,
    'data-testid': `plan-connector-${c.evseId}`,
    style: toneStyle(style.color),
  };
  const title = <title>{`${t('common.connectorN', { n: c.evseId })} · ${t(`status.${c.status}`)}`}</title>;
  const slots = (primaryAt: { x: number; y: number; anchor?: 'middle' }, secondaryAt: { x: number; y: number }) => (
    <>
      <text className="plan-value" x={primaryAt.x} y={primaryAt.y} textAnchor={primaryAt.anchor ?? 'start'} data-slot="primary" data-value={symbol.slots.primary}>
        {primary}
      </text>
      <text className="plan-soc" x={secondaryAt.x} y={secondaryAt.y} textAnchor="end" data-slot="secondary" data-value={symbol.slots.secondary}>
        {secondary}
      </text>
    </>
  );
  if (symbol.shape === 'pole') {
    const cx = layout.width / 2;
    return (
      <g transform={`translate(0 ${y})`} {...common}>
        {title}
        <circle className="plan-connector-chip" cx={cx} cy={17} r={14} />
        <text className="plan-connector-number" x={cx} y={21} textAnchor="middle">
          {c.evseId}
        </text>
        {slots({ x: cx, y: 43, anchor: 'middle' }, { x: layout.width - 3, y: 9 })}
      </g>
    );
  }
  if (symbol.shape === 'card') {
    const fraction = online ? powerFraction(c.powerW, maxPowerW) : 0;
    const barX = 34;
    const barW = 74;
    return (
      <g transform={`translate(0 ${y})`} {...common}>
        {title}
        <rect className="plan-connector-chip" x={8} y={4} width={20} height={20} rx={4} />
        <text className="plan-connector-number" x={18} y={18} textAnchor="middle">
          {c.evseId}
        </text>
        <rect className="plan-bar-track" x={barX} y={8} width={barW} height={5} rx={2.5} />
        <rect className="plan-bar" x={barX} y={8} width={Math.max(fraction > 0 ? 2 : 0, barW * fraction)} height={5} rx={2.5} />
        {slots({ x: barX, y: 25 }, { x: layout.width - 8, y: 18 })}
      </g>
    );
  }
  // tile and pantograph: one compact line per connector.
  return (
    <g transform={`translate(0 ${y})`} {...common}>
      {title}
      <rect className="plan-connector-chip" x={6} y={3} width={16} height={16} rx={3} />
      <text className="plan-connector-number small" x={14} y={15} textAnchor="middle">
        {c.evseId}
      </text>
      {slots({ x: 28, y: 15 }, { x: layout.width - 6, y: 15 })}
    </g>
  );
}

/** Mast, arm and pantograph over a bus bay; the hood takes the colour of the station's state. */
function Pantograph({ width, present }: { width: number; present: boolean }) {
  const top = 24;
  return (
    <g className="symbol-pantograph" aria-hidden="true">
      <rect className="symbol-mast" x={10} y={top} width={6} height={44} />
      <rect className="symbol-mast" x={10} y={top + 2} width={width - 36} height={5} />
      <path className="symbol-hood" d={`M${width / 2 + 6} ${top + 7} L${width / 2 - 6} ${top + 22} M${width / 2 + 6} ${top + 7} L${width / 2 + 18} ${top + 22}`} />
      <rect className="symbol-hood-bar" x={width / 2 - 16} y={top + 22} width={48} height={4} rx={2} />
      {present ? <rect className="symbol-bus" x={30} y={top + 30} width={width - 44} height={12} rx={4} /> : <rect className="symbol-bay" x={30} y={top + 40} width={width - 44} height={2} />}
    </g>
  );
}

const PRESENT: ReadonlySet<ConnectorStatus> = new Set(['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Occupied']);

export function PlanSymbolBody(props: PlanSymbolBodyProps) {
  const { symbol, online } = props;
  const layout = SHAPE_LAYOUT[symbol.shape];
  const height = layout.top + Math.max(1, props.connectors.length) * layout.row + layout.padding;
  const idSize = symbol.shape === 'card' ? undefined : 'small';
  const linkX = layout.width - (symbol.shape === 'card' ? 12 : 9);
  return (
    <>
      <rect className={`plan-card shape-${symbol.shape}`} width={layout.width} height={height} rx={symbol.shape === 'pole' ? layout.width / 2.6 : 6} />
      {symbol.shape === 'card' || symbol.shape === 'tile' ? <rect className="plan-card-edge" width={4} height={height} rx={2} /> : null}
      <text className={`plan-station-id ${idSize ?? ''}`} x={symbol.shape === 'pole' ? layout.width / 2 : symbol.shape === 'card' ? 12 : 9} y={symbol.shape === 'card' ? 19 : 16} textAnchor={symbol.shape === 'pole' ? 'middle' : 'start'}>
        {props.stationId}
      </text>
      {symbol.shape !== 'pole' ? <circle className={`plan-link ${online ? 'on' : 'off'}`} cx={linkX} cy={symbol.shape === 'card' ? 14 : 12} r={4} /> : null}
      {symbol.shape === 'pantograph' ? <Pantograph width={layout.width} present={online && props.connectors.some((c) => PRESENT.has(c.status))} /> : null}
      {props.alarm ? (
        <g className={`plan-alarm sev-${props.alarm}`} transform={`translate(${layout.width - (symbol.shape === 'pole' ? 16 : 30)} ${symbol.shape === 'pole' ? -8 : 5})`} data-testid={`plan-alarm-${props.stationId}`}>
          <path d="M7 0L14 13H0Z" />
          <text x={7} y={11.5} textAnchor="middle">
            !
          </text>
        </g>
      ) : null}
      {props.connectors.map((c, i) => (
        <Connector key={`${c.evseId}-${i}`} symbol={symbol} c={c} row={i} online={online} maxPowerW={props.maxPowerW} now={props.now} />
      ))}
    </>
  );
}
