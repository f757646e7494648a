// Reading a project of any known format: validate it in its own format (errors point into the file as
// written), migrate it to the latest format, validate again, resolve templates.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROJECT_FORMAT_LATEST,
  PROJECT_FORMAT_VERSIONS,
  type ProjectFile,
  type ProjectFileV2,
  type ResolvedProject,
} from '../../src-shared/project/index.ts';
import { ProjectError } from './errors.ts';
import { migrate } from './migrations.ts';
import { toRuntimeProject } from './runtime.ts';
import { type ProjectProblem, projectEnvelopeSchema, schemaProblems } from './schema.ts';
import { resolveProject } from './templates.ts';
import { FORMAT_VALIDATORS } from './validation.ts';

/** The project file inside a project folder. */
export const PROJECT_FILE_NAME = 'project.json';

function formatVersionProblem(value: unknown): ProjectProblem {
  const known = PROJECT_FORMAT_VERSIONS.join(', ');
  if (typeof value === 'number' && Number.isInteger(value) && value > PROJECT_FORMAT_LATEST) {
    return {
      pointer: '/formatVersion',
      message: `is ${value}: the project was saved by a newer EV Supervisor; this one reads formats ${known}`,
    };
  }
  return { pointer: '/formatVersion', message: `must be one of ${known} (the project format version)` };
}

/**
 * Validates a project of any known format, migrates it to the latest format and resolves it.
 * Throws ProjectError naming `source` and every faulty field (JSON pointer into `data` as given).
 */
export function checkProject(data: unknown, source = 'project'): ResolvedProject {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ProjectError(source, [{ pointer: '', message: 'must be an object { ... } (a project file)' }]);
  }
  const version = (data as { formatVersion?: unknown }).formatVersion;
  const validate = typeof version === 'number' ? FORMAT_VALIDATORS[version] : undefined;
  if (validate === undefined || typeof version !== 'number') {
    const others = schemaProblems(projectEnvelopeSchema, data).filter((p) => p.pointer !== '/formatVersion');
    throw new ProjectError(source, [formatVersionProblem(version), ...others]);
  }
  const problems = validate(data);
  if (problems.length > 0) throw new ProjectError(source, problems);
  const migrated = migrate(data, version, PROJECT_FORMAT_LATEST, (step, result) => {
    const stepValidate = FORMAT_VALIDATORS[step];
    const stepProblems = stepValidate ? stepValidate(result) : [];
    if (stepProblems.length > 0) {
      throw new ProjectError(source, stepProblems, `cannot be brought from format ${version} to format ${step} (fields named in format ${step})`);
    }
  });
  return resolveProject(migrated.project as ProjectFileV2, version);
}

/** Reads JSON from a file, or from the project.json of a project folder. */
export function readProjectJson(path: string): { data: unknown; file: string } {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, PROJECT_FILE_NAME);
    return { data: JSON.parse(readFileSync(file, 'utf8')), file };
  } catch (error) {
    throw ProjectError.unreadable(file, error instanceof Error ? error.message : String(error));
  }
}

/** Reads a project file (or folder) of any known format; the resolved project in the latest format. */
export function loadProject(path: string): ResolvedProject {
  const { data, file } = readProjectJson(path);
  return checkProject(data, file);
}

/** checkProject, then the format-1 view the running supervisor consumes. */
export function checkRuntimeProject(data: unknown, source = 'project'): ProjectFile {
  return toRuntimeProject(checkProject(data, source));
}

/** loadProject, then the format-1 view the running supervisor consumes. */
export function loadRuntimeProject(path: string): ProjectFile {
  const { data, file } = readProjectJson(path);
  return checkRuntimeProject(data, file);
}
