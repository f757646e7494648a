// The ground plans of the project (one per park) and their background images, loaded when the
// ground-plan screen opens or the link comes back; a save replaces the park's plan at once.
import { create } from 'zustand';
import type { GroundPlanInfo, SaveGroundPlanRequest } from '../../src-shared/api/index.ts';
import type { ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { api } from './client.ts';

interface GroundPlansState {
  plans: GroundPlanInfo[];
  loaded: boolean;
  error: unknown;
  /** Background data URL per park. */
  backgrounds: Record<string, string>;
  load(): Promise<void>;
  loadBackground(parkId: string): Promise<void>;
  save(request: SaveGroundPlanRequest): Promise<{ plan: GroundPlanInfo; version: ProjectVersionInfo | null }>;
}

export const useGroundPlans = create<GroundPlansState>((set, get) => ({
  plans: [],
  loaded: false,
  error: null,
  backgrounds: {},
  async load() {
    try {
      const plans = await api().call('listGroundPlans', {});
      set({ plans, loaded: true, error: null });
    } catch (error) {
      set({ loaded: true, error });
    }
  },
  async loadBackground(parkId) {
    try {
      const background = await api().call('getGroundPlanBackground', { parkId });
      set({ backgrounds: { ...get().backgrounds, [parkId]: background.dataUrl } });
    } catch {
      // The plan is drawn without its picture; the grid remains.
    }
  },
  async save(request) {
    const result = await api().call('saveGroundPlan', request);
    set({ plans: get().plans.map((p) => (p.parkId === result.plan.parkId ? result.plan : p)) });
    if (request.background !== undefined) await get().loadBackground(request.parkId);
    return result;
  },
}));
