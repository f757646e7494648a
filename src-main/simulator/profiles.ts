// Charging profiles, reduced to what the simulator honours (the first period's limit), and
// the rule that combines them into one limit per connector. Pure: the station owns the instance.
import type { ActiveLimit, ChargingLimit, ProfilePurpose, SimChargingProfile } from './types.ts';

export interface ProfileCriteria {
  id?: number;
  connectorNo?: number;
  purpose?: ProfilePurpose;
  stackLevel?: number;
}

export class ChargingProfiles {
  private profiles: SimChargingProfile[] = [];

  all(): readonly SimChargingProfile[] {
    return this.profiles;
  }

  /** Installs a profile; one with the same id, or the same connector + purpose + stack level, is replaced. */
  set(profile: SimChargingProfile): void {
    this.profiles = this.profiles.filter(
      (p) =>
        p.id !== profile.id &&
        !(p.connectorNo === profile.connectorNo && p.purpose === profile.purpose && p.stackLevel === profile.stackLevel),
    );
    this.profiles.push(profile);
  }

  /** Removes matching profiles (all when no criterion is given); returns how many were removed. */
  clear(criteria: ProfileCriteria): number {
    const before = this.profiles.length;
    this.profiles = this.profiles.filter(
      (p) =>
        !(
          (criteria.id === undefined || p.id === criteria.id) &&
          (criteria.connectorNo === undefined || p.connectorNo === criteria.connectorNo) &&
          (criteria.purpose === undefined || p.purpose === criteria.purpose) &&
          (criteria.stackLevel === undefined || p.stackLevel === criteria.stackLevel)
        ),
    );
    return before - this.profiles.length;
  }

  /** The station-wide maximum in force (highest stack level). */
  stationMax(): SimChargingProfile | undefined {
    return this.profiles
      .filter((p) => p.purpose === 'StationMax')
      .reduce<SimChargingProfile | undefined>((best, p) => (best === undefined || p.stackLevel > best.stackLevel ? p : best), undefined);
  }

  /** Tx profiles live only as long as their transaction. */
  endTransaction(connectorNo: number): void {
    this.profiles = this.profiles.filter((p) => !(p.purpose === 'Tx' && p.connectorNo === connectorNo));
  }

  /**
   * Effective limit of a connector: the transaction-level profile (Tx beats TxDefault, a
   * connector's own TxDefault beats the station-wide one, the highest stack level wins),
   * capped by the station maximum shared equally among the connectors drawing power.
   */
  effective(
    connectorNo: number,
    transactionId: string | null,
    activeConnectors: number,
    toWatts: (limit: ChargingLimit) => number,
  ): ActiveLimit | null {
    const highest = (list: SimChargingProfile[]): SimChargingProfile | undefined =>
      list.reduce<SimChargingProfile | undefined>((best, p) => (best === undefined || p.stackLevel > best.stackLevel ? p : best), undefined);

    const txLevel =
      (transactionId !== null
        ? highest(
            this.profiles.filter(
              (p) => p.purpose === 'Tx' && p.connectorNo === connectorNo && (p.transactionId === undefined || p.transactionId === transactionId),
            ),
          )
        : undefined) ??
      highest(this.profiles.filter((p) => p.purpose === 'TxDefault' && p.connectorNo === connectorNo)) ??
      highest(this.profiles.filter((p) => p.purpose === 'TxDefault' && p.connectorNo === 0));
    const stationMax = this.stationMax();

    let result: ActiveLimit | null = null;
    if (txLevel) result = { unit: txLevel.unit, limit: txLevel.limit, numberPhases: txLevel.numberPhases, powerW: toWatts(txLevel) };
    if (stationMax) {
      const share = Math.max(1, activeConnectors);
      const powerW = toWatts(stationMax) / share;
      if (result === null || powerW < result.powerW) {
        result = { unit: stationMax.unit, limit: stationMax.limit / share, numberPhases: stationMax.numberPhases, powerW };
      }
    }
    return result;
  }
}
