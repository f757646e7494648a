// Structured difference between two projects: stations added / removed / changed (field by field, on
// their effective values, so a template edit shows on every station it reaches), electrical groups
// and their limits, views, templates, sites, parks, and everything else. Pure.
import type {
  CollectionDiff,
  EntityChange,
  EntityRef,
  FieldChange,
  ProjectDiff,
  ProjectFileV2,
  ResolvedProject,
} from '../../src-shared/project/index.ts';
import { resolveProject } from './templates.ts';

type Json = unknown;

const MASK = '********';
const SECRET_FIELD = /(^|\/)(password|passwordHash)$/;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equal(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/** The key that identifies the items of a list, when every item of both lists has a unique one. */
function keyOf(a: Json[], b: Json[]): string | null {
  for (const key of ['id', 'login', 'idTag', 'station']) {
    const all = [...a, ...b];
    if (all.length === 0) return null;
    if (!all.every((item) => isObject(item) && (typeof item[key] === 'string' || typeof item[key] === 'number'))) continue;
    const unique = (list: Json[]): boolean => new Set(list.map((item) => String((item as Record<string, unknown>)[key]))).size === list.length;
    if (unique(a) && unique(b)) return key;
  }
  return null;
}

function join(prefix: string, key: string | number): string {
  return prefix === '' ? String(key) : `${prefix}/${key}`;
}

/** Field-level changes between two JSON values; lists of items with ids (id, login, idTag, station) are matched by id. */
export function jsonDiff(before: Json, after: Json, prefix = ''): FieldChange[] {
  if (equal(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !Object.hasOwn(before, k))];
    return keys.flatMap((k) => jsonDiff(before[k], after[k], join(prefix, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = keyOf(before, after);
    if (key !== null) {
      const index = (list: Json[]): Map<string, Json> => new Map(list.map((item) => [String((item as Record<string, Json>)[key]), item]));
      const a = index(before);
      const b = index(after);
      const ids = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
      return ids.flatMap((id) => jsonDiff(a.get(id), b.get(id), join(prefix, id)));
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => jsonDiff(before[i], after[i], join(prefix, i))).flat();
  }
  const change: FieldChange = { field: prefix };
  if (before !== undefined) change.before = structuredClone(before);
  if (after !== undefined) change.after = structuredClone(after);
  return [change];
}

function masked(changes: FieldChange[]): FieldChange[] {
  return changes.map((c) => {
    if (!SECRET_FIELD.test(c.field)) return c;
    const out: FieldChange = { field: c.field };
    if (c.before !== undefined) out.before = MASK;
    if (c.after !== undefined) out.after = MASK;
    return out;
  });
}

interface Entity {
  id: string;
  where?: string;
  value: Json;
}

function collectionDiff(before: Entity[], after: Entity[], keyOfEntity: (e: Entity) => string = (e) => e.id): CollectionDiff {
  const a = new Map(before.map((e) => [keyOfEntity(e), e]));
  const b = new Map(after.map((e) => [keyOfEntity(e), e]));
  const ref = (e: Entity): EntityRef => ({ id: e.id, ...(e.where !== undefined ? { where: e.where } : {}) });
  const added = [...b.entries()].filter(([k]) => !a.has(k)).map(([, e]) => ref(e));
  const removed = [...a.entries()].filter(([k]) => !b.has(k)).map(([, e]) => ref(e));
  const changed: EntityChange[] = [];
  for (const [k, e] of b) {
    const old = a.get(k);
    if (!old) continue;
    const changes = masked(jsonDiff(old.value, e.value));
    if (changes.length > 0) changed.push({ ...ref(e), changes });
  }
  return { added, removed, changed };
}

function entities(resolved: ResolvedProject) {
  const p = resolved.project;
  const sites: Entity[] = p.sites.map((s) => ({ id: s.id, value: { name: s.name, address: s.address } }));
  const parks: Entity[] = p.sites.flatMap((s) => s.parks.map((k) => ({ id: k.id, where: s.id, value: { name: k.name, site: s.id } })));
  const groups: Entity[] = p.sites.flatMap((s) =>
    s.parks.flatMap((k) => k.groups.map((g) => ({ id: g.id, where: `${s.id}/${k.id}`, value: { ...g, park: k.id } }))),
  );
  const stations: Entity[] = resolved.stations.map(({ overridden: _overridden, ...station }) => ({
    id: station.id,
    where: `${station.site}/${station.park}`,
    value: station,
  }));
  const views: Entity[] = (p.views ?? []).map((v) => ({ id: v.id, value: v }));
  const templates: Entity[] = p.templates.map((t) => ({ id: t.id, value: t }));
  const other = {
    name: p.name,
    description: p.description,
    settings: p.settings,
    archive: p.archive,
    alarmRules: p.alarmRules,
    roles: p.roles,
    users: p.users,
    badgeCategories: p.badgeCategories,
    badges: p.badges,
  };
  return { sites, parks, groups, stations, views, templates, other };
}

function resolved(project: ProjectFileV2 | ResolvedProject): ResolvedProject {
  return 'stations' in project && 'project' in project ? project : resolveProject(project);
}

/** What changed from `before` to `after` (valid projects in the latest format, or resolved ones). */
export function diffProjects(before: ProjectFileV2 | ResolvedProject, after: ProjectFileV2 | ResolvedProject): ProjectDiff {
  const a = entities(resolved(before));
  const b = entities(resolved(after));
  const diff: ProjectDiff = {
    stations: collectionDiff(a.stations, b.stations),
    // Group ids are unique per site only.
    groups: collectionDiff(a.groups, b.groups, (e) => `${(e.where ?? '').split('/')[0] ?? ''}/${e.id}`),
    views: collectionDiff(a.views, b.views),
    templates: collectionDiff(a.templates, b.templates),
    sites: collectionDiff(a.sites, b.sites),
    parks: collectionDiff(a.parks, b.parks),
    other: masked(jsonDiff(a.other, b.other)),
    same: false,
  };
  const collections = [diff.stations, diff.groups, diff.views, diff.templates, diff.sites, diff.parks];
  diff.same = diff.other.length === 0 && collections.every((c) => c.added.length + c.removed.length + c.changed.length === 0);
  return diff;
}
