// The I/O shell of the symbol library: reads the project's symbols from the project the supervisor
// runs (its latest version, or the project it started with), saves each change as a new project
// version and applies it live when the supervisor was running the version it was made from.
// One save at a time.
import type { ProjectFile, ProjectFileV2, ProjectVersionInfo, SymbolLibraryInfo } from '../../src-shared/project/index.ts';
import { checkProject } from './load.ts';
import { SymbolError, loadSymbolLibrary, symbolLibraryOf, withSymbol, withoutSymbol } from './symbols.ts';
import type { ProjectWorkspace } from './workspace.ts';

export interface SymbolStoreOptions {
  workspace: ProjectWorkspace;
  /** The project the supervisor started with (format-1 runtime view), if any. */
  runtime: () => ProjectFile | null;
  /** The running project: its version, and the live apply of a new one. */
  live: { readonly version: number | null; apply(versionId: number): Promise<unknown> };
  /** Folder of the built-in symbols (default: assets/symbols). */
  dir?: string;
}

export interface SymbolSaveResult {
  library: SymbolLibraryInfo;
  version: ProjectVersionInfo;
  /** True when the new version now runs (it was made from the running one). */
  applied: boolean;
}

export class SymbolStore {
  private readonly options: SymbolStoreOptions;

  constructor(options: SymbolStoreOptions) {
    this.options = options;
  }

  private builtIn() {
    return loadSymbolLibrary(this.options.dir);
  }

  private async base(): Promise<{ project: ProjectFileV2 | null; version: ProjectVersionInfo | null }> {
    const current = await this.options.workspace.current();
    if (current.project) return current;
    const runtime = this.options.runtime();
    return { project: runtime ? checkProject(runtime, 'running project').project : null, version: null };
  }

  async list(): Promise<SymbolLibraryInfo> {
    const { project, version } = await this.base();
    return symbolLibraryOf(project, this.builtIn(), version?.id ?? null);
  }

  /** Adds or replaces a symbol of the project (a new version "symbol <id> edited"). */
  put(symbol: unknown, author: string, baseVersion?: number | null): Promise<SymbolSaveResult> {
    return this.serial(async (project) => {
      const id = (symbol as { id?: unknown } | null)?.id;
      return { next: withSymbol(project, symbol), message: `symbol ${typeof id === 'string' ? id : '?'} edited` };
    }, author, baseVersion);
  }

  /** Deletes a symbol of the project (refused while in use); an edited built-in one goes back to the original. */
  delete(id: string, author: string, baseVersion?: number | null): Promise<SymbolSaveResult & { reverted: boolean }> {
    let reverted = false;
    return this.serial(async (project) => {
      const result = withoutSymbol(project, id, this.builtIn());
      reverted = result.reverted;
      return { next: result.project, message: reverted ? `symbol ${id} back to the built-in one` : `symbol ${id} deleted` };
    }, author, baseVersion).then((saved) => ({ ...saved, reverted }));
  }

  private serial(edit: (project: ProjectFileV2) => Promise<{ next: ProjectFileV2; message: string }>, author: string, baseVersion: number | null | undefined): Promise<SymbolSaveResult> {
    // One queue with every other edit of the project (ground plans, templates, wizard).
    return this.options.workspace.exclusive(async () => {
      const { project, version: current } = await this.base();
      if (!project) throw new SymbolError('BadRequest', 'The supervisor runs without a project: there is no symbol library to change');
      const currentId = current?.id ?? null;
      if (baseVersion !== undefined && baseVersion !== currentId) {
        throw new SymbolError('Conflict', `The project changed while the symbol was being edited (version ${baseVersion ?? 'none'} → ${currentId ?? 'none'}${current ? `, ${current.author}: ${current.message}` : ''}); nothing was saved: reload and edit again`);
      }
      const { next, message } = await edit(project);
      const wasRunning = this.options.live.version === currentId;
      const version = await this.options.workspace.save(next, author, message);
      if (wasRunning) await this.options.live.apply(version.id);
      return { library: symbolLibraryOf(next, this.builtIn(), version.id), version, applied: wasRunning };
    });
  }
}
