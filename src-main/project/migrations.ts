// The chain of format migrations: every older project format opens in the latest one without manual
// edits. Each step takes a document already valid in its `from` format and returns one of
// its `to` format; the chain is pure and never changes its input.
//
// Adding format N+1: write its schema and validator (schema.ts, validation.ts), add a migration
// { from: N, to: N+1 } at the end of MIGRATIONS, raise PROJECT_FORMAT_LATEST in src-shared/project,
// and add a fixture folder assets/fixtures/project-v(N+1)/ (the fixtures test picks it up).
import type { BadgeInput, OcppProtocol } from '../../src-shared/domain/index.ts';
import {
  PROJECT_FORMAT_LATEST,
  type ElectricalGroup,
  type GroundPlanView,
  type ProjectFileV2,
  type ProjectSettings,
  type StationInstance,
  type StationTemplate,
} from '../../src-shared/project/index.ts';

export interface ProjectMigration {
  from: number;
  to: number;
  /** What the step does, in words (shown when a project is migrated). */
  title: string;
  migrate(project: unknown): unknown;
}

// ---------------------------------------------------------------------------------------------
// 1 → 2

/** Format 1 as it was read (extra fields were tolerated; they are dropped by the migration). */
interface V1Station {
  id: string;
  group: string;
  protocol: OcppProtocol;
  password?: string;
  vendor?: string;
  model?: string;
  kind: 'AC' | 'DC';
  maxPowerW: number;
  connectors: number;
  phases?: 1 | 3;
  position?: { x?: number; y?: number };
}

interface V1Project {
  formatVersion: 1;
  name: string;
  settings?: ProjectSettings;
  sites: { id: string; name: string; groups: (ElectricalGroup & Record<string, unknown>)[]; stations: V1Station[] }[];
  badges?: BadgeInput[];
}

function slug(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function kilowatts(powerW: number): string {
  return String(Math.round(powerW / 100) / 10);
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

/**
 * Format 1 stations carry every value; format 2 stations name a template. One template is made per
 * distinct (vendor, model, kind, power, connectors, phases), so no migrated station needs an override
 * besides its protocol when it differs from the template's (the protocol most of its stations speak).
 */
function templatesFromV1(project: V1Project): { templates: StationTemplate[]; templateOf: Map<V1Station, StationTemplate> } {
  const byKey = new Map<string, { template: StationTemplate; protocols: Map<OcppProtocol, number> }>();
  const usedIds = new Set<string>();
  const templateOf = new Map<V1Station, StationTemplate>();
  for (const site of project.sites) {
    for (const station of site.stations) {
      const key = JSON.stringify([station.vendor ?? null, station.model ?? null, station.kind, station.maxPowerW, station.connectors, station.phases ?? null]);
      let entry = byKey.get(key);
      if (!entry) {
        const label = [station.vendor, station.model].filter((s) => s !== undefined && s.trim() !== '').join(' ');
        const generic = `${station.kind} ${kilowatts(station.maxPowerW)} kW x${station.connectors}`;
        const base = slug(label) || slug(generic) || 'station';
        let templateId = base;
        for (let n = 2; usedIds.has(templateId); n++) templateId = `${base}-${n}`;
        usedIds.add(templateId);
        const template: StationTemplate = {
          id: templateId,
          name: label || generic,
          description: 'Made from the stations of a format 1 project.',
          ...(station.vendor !== undefined ? { vendor: station.vendor } : {}),
          ...(station.model !== undefined ? { model: station.model } : {}),
          kind: station.kind,
          maxPowerW: station.maxPowerW,
          ...(station.phases !== undefined ? { phases: station.phases } : {}),
          connectors: Array.from({ length: station.connectors }, () => ({})),
          protocol: station.protocol,
        };
        entry = { template, protocols: new Map() };
        byKey.set(key, entry);
      }
      entry.protocols.set(station.protocol, (entry.protocols.get(station.protocol) ?? 0) + 1);
      templateOf.set(station, entry.template);
    }
  }
  for (const { template, protocols } of byKey.values()) {
    // Most used protocol; on a tie the first met (Map keeps insertion order).
    let best: OcppProtocol = template.protocol;
    let bestCount = -1;
    for (const [protocol, count] of protocols) {
      if (count > bestCount) {
        best = protocol;
        bestCount = count;
      }
    }
    template.protocol = best;
  }
  return { templates: [...byKey.values()].map((e) => e.template), templateOf };
}

function migrateV1toV2(input: unknown): ProjectFileV2 {
  const project = input as V1Project;
  const { templates, templateOf } = templatesFromV1(project);
  const views: GroundPlanView[] = [];
  const sites = project.sites.map((site) => {
    const stations = site.stations.map((station): StationInstance => {
      const template = templateOf.get(station);
      if (!template) throw new Error(`no template for station ${station.id}`);
      const x = station.position?.x;
      const y = station.position?.y;
      return {
        id: station.id,
        template: template.id,
        group: station.group,
        ...(station.protocol !== template.protocol ? { protocol: station.protocol } : {}),
        ...(station.password !== undefined ? { password: station.password } : {}),
        ...(typeof x === 'number' && typeof y === 'number' ? { position: { x: clampPercent(x), y: clampPercent(y) } } : {}),
      };
    });
    const groups = site.groups.map(
      (g): ElectricalGroup => ({ id: g.id, name: g.name, maxPowerW: g.maxPowerW, ...(g.parent !== undefined ? { parent: g.parent } : {}) }),
    );
    views.push({ id: `${site.id}-plan`.slice(0, 48), name: site.name || site.id, park: site.id, ...(views.length === 0 ? { home: true } : {}) });
    // One park per site, with the site's id and name: the site's groups and stations move into it.
    return { id: site.id, name: site.name, parks: [{ id: site.id, name: site.name, groups, stations }] };
  });
  return {
    formatVersion: 2,
    name: project.name,
    ...(project.settings !== undefined ? { settings: project.settings } : {}),
    sites,
    templates,
    views,
    ...(project.badges !== undefined ? { badges: project.badges.map(({ category, ...badge }) => (category ? { ...badge, category } : badge)) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

/** Every step, oldest first; step i goes from format i+1 to format i+2. */
export const MIGRATIONS: readonly ProjectMigration[] = [
  {
    from: 1,
    to: 2,
    title: 'Format 1 → 2: each site gets one park holding its groups and stations; stations refer to templates made from their values.',
    migrate: migrateV1toV2,
  },
];

export interface MigrationResult {
  project: unknown;
  from: number;
  to: number;
  /** Titles of the steps applied, in order (empty when the project was already in the latest format). */
  applied: string[];
}

/**
 * Brings a document of format `from` (already valid in that format) to format `to` (default the
 * latest), step by step. `validateStep` checks each intermediate result, so a broken step is
 * caught where it happens. Throws when no chain exists.
 */
export function migrate(
  project: unknown,
  from: number,
  to: number = PROJECT_FORMAT_LATEST,
  validateStep?: (version: number, data: unknown) => void,
): MigrationResult {
  let current = structuredClone(project);
  const applied: string[] = [];
  for (let version = from; version < to; ) {
    const step = MIGRATIONS.find((m) => m.from === version);
    if (!step) throw new Error(`no migration from project format ${version}`);
    current = step.migrate(current);
    (current as { formatVersion: number }).formatVersion = step.to;
    applied.push(step.title);
    version = step.to;
    validateStep?.(version, current);
  }
  return { project: current, from, to, applied };
}
