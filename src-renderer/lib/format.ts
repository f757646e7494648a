// Number and time formatting for the operator: locale-aware, fixed decimals so columns align.
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(key, f);
  }
  return f;
}

export const DASH = '—';

export function formatNumber(value: number | null | undefined, locale: string, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? DASH : numberFormat(locale, digits).format(value);
}

/** W → kW with one decimal. */
export function formatKw(watts: number | null | undefined, locale: string): string {
  return watts === null || watts === undefined ? DASH : formatNumber(watts / 1000, locale, 1);
}

/** Wh → kWh with two decimals. */
export function formatKwh(wh: number | null | undefined, locale: string, digits = 2): string {
  return wh === null || wh === undefined ? DASH : formatNumber(wh / 1000, locale, digits);
}

export function formatPercent(value: number | null | undefined, locale: string): string {
  return formatNumber(value, locale, 0);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, kind: 'datetime' | 'time' | 'date'): Intl.DateTimeFormat {
  const key = `${locale}|${kind}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }
        : kind === 'date'
          ? { year: 'numeric', month: '2-digit', day: '2-digit' }
          : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(locale, options);
    dateTimeFormats.set(key, f);
  }
  return f;
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? DASH : dateTimeFormat(locale, 'datetime').format(d);
}

/**
 * A moment in a narrow column: "17:30" on the day of `reference`, else "26/11 17:30" (no
 * seconds: departures and ETAs are plans, not measurements).
 */
export function formatMoment(iso: string | null | undefined, locale: string, reference: Date): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const sameDay = d.getFullYear() === reference.getFullYear() && d.getMonth() === reference.getMonth() && d.getDate() === reference.getDate();
  const options: Intl.DateTimeFormatOptions = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale, options).format(d);
}

export function formatTime(date: Date, locale: string): string {
  return dateTimeFormat(locale, 'time').format(date);
}

export function formatDate(date: Date, locale: string): string {
  return dateTimeFormat(locale, 'date').format(date);
}

/** Duration as h:mm:ss (hours may exceed 24 for long sessions). */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return DASH;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** Value of an <input type="datetime-local"> (local time) → ISO UTC, or undefined when empty/invalid. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** ISO → value for an <input type="datetime-local"> in local time. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
