// The profile library's shell: keeps the library and the record of uploads in one JSON file
// of the data directory (written atomically: temp file + rename, so a crash never leaves half
// a file), and sends profiles to stations with a result per station.
import { existsSync, readFileSync } from 'node:fs';
import type { ChargingProfileDefinition, CommandResult, ProfileConflict, ProfileUpload, StationCommand } from '../../src-shared/domain/index.ts';
import { findConflicts, validateProfile, validateTarget, type ProfileFieldError } from './library.ts';
import { ApiError, type RefusalCode } from '../../src-shared/api/index.ts';
import { replaceFileSync } from '../files/index.ts';

export type ProfileCommandRunner = (stationId: string, command: StationCommand, operator: string) => Promise<CommandResult>;

export interface ProfileLibraryOptions {
  /** JSON file the library lives in. */
  file: string;
  run: ProfileCommandRunner;
  /** Uploads sent at once (a depot of 200 stations must not open 200 calls at the same instant). */
  concurrency?: number;
}

interface LibraryFile {
  format: 1;
  profiles: ChargingProfileDefinition[];
  uploads: ProfileUpload[];
}

/** Thrown for a request that must change nothing; `fields` point at what to fix. */
export class ProfileLibraryError extends ApiError {
  declare readonly code: RefusalCode;
  readonly fields: ProfileFieldError[];
  readonly conflicts: ProfileConflict[];
  constructor(code: RefusalCode, message: string, fields: ProfileFieldError[] = [], conflicts: ProfileConflict[] = []) {
    super(code, message);
    this.name = 'ProfileLibraryError';
    this.fields = fields;
    this.conflicts = conflicts;
  }
}

export class ProfileLibrary {
  private readonly options: Required<ProfileLibraryOptions>;
  private profiles: ChargingProfileDefinition[] = [];
  /** Last upload per (profile, station, EVSE). */
  private uploads: ProfileUpload[] = [];

  constructor(options: ProfileLibraryOptions) {
    this.options = { concurrency: 16, ...options };
    if (existsSync(options.file)) {
      const text = readFileSync(options.file, 'utf8');
      let data: LibraryFile;
      try {
        data = JSON.parse(text) as LibraryFile;
      } catch (error) {
        throw new Error(`${options.file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix or remove it`, { cause: error });
      }
      if (data.format !== 1 || !Array.isArray(data.profiles) || !Array.isArray(data.uploads)) throw new Error(`${options.file} is not a charging-profile library (format 1)`);
      this.profiles = data.profiles;
      this.uploads = data.uploads;
    }
  }

  private save(): void {
    const data: LibraryFile = { format: 1, profiles: this.profiles, uploads: this.uploads };
    replaceFileSync(this.options.file, `${JSON.stringify(data, null, 2)}\n`);
  }

  list(): { profiles: ChargingProfileDefinition[]; uploads: ProfileUpload[]; conflicts: ProfileConflict[] } {
    return { profiles: [...this.profiles], uploads: [...this.uploads], conflicts: findConflicts(this.profiles, this.uploads) };
  }

  validate(profile: ChargingProfileDefinition, targets: ReadonlyArray<{ stationId: string; evseId: number }> = []): { errors: ProfileFieldError[]; conflicts: ProfileConflict[] } {
    const errors = validateProfile(profile);
    targets.forEach((t, i) => {
      for (const e of validateTarget(profile, t.evseId)) errors.push({ path: `targets[${i}].${e.path}`, message: `${t.stationId}: ${e.message}` });
    });
    const others = this.uploads.filter((u) => u.profileId !== profile.id);
    const conflicts = errors.length > 0 ? [] : findConflicts(this.profiles.filter((p) => p.id !== profile.id), others, { profile, targets: [...targets, ...this.placesOf(profile.id)] });
    return { errors, conflicts };
  }

  /** Where a profile is in force now (accepted uploads). */
  private placesOf(profileId: number): Array<{ stationId: string; evseId: number }> {
    return this.uploads.filter((u) => u.profileId === profileId && u.outcome === 'accepted').map((u) => ({ stationId: u.stationId, evseId: u.evseId }));
  }

  put(profile: ChargingProfileDefinition): ChargingProfileDefinition {
    const { errors } = this.validate(profile);
    if (errors.length > 0) throw new ProfileLibraryError('BadRequest', `profile ${profile.id}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
    const copy: ChargingProfileDefinition = structuredClone(profile);
    const at = this.profiles.findIndex((p) => p.id === profile.id);
    if (at >= 0) this.profiles[at] = copy;
    else this.profiles.push(copy);
    this.profiles.sort((a, b) => a.id - b.id);
    this.save();
    return structuredClone(copy);
  }

  async remove(id: number, clearFromStations: boolean, operator: string): Promise<ProfileUpload[]> {
    if (!this.profiles.some((p) => p.id === id)) throw new ProfileLibraryError('NotFound', `no profile ${id} in the library`);
    const cleared: ProfileUpload[] = [];
    if (clearFromStations) {
      const places = this.uploads.filter((u) => u.profileId === id && u.outcome === 'accepted');
      const stations = [...new Set(places.map((u) => u.stationId))];
      for (const result of await this.eachLimited(stations, (stationId) => this.send(id, stationId, 0, { kind: 'clearProfile', profileId: id }, operator))) cleared.push(result);
    }
    this.profiles = this.profiles.filter((p) => p.id !== id);
    this.uploads = this.uploads.filter((u) => u.profileId !== id);
    this.save();
    return cleared;
  }

  /** Sends a library profile to each target; refuses the whole request when it would clash, unless forced. */
  async upload(id: number, targets: ReadonlyArray<{ stationId: string; evseId: number }>, force: boolean, operator: string): Promise<{ results: ProfileUpload[]; conflicts: ProfileConflict[] }> {
    const profile = this.profiles.find((p) => p.id === id);
    if (!profile) throw new ProfileLibraryError('NotFound', `no profile ${id} in the library`);
    const { errors, conflicts } = this.validate(profile, targets);
    if (errors.length > 0) throw new ProfileLibraryError('BadRequest', errors.map((e) => e.message).join('; '), errors);
    if (conflicts.length > 0 && !force) {
      throw new ProfileLibraryError('Conflict', `not sent: ${conflicts.map((c) => c.message).join(' | ')}`, [], conflicts);
    }
    const results = await this.eachLimited([...targets], (t) => this.send(id, t.stationId, t.evseId, { kind: 'setProfile', evseId: t.evseId, profile }, operator));
    for (const r of results) {
      this.uploads = this.uploads.filter((u) => !(u.profileId === r.profileId && u.stationId === r.stationId && u.evseId === r.evseId));
      this.uploads.push(r);
    }
    this.save();
    return { results, conflicts };
  }

  private async send(profileId: number, stationId: string, evseId: number, command: StationCommand, operator: string): Promise<ProfileUpload> {
    const at = new Date().toISOString();
    try {
      const result = await this.options.run(stationId, command, operator);
      return { profileId, stationId, evseId, at, outcome: result.outcome, status: result.status, detail: result.detail };
    } catch (error) {
      return { profileId, stationId, evseId, at, outcome: 'error', status: 'Error', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  private async eachLimited<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, items.length) }, worker));
    return results;
  }
}
