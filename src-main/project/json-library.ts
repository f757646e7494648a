// A library shipped as one JSON file per item (templates, symbols): every *.json of a folder,
// sorted by file name, each checked by `problemsOf`; ids must be unique across the folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectError } from './errors.ts';
import type { ProjectProblem } from './schema.ts';

export function loadJsonLibrary<T extends { id: string }>(dir: string, what: string, problemsOf: (data: unknown) => ProjectProblem[]): T[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const items: T[] = [];
  const origin = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ProjectError(path, [{ pointer: '', message: `cannot read the ${what}: ${error instanceof Error ? error.message : String(error)}` }], `is not a valid ${what}`);
    }
    const problems = problemsOf(data);
    const item = data as T;
    if (problems.length === 0 && origin.has(item.id)) problems.push({ pointer: '/id', message: `"${item.id}" is already the id of ${origin.get(item.id) ?? `another ${what}`}` });
    if (problems.length > 0) throw new ProjectError(path, problems, `is not a valid ${what}`);
    origin.set(item.id, path);
    items.push(item);
  }
  return items;
}
