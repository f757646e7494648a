// The I/O shell of the ground plans: reads the plans from the project the supervisor runs (its
// latest version, or the project it started with), saves moved stations as a new project version
// and keeps each park's background image in DATA/ground-plans/. One save at a time.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GROUND_PLAN_BACKGROUND_MAX_BYTES,
  type GroundPlanBackground,
  type GroundPlanBackgroundType,
  type GroundPlanInfo,
  type SaveGroundPlanRequest,
} from '../../src-shared/api/index.ts';
import type { ProjectFile, ProjectFileV2, ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { GroundPlanError, groundPlansOf, groundPlansOfRuntime, moveStations } from './ground-plans.ts';
import { checkProject } from './load.ts';
import type { ProjectWorkspace } from './workspace.ts';
import { replaceFile } from '../files/index.ts';

export const DEFAULT_GROUND_PLAN_BACKGROUND = resolve(fileURLToPath(import.meta.url), '../../../assets/groundplan/default-background.svg');

const EXTENSIONS: Record<GroundPlanBackgroundType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' };


/** Whether `bytes` really are an image of `type` (by its first bytes); the problem in words otherwise. */
export function backgroundProblem(type: GroundPlanBackgroundType, bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'The background image is empty';
  if (bytes.length > GROUND_PLAN_BACKGROUND_MAX_BYTES) return `The background image has ${bytes.length.toLocaleString('en')} bytes; at most ${GROUND_PLAN_BACKGROUND_MAX_BYTES.toLocaleString('en')} (${GROUND_PLAN_BACKGROUND_MAX_BYTES / (1024 * 1024)} MB) are accepted`;
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (type === 'image/png' && !starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'The background is not a PNG image (send PNG, JPEG or SVG)';
  if (type === 'image/jpeg' && !starts(0xff, 0xd8, 0xff)) return 'The background is not a JPEG image (send PNG, JPEG or SVG)';
  if (type === 'image/svg+xml') {
    const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (!head.startsWith('<') || !/<svg[\s>]/i.test(head)) return 'The background is not an SVG image (send PNG, JPEG or SVG)';
  }
  return null;
}

export interface GroundPlanStoreOptions {
  workspace: ProjectWorkspace;
  /** The project the supervisor started with (format-1 runtime view), if any. */
  runtime: ProjectFile | null;
  /** Where the background images are kept. */
  dir: string;
}

export class GroundPlanStore {
  private readonly options: GroundPlanStoreOptions;
  /** The started project in the latest format (when there is no version yet). */
  private migrated: ProjectFileV2 | null | undefined;

  constructor(options: GroundPlanStoreOptions) {
    this.options = options;
  }

  /** The project the plans come from: its latest version, else the started one in the latest format. */
  private async base(): Promise<{ project: ProjectFileV2 | null; version: ProjectVersionInfo | null }> {
    const current = await this.options.workspace.current();
    if (current.project) return current;
    if (this.migrated === undefined) {
      try {
        this.migrated = this.options.runtime ? checkProject(this.options.runtime, 'running project').project : null;
      } catch {
        this.migrated = null;
      }
    }
    return { project: this.migrated, version: null };
  }

  private fileBase(parkId: string): string {
    return join(this.options.dir, Buffer.from(parkId).toString('base64url'));
  }

  private async customBackgrounds(): Promise<Set<string>> {
    let names: string[];
    try {
      names = await readdir(this.options.dir);
    } catch {
      return new Set();
    }
    const parks = new Set<string>();
    for (const name of names) {
      const match = /^([A-Za-z0-9_-]+)\.(png|jpg|svg)$/.exec(name);
      if (match?.[1]) parks.add(Buffer.from(match[1], 'base64url').toString());
    }
    return parks;
  }

  async list(): Promise<GroundPlanInfo[]> {
    const [{ project, version }, customBackgrounds] = await Promise.all([this.base(), this.customBackgrounds()]);
    const source = { version: version?.id ?? null, customBackgrounds };
    if (project) return groundPlansOf(project, source);
    return this.options.runtime ? groundPlansOfRuntime(this.options.runtime, source) : [];
  }

  private async planOf(parkId: string): Promise<GroundPlanInfo> {
    const plan = (await this.list()).find((p) => p.parkId === parkId);
    if (!plan) throw new GroundPlanError('NotFound', `No park ${parkId} in the project`);
    return plan;
  }

  /** The park's background image (its own, or the default drawing). */
  async background(parkId: string): Promise<GroundPlanBackground & { bytes: Buffer }> {
    await this.planOf(parkId);
    for (const [type, extension] of Object.entries(EXTENSIONS) as Array<[GroundPlanBackgroundType, string]>) {
      try {
        const bytes = await readFile(`${this.fileBase(parkId)}.${extension}`);
        return { parkId, contentType: type, bytes, custom: true, dataUrl: `data:${type};base64,${bytes.toString('base64')}` };
      } catch {
        // not this type
      }
    }
    const bytes = readFileSync(DEFAULT_GROUND_PLAN_BACKGROUND);
    return { parkId, contentType: 'image/svg+xml', bytes, custom: false, dataUrl: `data:image/svg+xml;base64,${bytes.toString('base64')}` };
  }

  /**
   * Moves stations (a new project version "ground plan <park> edited" when any moved) and sets or
   * removes the background. Everything is checked before anything is written.
   */
  save(request: SaveGroundPlanRequest, author: string): Promise<{ plan: GroundPlanInfo; version: ProjectVersionInfo | null }> {
    // One queue with every other edit of the project (templates, symbols, wizard).
    return this.options.workspace.exclusive(() => this.saveNow(request, author));
  }

  private async saveNow(request: SaveGroundPlanRequest, author: string): Promise<{ plan: GroundPlanInfo; version: ProjectVersionInfo | null }> {
    const { parkId, placements, background, baseVersion } = request;
    const { project, version: current } = await this.base();
    if (!project) throw new GroundPlanError('BadRequest', 'The supervisor runs without a project: there is no ground plan to save');
    const currentId = current?.id ?? null;
    if (baseVersion !== undefined && baseVersion !== currentId) {
      throw new GroundPlanError('Conflict', `The project changed while the plan was being edited (version ${baseVersion ?? 'none'} → ${currentId ?? 'none'}${current ? `, ${current.author}: ${current.message}` : ''}); nothing was saved: reload the plan and place the stations again`);
    }
    const { project: next, moved } = moveStations(project, parkId, placements, request.unplace ?? []);
    let image: Uint8Array | null = null;
    if (background) {
      image = Buffer.from(background.data, 'base64');
      const problem = backgroundProblem(background.contentType, image);
      if (problem) throw new GroundPlanError('BadRequest', problem);
    }
    const version = moved.length > 0 ? await this.options.workspace.save(next, author, `ground plan ${parkId} edited`) : null;
    if (background !== undefined) await this.writeBackground(parkId, background?.contentType ?? null, image);
    return { plan: await this.planOf(parkId), version };
  }

  private async writeBackground(parkId: string, type: GroundPlanBackgroundType | null, bytes: Uint8Array | null): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const base = this.fileBase(parkId);
    const keep = type ? `${base}.${EXTENSIONS[type]}` : null;
    if (keep && bytes) {
      await replaceFile(keep, bytes);
    }
    for (const extension of Object.values(EXTENSIONS)) {
      const file = `${base}.${extension}`;
      if (file !== keep) await rm(file, { force: true });
    }
  }
}
