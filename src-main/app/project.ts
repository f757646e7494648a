// Loads and validates a project file; errors name the file and the faulty field.
// (The engineering issue moves this into src-main/project with migrations.)
import { readFileSync } from 'node:fs';
import { createAjv } from '../schemas/index.ts';
import { badgeSchema } from '../../src-shared/api/index.ts';
import { PROJECT_FORMAT_VERSION, type ProjectFile } from '../../src-shared/project/index.ts';

const id = { type: 'string', minLength: 1, maxLength: 48, pattern: '^[\\x21-\\x7e]+$' };
const projectSchema = {
  type: 'object',
  required: ['formatVersion', 'name', 'sites'],
  properties: {
    formatVersion: { const: PROJECT_FORMAT_VERSION },
    name: { type: 'string', minLength: 1 },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        autoAccept: { type: 'boolean' },
        heartbeatIntervalS: { type: 'integer', minimum: 10, maximum: 86_400 },
        staleTransactionHours: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    sites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'groups', 'stations'],
        properties: {
          id,
          name: { type: 'string' },
          groups: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'maxPowerW'],
              properties: { id, name: { type: 'string' }, maxPowerW: { type: 'number', minimum: 0 }, parent: id },
            },
          },
          stations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'group', 'protocol', 'kind', 'maxPowerW', 'connectors'],
              properties: {
                id,
                group: id,
                protocol: { enum: ['ocpp1.6', 'ocpp2.0.1'] },
                password: { type: 'string', minLength: 8, maxLength: 64 },
                vendor: { type: 'string' },
                model: { type: 'string' },
                kind: { enum: ['AC', 'DC'] },
                maxPowerW: { type: 'number', exclusiveMinimum: 0 },
                connectors: { type: 'integer', minimum: 1, maximum: 32 },
                phases: { enum: [1, 3] },
                position: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
              },
            },
          },
        },
      },
    },
    badges: { type: 'array', items: badgeSchema },
  },
};

const ajv = createAjv({ allErrors: true });
const validate = ajv.compile(projectSchema);

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

/** Reads a project file; throws ProjectError with every problem found (file, field, what is wrong). */
export function loadProject(path: string): ProjectFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ProjectError(`${path}: cannot read the project: ${error instanceof Error ? error.message : String(error)}`);
  }
  return checkProject(data, path);
}

export function checkProject(data: unknown, source = 'project'): ProjectFile {
  if (!validate(data)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
    throw new ProjectError(`${source} is not a valid project file:\n${problems.join('\n')}`);
  }
  const project = data as unknown as ProjectFile;
  const problems: string[] = [];
  const stationIds = new Set<string>();
  for (const [si, site] of project.sites.entries()) {
    const groups = new Set(site.groups.map((g) => g.id));
    for (const [i, station] of site.stations.entries()) {
      if (stationIds.has(station.id)) problems.push(`  /sites/${si}/stations/${i}/id "${station.id}" is declared twice`);
      stationIds.add(station.id);
      if (!groups.has(station.group)) problems.push(`  /sites/${si}/stations/${i}/group "${station.group}" is not a group of site ${site.id}`);
    }
  }
  if (problems.length > 0) throw new ProjectError(`${source} is not a valid project file:\n${problems.join('\n')}`);
  return project;
}
