// Header choice of the site the site-dependent screens show (overview, energy); hidden when
// the project has no site.
import { useTranslation } from 'react-i18next';
import { useSiteList, useSites } from '../store/sites.ts';

export function SiteSelector() {
  const { t } = useTranslation();
  const sites = useSiteList();
  const siteId = useSites((s) => s.siteId);
  const setSiteId = useSites((s) => s.setSiteId);
  if (sites.length === 0) return null;
  return (
    <label className="site-selector">
      <span className="field-label">{t('overview.siteSelector')}</span>
      <select value={siteId ?? ''} onChange={(e) => setSiteId(e.target.value === '' ? null : e.target.value)} data-testid="site-selector">
        <option value="">{t('overview.allSites')}</option>
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
