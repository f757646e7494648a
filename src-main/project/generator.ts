// The quick-start generator: wizard answers → a complete project in the latest format. A pure
// function (rule 2): no clock, no randomness, no I/O; the same answers always give the same project.
// The REST endpoint and the UI wizard share it.
import { createHmac } from 'node:crypto';
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import type {
  GroundPlanView,
  Park,
  ProjectFileV2,
  ProjectRole,
  SecurityProfile,
  SiteV2,
  StationInstance,
  StationOverrides,
  StationTemplate,
  WizardAnswers,
} from '../../src-shared/project/index.ts';
import { ProjectError } from './errors.ts';
import { type ProjectProblem, schemaProblems, wizardAnswersSchema } from './schema.ts';
import { validateV2 } from './validation.ts';

/** Roles given to a generated project when the answers name none (placeholders for the auth service). */
export const DEFAULT_ROLES: readonly ProjectRole[] = [
  { id: 'engineer', name: 'Engineer', permissions: ['project:edit', 'stations:command', 'alarms:acknowledge', 'badges:edit', 'read'] },
  { id: 'operator', name: 'Operator', permissions: ['stations:command', 'alarms:acknowledge', 'badges:edit', 'read'] },
  { id: 'viewer', name: 'Viewer', permissions: ['read'] },
];

export { MAX_BATCH_SIZE, expandPattern, type PatternResult } from '../../src-shared/project/pattern.ts';
import { expandPattern } from '../../src-shared/project/pattern.ts';

/** Deterministic station password (HMAC-SHA256 of the id, keyed by the seed): 24 URL-safe characters. */
export function derivePassword(seed: string, stationId: string): string {
  return createHmac('sha256', seed).update(`station-password:${stationId}`).digest('base64url').slice(0, 24);
}

/** Positions of n stations in a grid over the plan (0..100 %), row by row. */
export function gridPositions(n: number, options: { columns?: number; margin?: number } = {}): { x: number; y: number }[] {
  if (n <= 0) return [];
  const columns = Math.max(1, Math.min(options.columns ?? Math.ceil(Math.sqrt(n)), n));
  const rows = Math.ceil(n / columns);
  const margin = options.margin ?? 5;
  const cellW = (100 - 2 * margin) / columns;
  const cellH = (100 - 2 * margin) / rows;
  const round = (v: number): number => Math.round(v * 100) / 100;
  return Array.from({ length: n }, (_, i) => ({
    x: round(margin + ((i % columns) + 0.5) * cellW),
    y: round(margin + (Math.floor(i / columns) + 0.5) * cellH),
  }));
}

function viewId(base: string, taken: Set<string>): string {
  const stem = base.slice(0, 44);
  let id = stem;
  for (let n = 2; taken.has(id); n++) id = `${stem}-${n}`;
  taken.add(id);
  return id;
}

/**
 * Wizard answers → project (latest format). `library` holds the templates the batches may name
 * besides `answers.templates` (which win on equal ids); only the library templates used are copied.
 * Throws ProjectError("wizard answers", problems) with every problem at its place in the answers.
 */
export function generateProject(answers: WizardAnswers, library: readonly StationTemplate[] = []): ProjectFileV2 {
  const schema = schemaProblems(wizardAnswersSchema, answers);
  if (schema.length > 0) throw new ProjectError('wizard answers', schema, 'cannot make a project');

  const problems: ProjectProblem[] = [];
  const own = new Map<string, StationTemplate>();
  for (const [i, template] of (answers.templates ?? []).entries()) {
    if (own.has(template.id)) problems.push({ pointer: `/templates/${i}/id`, message: `"${template.id}" is declared twice` });
    else own.set(template.id, template);
  }
  const libraryById = new Map(library.map((t) => [t.id, t]));
  const usedLibrary = new Map<string, StationTemplate>();
  const madeBy = new Map<string, string>();
  const security = answers.security ?? {};
  let needSeed = 0;

  const sites: SiteV2[] = answers.sites.map((site, si) => ({
    id: site.id,
    name: site.name,
    ...(site.address !== undefined ? { address: site.address } : {}),
    parks: site.parks.map((park, pi): Park => {
      const groupIds = new Set(park.groups.map((g) => g.id));
      const stations: StationInstance[] = [];
      for (const [bi, batch] of park.stations.entries()) {
        const at = `/sites/${si}/parks/${pi}/stations/${bi}`;
        const template = own.get(batch.template) ?? libraryById.get(batch.template);
        if (!template) {
          const known = [...own.keys(), ...libraryById.keys()];
          problems.push({ pointer: `${at}/template`, message: `"${batch.template}" is not a known template${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}` });
        } else if (!own.has(template.id)) usedLibrary.set(template.id, template);
        if (!groupIds.has(batch.group)) problems.push({ pointer: `${at}/group`, message: `"${batch.group}" is not a group of park ${park.id}` });
        const expanded = expandPattern(batch.pattern, batch.count);
        if (!expanded.ok) {
          problems.push({ pointer: `${at}/pattern`, message: `"${batch.pattern}" ${expanded.problem}` });
          continue;
        }
        const duplicates = new Map<string, string[]>();
        for (const id of expanded.ids) {
          const first = madeBy.get(id);
          if (first !== undefined) duplicates.set(first, [...(duplicates.get(first) ?? []), id]);
          else madeBy.set(id, at);
        }
        for (const [first, ids] of duplicates) {
          const shown = ids.slice(0, 5).map((id) => `"${id}"`).join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
          const where = first === at ? 'this same pattern' : first;
          problems.push({ pointer: `${at}/pattern`, message: `"${batch.pattern}" makes station id${ids.length === 1 ? '' : 's'} ${shown} already made by ${where}: station ids must be unique` });
        }
        if (!template || duplicates.size > 0) continue;
        const protocol: OcppProtocol = batch.protocol ?? security.protocol ?? template.protocol;
        const profile: SecurityProfile | undefined =
          batch.securityProfile ?? batch.overrides?.securityProfile ?? security.securityProfile ?? template.securityProfile;
        const overrides: StationOverrides = structuredClone(batch.overrides ?? {});
        if (profile !== undefined && profile !== template.securityProfile) overrides.securityProfile = profile;
        else delete overrides.securityProfile;
        const withPassword = profile === 1 || profile === 2;
        if (withPassword && security.passwordSeed === undefined) needSeed += expanded.ids.length;
        for (const id of expanded.ids) {
          stations.push({
            id,
            template: template.id,
            group: batch.group,
            ...(protocol !== template.protocol ? { protocol } : {}),
            ...(withPassword && security.passwordSeed !== undefined ? { password: derivePassword(security.passwordSeed, id) } : {}),
            ...(Object.keys(overrides).length > 0 ? { overrides: structuredClone(overrides) } : {}),
          });
        }
      }
      gridPositions(stations.length, answers.layout ?? {}).forEach((position, i) => {
        const station = stations[i];
        if (station) station.position = position;
      });
      return { id: park.id, name: park.name, groups: structuredClone(park.groups), stations };
    }),
  }));
  if (needSeed > 0) {
    problems.push({
      pointer: '/security/passwordSeed',
      message: `is required: ${needSeed} station${needSeed === 1 ? '' : 's'} use security profile 1 or 2, which needs a password per station`,
    });
  }
  if (problems.length > 0) throw new ProjectError('wizard answers', problems, 'cannot make a project');

  const taken = new Set<string>();
  const parkViews: GroundPlanView[] = sites.flatMap((site) =>
    site.parks.map((park): GroundPlanView => ({ id: viewId(`${park.id}-plan`, taken), name: park.name || park.id, park: park.id })),
  );
  const views: GroundPlanView[] =
    parkViews.length === 1 && parkViews[0]
      ? [{ ...parkViews[0], home: true }]
      : [{ id: viewId('home', taken), name: answers.name, home: true, links: parkViews.map((v) => v.id) }, ...parkViews];

  const project: ProjectFileV2 = {
    formatVersion: 2,
    name: answers.name,
    ...(answers.description !== undefined ? { description: answers.description } : {}),
    ...(answers.settings !== undefined ? { settings: structuredClone(answers.settings) } : {}),
    sites,
    templates: [...own.values(), ...usedLibrary.values()].map((t) => structuredClone(t)),
    views,
    roles: structuredClone([...(answers.roles ?? DEFAULT_ROLES)]),
    users: (answers.operators ?? []).map((u) => ({ ...structuredClone(u), ...(u.passwordHash === undefined && u.mustChangePassword === undefined ? { mustChangePassword: true } : {}) })),
    archive: structuredClone(answers.archive ?? { kind: 'sqlite' }),
  };
  const final = validateV2(project).map((p) => ({ ...p, pointer: p.pointer.replace(/^\/users\//, '/operators/') }));
  if (final.length > 0) throw new ProjectError('wizard answers', final, 'cannot make a project');
  return project;
}
