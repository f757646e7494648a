// The project's sites (loaded once per connection: they change only with the project) and
// the site chosen in the header, which the overview and the energy screen honour. The choice
// is kept per workstation.
import { useEffect } from 'react';
import { create } from 'zustand';
import type { SiteInfo } from '../../src-shared/api/energy.ts';
import { api } from './client.ts';
import { useConnection } from './connection.ts';
import { useSession } from './session.ts';

const SITE_KEY = 'evs.site';

function loadSiteId(): string | null {
  try {
    return localStorage.getItem(SITE_KEY);
  } catch {
    return null;
  }
}

interface SitesState {
  sites: SiteInfo[];
  loaded: boolean;
  error: unknown;
  /** The site chosen in the header; null = every site. */
  siteId: string | null;
  load(): Promise<void>;
  setSiteId(siteId: string | null): void;
}

let loading: Promise<void> | null = null;

export const useSites = create<SitesState>((set, get) => ({
  sites: [],
  loaded: false,
  error: null,
  siteId: loadSiteId(),
  load() {
    loading ??= api()
      .call('listSites', {})
      .then((sites) => {
        // A remembered site that is no longer in the project falls back to every site.
        const siteId = get().siteId;
        set({ sites, loaded: true, error: null, siteId: siteId !== null && sites.some((s) => s.id === siteId) ? siteId : null });
      })
      .catch((error: unknown) => set({ error }))
      .finally(() => {
        loading = null;
      });
    return loading;
  },
  setSiteId(siteId) {
    set({ siteId });
    try {
      if (siteId === null) localStorage.removeItem(SITE_KEY);
      else localStorage.setItem(SITE_KEY, siteId);
    } catch {
      // A comfort only.
    }
  },
}));

/** The sites, loaded on first use. */
export function useSiteList(): SiteInfo[] {
  const sites = useSites((s) => s.sites);
  const loaded = useSites((s) => s.loaded);
  const open = useConnection((s) => s.status === 'open');
  // Signing in (or in again) retries a load the server refused.
  const who = useSession((s) => s.principal?.username ?? null);
  useEffect(() => {
    if (!loaded && open) void useSites.getState().load();
  }, [loaded, open, who]);
  return sites;
}

/** The sites in scope of the header choice. */
export function useSitesInScope(): SiteInfo[] {
  const sites = useSiteList();
  const siteId = useSites((s) => s.siteId);
  return siteId === null ? sites : sites.filter((s) => s.id === siteId);
}
