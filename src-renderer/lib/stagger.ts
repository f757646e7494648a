// Staggered-start settings as the form holds them (text) ↔ the contract's SmartChargingSettings,
// with the contract's ranges checked field by field before anything is sent.
import type { SmartChargingSettings } from '../../src-shared/api/index.ts';

export interface StaggerDraft {
  enabled: boolean;
  mode: 'ordered' | 'random';
  windowS: string;
  spacingS: string;
  /** Percent in the form, a fraction in the contract. */
  minOccupancy: string;
}

export type StaggerField = 'windowS' | 'spacingS' | 'minOccupancy';

export function staggerToDraft(s: SmartChargingSettings['staggeredStart']): StaggerDraft {
  return {
    enabled: s.enabled,
    mode: s.mode,
    windowS: String(s.windowS),
    spacingS: s.spacingS === undefined ? '' : String(s.spacingS),
    minOccupancy: s.minOccupancy === undefined ? '' : String(Math.round(s.minOccupancy * 1000) / 10),
  };
}

const num = (text: string): number | null => {
  if (text.trim() === '') return null;
  const v = Number(text.replace(',', '.'));
  return Number.isFinite(v) ? v : Number.NaN;
};

/** The settings the draft describes, or the fields to fix (the contract's ranges). */
export function staggerFromDraft(d: StaggerDraft): { settings: SmartChargingSettings | null; invalid: StaggerField[] } {
  const invalid: StaggerField[] = [];
  const windowS = num(d.windowS);
  const spacingS = num(d.spacingS);
  const occupancy = num(d.minOccupancy);
  const windowOk = windowS !== null && !Number.isNaN(windowS) && windowS > 0 && windowS <= 4 * 3600;
  if (!windowOk) invalid.push('windowS');
  // Spacing is compared with the window only when the window itself is right (one message each).
  if (spacingS !== null && (Number.isNaN(spacingS) || spacingS <= 0 || spacingS > 3600 || (windowOk && spacingS > windowS))) invalid.push('spacingS');
  if (occupancy !== null && (Number.isNaN(occupancy) || occupancy < 0 || occupancy > 100)) invalid.push('minOccupancy');
  if (invalid.length > 0 || windowS === null) return { settings: null, invalid };
  const staggeredStart: SmartChargingSettings['staggeredStart'] = { enabled: d.enabled, mode: d.mode, windowS };
  if (spacingS !== null) staggeredStart.spacingS = spacingS;
  if (occupancy !== null) staggeredStart.minOccupancy = occupancy / 100;
  return { settings: { staggeredStart }, invalid };
}

