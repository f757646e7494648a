// The project screen's data: the latest project version (secrets masked), the version the
// supervisor runs, and the history. Reloaded after every change the screen makes.
import { create } from 'zustand';
import type { ProjectFileV2, ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { api } from './client.ts';

interface ProjectState {
  project: ProjectFileV2 | null;
  latest: ProjectVersionInfo | null;
  /** Version the supervisor runs; null when it runs a project not in the history. */
  running: number | null;
  versions: ProjectVersionInfo[];
  loaded: boolean;
  error: unknown;
  reload(): Promise<void>;
}

export const useProject = create<ProjectState>((set) => ({
  project: null,
  latest: null,
  running: null,
  versions: [],
  loaded: false,
  error: null,
  async reload() {
    try {
      const [current, versions] = await Promise.all([api().call('getProject', {}), api().call('listProjectVersions', {})]);
      set({ project: current.project, latest: current.version, running: current.running, versions, loaded: true, error: null });
    } catch (error) {
      set({ error, loaded: true });
    }
  },
}));
