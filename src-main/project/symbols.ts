// Ground-plan symbol library (issue 7): the built-in symbols (assets/symbols/*.json), and the pure
// edits of a project's own symbols (add or replace one, delete one unless something uses it).
// The I/O shell that saves them as project versions is symbol-store.ts.
import { loadJsonLibrary } from './json-library.ts';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SYMBOL_ID,
  describeSymbolUsers,
  mergeSymbols,
  stationSymbolIds,
  symbolUsers,
  unknownSymbolRefs,
  type PlanSymbol,
  type ProjectFileV2,
  type SymbolLibraryInfo,
} from '../../src-shared/project/index.ts';
import { planSymbolSchema, schemaProblems, type ProjectProblem } from './schema.ts';
import { ApiError, type RefusalCode } from '../../src-shared/api/index.ts';

export const DEFAULT_SYMBOL_DIR = resolve(fileURLToPath(import.meta.url), '../../../assets/symbols');

export class SymbolError extends ApiError {
  declare readonly code: RefusalCode;
  constructor(code: RefusalCode, message: string) {
    super(code, message);
    this.name = 'SymbolError';
  }
}

/** Problems of one symbol document (JSON pointers inside the symbol). */
export function symbolProblems(data: unknown): ProjectProblem[] {
  return schemaProblems(planSymbolSchema, data);
}

const cache = new Map<string, PlanSymbol[]>();

/** Reads and validates every *.json of a symbol folder, sorted by file name; ids must be unique. Read once per folder. */
export function loadSymbolLibrary(dir: string = DEFAULT_SYMBOL_DIR): PlanSymbol[] {
  const cached = cache.get(dir);
  if (cached) return structuredClone(cached);
  const symbols = loadJsonLibrary<PlanSymbol>(dir, 'ground-plan symbol', symbolProblems);
  cache.set(dir, symbols);
  return structuredClone(symbols);
}

/** The library as people read it: every symbol with its origin and users, and each station's symbol. */
export function symbolLibraryOf(project: ProjectFileV2 | null, builtIn: readonly PlanSymbol[], version: number | null): SymbolLibraryInfo {
  const merged = mergeSymbols(builtIn, project?.symbols ?? []);
  const known = new Set(merged.map((s) => s.id));
  const empty = { templates: [], sites: [] };
  return {
    symbols: merged.map((s) => ({ ...s, users: symbolUsers(project ?? empty, s.id) })),
    stationSymbols: stationSymbolIds(project ?? empty, known),
    defaultSymbol: DEFAULT_SYMBOL_ID,
    version,
    unknown: unknownSymbolRefs(project ?? empty, known),
  };
}

/** The project with `symbol` added to its own symbols, or replacing its copy of the same id. Checked first. */
export function withSymbol(project: ProjectFileV2, symbol: unknown): ProjectFileV2 {
  const problems = symbolProblems(symbol);
  if (problems.length > 0) throw new SymbolError('BadRequest', `The symbol is not valid:\n${problems.map((p) => `  ${p.pointer || '(symbol)'} ${p.message}`).join('\n')}`);
  const next = structuredClone(project);
  const own = next.symbols ?? [];
  const s = structuredClone(symbol as PlanSymbol);
  const at = own.findIndex((x) => x.id === s.id);
  if (at >= 0) own[at] = s;
  else own.push(s);
  next.symbols = own;
  return next;
}

/**
 * The project without its symbol `id`. A built-in symbol cannot be deleted, only its edited copy
 * (the built-in one comes back); a symbol of the project's own that a template or station names is
 * refused, naming them.
 */
export function withoutSymbol(project: ProjectFileV2, id: string, builtIn: readonly PlanSymbol[]): { project: ProjectFileV2; reverted: boolean } {
  const own = project.symbols ?? [];
  const isBuiltIn = builtIn.some((s) => s.id === id);
  const index = own.findIndex((s) => s.id === id);
  if (index < 0) {
    if (isBuiltIn) throw new SymbolError('Conflict', `Symbol ${id} is built in: it cannot be deleted (edit it, or delete your edited copy to get the original back)`);
    throw new SymbolError('NotFound', `No symbol ${id} in the project`);
  }
  if (!isBuiltIn) {
    if (id === DEFAULT_SYMBOL_ID) throw new SymbolError('Conflict', `Symbol ${id} is the default symbol: it cannot be deleted`);
    const users = describeSymbolUsers(symbolUsers(project, id));
    if (users !== '') throw new SymbolError('Conflict', `Symbol ${id} is in use by ${users}: choose another symbol for them first`);
  }
  const next = structuredClone(project);
  const rest = own.filter((s) => s.id !== id);
  if (rest.length > 0) next.symbols = rest;
  else delete next.symbols;
  return { project: next, reverted: isBuiltIn };
}
