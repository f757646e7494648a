// Smart-charging settings the operator changes at run time (staggered start), kept in the
// data directory so that a restart keeps them. Written atomically (temp file + rename).
import { existsSync, readFileSync } from 'node:fs';
import { replaceFileSync } from '../files/index.ts';
import type { OperatorNeeds, SmartChargingSettings } from '../../src-shared/api/index.ts';

export const DEFAULT_SMART_CHARGING_SETTINGS: SmartChargingSettings = {
  staggeredStart: { enabled: false, mode: 'ordered', windowS: 120, spacingS: 15, minOccupancy: 0 },
};

export function loadSmartChargingSettings(file: string): SmartChargingSettings {
  if (!existsSync(file)) return structuredClone(DEFAULT_SMART_CHARGING_SETTINGS);
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<SmartChargingSettings>;
    return { staggeredStart: { ...DEFAULT_SMART_CHARGING_SETTINGS.staggeredStart, ...data.staggeredStart } };
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix or remove it`, { cause: error });
  }
}

/** Replaces `file` with `data` as JSON (old or new after a crash, never empty: files/). */
function writeJsonFile(file: string, data: unknown): void {
  replaceFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

export function saveSmartChargingSettings(file: string, settings: SmartChargingSettings): void {
  writeJsonFile(file, settings);
}

/**
 * What operators entered for running sessions (departure, energy), per transaction id, in the
 * data directory: a restart keeps them. A broken file is reported and the supervisor starts
 * without its entries rather than not at all (the next entry replaces it); an entry of the
 * wrong shape is dropped alone.
 */
export function operatorNeedsFile(file: string, warn: (message: string) => void): { load(): Record<string, OperatorNeeds>; save(needs: Record<string, OperatorNeeds>): void } {
  return {
    load() {
      if (!existsSync(file)) return {};
      try {
        const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object of transaction ids');
        const nullableNumber = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
        const nullableDate = (v: unknown) => v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));
        const kept: Record<string, OperatorNeeds> = {};
        for (const [id, e] of Object.entries(data as Record<string, Partial<OperatorNeeds>>)) {
          if (/^\d+$/.test(id) && e && nullableDate(e.departureAt) && nullableNumber(e.energyWh) && typeof e.deliveredWhAtEntry === 'number' && typeof e.setBy === 'string' && typeof e.setAt === 'string') kept[id] = e as OperatorNeeds;
          else warn(`${file}: the entry for transaction ${id} is not a session need and is ignored`);
        }
        return kept;
      } catch (error) {
        warn(`${file} could not be read (${error instanceof Error ? error.message : String(error)}): the operators' session needs it held are not used`);
        return {};
      }
    },
    save(needs) {
      writeJsonFile(file, needs);
    },
  };
}
