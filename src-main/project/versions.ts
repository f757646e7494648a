// Version history of a project folder: the thin I/O shell around the pure parts (validation,
// migration, diff).
//
//   <folder>/project.json          the current project (latest format), what loadProject reads
//   <folder>/versions/0001.json    { id, author, time, message, restoredFrom?, stations, project }
//
// Every save writes a new version file, then project.json. A folder whose project.json predates the
// history gets it adopted as version 1 on the first save (and a project.json of an older format is
// kept beside it as project.format<N>.json). A bundle is one JSON file holding every version.
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectDiff, ProjectFileV2, ProjectVersionInfo, ProjectVersionRecord } from '../../src-shared/project/index.ts';
import { diffProjects } from './diff.ts';
import { ProjectError } from './errors.ts';
import { PROJECT_FILE_NAME, checkProject } from './load.ts';
import type { ProjectProblem } from './schema.ts';
import { createFile, replaceFile } from '../files/index.ts';

export const VERSIONS_DIR = 'versions';
export const BUNDLE_FORMAT = 'ev-supervisor-project-bundle';

export interface SaveMeta {
  author: string;
  message: string;
  /** Time of the version; default now. */
  now?: Date;
}

export interface ProjectBundle {
  format: typeof BUNDLE_FORMAT;
  bundleVersion: 1;
  exportedAt: string;
  name: string;
  /** Every version, oldest first (may be empty for a folder without history). */
  versions: ProjectVersionRecord[];
  /** The current project.json. */
  current: ProjectFileV2;
}

function versionFile(id: number): string {
  return `${String(id).padStart(4, '0')}.json`;
}

function stationCount(project: ProjectFileV2): number {
  return project.sites.reduce((n, s) => n + s.parks.reduce((m, p) => m + p.stations.length, 0), 0);
}

function info(record: ProjectVersionRecord): ProjectVersionInfo {
  const { project: _project, ...rest } = record;
  return rest;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function writeAtomically(path: string, content: string): Promise<void> {
  return replaceFile(path, content);
}

async function versionIds(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, VERSIONS_DIR));
  } catch {
    return [];
  }
  return names
    .filter((n) => /^\d{4,}\.json$/.test(n))
    .map((n) => Number(n.slice(0, -5)))
    .sort((a, b) => a - b);
}

async function readRecord(dir: string, id: number): Promise<ProjectVersionRecord> {
  const file = join(dir, VERSIONS_DIR, versionFile(id));
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProjectError(file, [{ pointer: '', message: reason }], `is not a readable version (version ${id})`);
  }
  const meta: ProjectProblem[] = [];
  if (typeof data.author !== 'string') meta.push({ pointer: '/author', message: 'must be a text' });
  if (typeof data.time !== 'string') meta.push({ pointer: '/time', message: 'must be a text' });
  if (typeof data.message !== 'string') meta.push({ pointer: '/message', message: 'must be a text' });
  if (meta.length > 0) throw new ProjectError(file, meta, 'is not a valid version file');
  const project = checkProject(data.project, `${file} (project)`).project;
  return {
    id,
    author: data.author as string,
    time: data.time as string,
    message: data.message as string,
    ...(typeof data.restoredFrom === 'number' ? { restoredFrom: data.restoredFrom } : {}),
    stations: stationCount(project),
    project,
  };
}

/** Writes versions/NNNN.json with the next free number; never overwrites one. */
async function writeNewVersion(dir: string, record: Omit<ProjectVersionRecord, 'id'>): Promise<ProjectVersionRecord> {
  await mkdir(join(dir, VERSIONS_DIR), { recursive: true });
  const ids = await versionIds(dir);
  let id = (ids.at(-1) ?? 0) + 1;
  for (;;) {
    const full: ProjectVersionRecord = { id, ...record };
    try {
      // Synced before project.json names it: after a power cut no version file is empty.
      await createFile(join(dir, VERSIONS_DIR, versionFile(id)), `${JSON.stringify(full, null, 2)}\n`);
      return full;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      id++;
    }
  }
}

/** A project.json present before the history began becomes version 1. */
async function adoptExisting(dir: string): Promise<void> {
  const file = join(dir, PROJECT_FILE_NAME);
  if ((await versionIds(dir)).length > 0 || !(await exists(file))) return;
  const raw = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw ProjectError.unreadable(file, error instanceof Error ? error.message : String(error));
  }
  const resolved = checkProject(data, file);
  if (resolved.sourceFormatVersion !== resolved.project.formatVersion) {
    await copyFile(file, join(dir, `project.format${resolved.sourceFormatVersion}.json`));
  }
  const { mtime } = await stat(file);
  await writeNewVersion(dir, {
    author: 'unknown',
    time: mtime.toISOString(),
    message: `Project as found before the version history (format ${resolved.sourceFormatVersion})`,
    stations: stationCount(resolved.project),
    project: resolved.project,
  });
}

async function save(dir: string, project: unknown, meta: SaveMeta, restoredFrom?: number): Promise<ProjectVersionInfo> {
  if (meta.author.trim() === '') throw new ProjectError(dir, [{ pointer: '/author', message: 'must not be empty' }], 'cannot save a version');
  const resolved = checkProject(project, 'the project to save');
  await mkdir(dir, { recursive: true });
  await adoptExisting(dir);
  const record = await writeNewVersion(dir, {
    author: meta.author,
    time: (meta.now ?? new Date()).toISOString(),
    message: meta.message,
    ...(restoredFrom !== undefined ? { restoredFrom } : {}),
    stations: stationCount(resolved.project),
    project: resolved.project,
  });
  // A concurrent save that got a higher number owns project.json.
  if ((await versionIds(dir)).at(-1) === record.id) {
    await writeAtomically(join(dir, PROJECT_FILE_NAME), `${JSON.stringify(resolved.project, null, 2)}\n`);
  }
  return info(record);
}

/** Saves a project (any known format; stored in the latest) as a new version and as project.json. */
export function saveVersion(dir: string, project: unknown, meta: SaveMeta): Promise<ProjectVersionInfo> {
  return save(dir, project, meta);
}

/** Every version, oldest first (without their projects). */
export async function listVersions(dir: string): Promise<ProjectVersionInfo[]> {
  const records = await Promise.all((await versionIds(dir)).map((id) => readRecord(dir, id)));
  return records.map(info);
}

/** One version with its project (migrated to the latest format if it was saved in an older one). */
export async function readVersion(dir: string, id: number): Promise<ProjectVersionRecord> {
  if (!(await versionIds(dir)).includes(id)) {
    throw new ProjectError(dir, [{ pointer: '', message: `version ${id} does not exist` }], 'has no such version');
  }
  return readRecord(dir, id);
}

/** What changed from version a to version b. */
export async function diffVersions(dir: string, a: number, b: number): Promise<ProjectDiff> {
  const [before, after] = await Promise.all([readVersion(dir, a), readVersion(dir, b)]);
  return diffProjects(before.project, after.project);
}

/** Makes version `id` current again, as a new version (history is never rewritten). */
export async function restoreVersion(dir: string, id: number, meta: Omit<SaveMeta, 'message'> & { message?: string }): Promise<ProjectVersionInfo> {
  const record = await readVersion(dir, id);
  return save(dir, record.project, { ...meta, message: meta.message ?? `Restore version ${id} (${record.message})` }, id);
}

/** The whole folder (every version and the current project) as one JSON text. */
export async function exportBundle(dir: string, options: { now?: Date } = {}): Promise<string> {
  const ids = await versionIds(dir);
  const versions = await Promise.all(ids.map((id) => readRecord(dir, id)));
  const file = join(dir, PROJECT_FILE_NAME);
  let current: ProjectFileV2;
  if (await exists(file)) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw ProjectError.unreadable(file, error instanceof Error ? error.message : String(error));
    }
    current = checkProject(data, file).project;
  } else {
    const last = versions.at(-1);
    if (!last) throw new ProjectError(dir, [{ pointer: '', message: 'has no project.json and no versions' }], 'cannot be exported');
    current = last.project;
  }
  const bundle: ProjectBundle = {
    format: BUNDLE_FORMAT,
    bundleVersion: 1,
    exportedAt: (options.now ?? new Date()).toISOString(),
    name: current.name,
    versions,
    current,
  };
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

/** A bundle's contents, checked: every version (oldest first) and the current project. */
export interface ParsedBundle {
  name: string;
  exportedAt: string | null;
  versions: ProjectVersionRecord[];
  current: ProjectFileV2;
}

/**
 * Reads and checks a bundle text (pure): the envelope, every version's metadata and project (any
 * known format, migrated), and the current project. Throws a ProjectError naming the faulty field.
 */
export function parseBundle(text: string, source = 'bundle'): ParsedBundle {
  let data: Partial<ProjectBundle>;
  try {
    data = JSON.parse(text) as Partial<ProjectBundle>;
  } catch (error) {
    throw ProjectError.unreadable(source, error instanceof Error ? error.message : String(error));
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ProjectError(source, [{ pointer: '', message: 'must be a bundle object { "format": ... }' }], 'is not a project bundle');
  const problems: ProjectProblem[] = [];
  if (data.format !== BUNDLE_FORMAT) problems.push({ pointer: '/format', message: `must be "${BUNDLE_FORMAT}"` });
  if (data.bundleVersion !== 1) problems.push({ pointer: '/bundleVersion', message: 'must be 1' });
  if (!Array.isArray(data.versions)) problems.push({ pointer: '/versions', message: 'must be a list [ ... ]' });
  if (problems.length > 0) throw new ProjectError(source, problems, 'is not a project bundle');
  const versions: ProjectVersionRecord[] = [];
  const seen = new Set<number>();
  for (const [i, item] of (data.versions ?? []).entries()) {
    const at = `/versions/${i}`;
    if (typeof item !== 'object' || item === null) throw new ProjectError(source, [{ pointer: at, message: 'must be a version { ... }' }], 'is not a valid project bundle');
    const v = item as Partial<ProjectVersionRecord>;
    const own: ProjectProblem[] = [];
    if (typeof v.id !== 'number' || !Number.isInteger(v.id) || v.id < 1) own.push({ pointer: `${at}/id`, message: 'must be a whole number from 1' });
    else if (seen.has(v.id)) own.push({ pointer: `${at}/id`, message: `${v.id} is declared twice` });
    for (const field of ['author', 'time', 'message'] as const) if (typeof v[field] !== 'string') own.push({ pointer: `${at}/${field}`, message: 'must be a text' });
    if (own.length > 0) throw new ProjectError(source, own, 'is not a valid project bundle');
    const id = v.id as number;
    seen.add(id);
    const project = checkProject(v.project, `${source} ${at}/project`).project;
    versions.push({
      id,
      author: v.author as string,
      time: v.time as string,
      message: v.message as string,
      ...(typeof v.restoredFrom === 'number' ? { restoredFrom: v.restoredFrom } : {}),
      stations: stationCount(project),
      project,
    });
  }
  const current = data.current !== undefined ? checkProject(data.current, `${source} /current`).project : versions.at(-1)?.project;
  if (!current) throw new ProjectError(source, [{ pointer: '/current', message: 'is required when the bundle has no versions' }], 'is not a valid project bundle');
  versions.sort((a, b) => a.id - b.id);
  return { name: current.name, exportedAt: typeof data.exportedAt === 'string' ? data.exportedAt : null, versions, current };
}

/**
 * Unpacks a bundle into an empty (or new) folder: every version keeps its number, author, time and
 * message; project.json becomes the bundle's current project. Checks everything before writing.
 */
export async function importBundle(dir: string, text: string, source = 'bundle'): Promise<ProjectVersionInfo[]> {
  const { versions, current } = parseBundle(text, source);
  if ((await versionIds(dir)).length > 0 || (await exists(join(dir, PROJECT_FILE_NAME)))) {
    throw new ProjectError(dir, [{ pointer: '', message: 'already holds a project: import the bundle into an empty folder' }], 'cannot receive the bundle');
  }
  await mkdir(join(dir, VERSIONS_DIR), { recursive: true });
  for (const v of versions) await createFile(join(dir, VERSIONS_DIR, versionFile(v.id)), `${JSON.stringify(v, null, 2)}\n`);
  await writeAtomically(join(dir, PROJECT_FILE_NAME), `${JSON.stringify(current, null, 2)}\n`);
  return versions.map(info);
}
