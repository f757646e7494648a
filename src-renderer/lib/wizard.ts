// The project wizard's form, pure: defaults that make a working project with few actions,
// automatic naming patterns, per-field validation (error keys translated by the screen) and the
// conversion to the WizardAnswers the generator takes. No React, no API.
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import { expandPattern } from '../../src-shared/project/pattern.ts';
import type { ArchiveSettings, ElectricalGroup, ProjectUser, SecurityProfile, WizardAnswers } from '../../src-shared/project/index.ts';

export const WIZARD_STEPS = ['name', 'sites', 'groups', 'stations', 'security', 'archive', 'operators', 'layout', 'preview'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const DEFAULT_TEMPLATE = 'ac-22kw-wallbox';
export const OPERATOR_ROLES = ['engineer', 'operator', 'viewer'] as const;

export interface WizardGroupForm {
  id: string;
  name: string;
  /** kW, as typed. */
  maxKw: string;
  /** A per phase, as typed; empty = no current limit. */
  maxA: string;
  /** Parent group id; empty = fed by the site connection. */
  parent: string;
}

export interface WizardBatchForm {
  template: string;
  count: string;
  pattern: string;
  /** The engineer typed the pattern: it no longer follows the count. */
  patternEdited: boolean;
  group: string;
  /** Empty = the project default (security step). */
  protocol: '' | OcppProtocol;
}

export interface WizardParkForm {
  id: string;
  name: string;
  groups: WizardGroupForm[];
  batches: WizardBatchForm[];
}

export interface WizardSiteForm {
  id: string;
  name: string;
  address: string;
  parks: WizardParkForm[];
}

export interface WizardOperatorForm {
  login: string;
  name: string;
  role: (typeof OPERATOR_ROLES)[number];
  email: string;
}

export interface WizardArchiveForm {
  kind: 'sqlite' | 'sqlserver';
  file: string;
  server: string;
  port: string;
  database: string;
  user: string;
  passwordEnv: string;
  encrypt: boolean;
}

export interface WizardForm {
  name: string;
  description: string;
  sites: WizardSiteForm[];
  /** Empty = each template's own. */
  protocol: '' | OcppProtocol;
  /** Empty = each template's own. */
  securityProfile: '' | '0' | '1' | '2' | '3';
  passwordSeed: string;
  archive: WizardArchiveForm;
  operators: WizardOperatorForm[];
  /** Ground-plan grid columns; empty = about the square root of the station count. */
  layoutColumns: string;
  /** Margin around the grid, %. */
  layoutMargin: string;
  /** The sites' IANA time zone (badge categories' departure times); empty = the server's own. */
  timeZone: string;
}

/** This workstation's time zone: the engineer running the wizard is usually at the site. */
export function workstationTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return '';
  }
}

/** "P1-CP{01..50}": ids numbered from `start`, padded to the widest number (at least two digits). */
export function autoPattern(parkId: string, start: number, count: number): string {
  const end = start + Math.max(count, 1) - 1;
  const width = Math.max(2, String(end).length);
  return `${parkId}-CP{${String(start).padStart(width, '0')}..${String(end).padStart(width, '0')}}`;
}

export function newGroup(parkId: string, index: number): WizardGroupForm {
  return index === 0
    ? { id: `${parkId}-main`, name: 'Main board', maxKw: '250', maxA: '', parent: '' }
    : { id: `${parkId}-F${index}`, name: `Feeder ${index}`, maxKw: '100', maxA: '', parent: `${parkId}-main` };
}

export function newBatch(park: WizardParkForm): WizardBatchForm {
  return { template: DEFAULT_TEMPLATE, count: '10', pattern: '', patternEdited: false, group: park.groups[0]?.id ?? '', protocol: '' };
}

export function newPark(siteIndex: number, parkIndex: number): WizardParkForm {
  const id = siteIndex === 0 ? `P${parkIndex + 1}` : `S${siteIndex + 1}P${parkIndex + 1}`;
  const park: WizardParkForm = { id, name: `Park ${parkIndex + 1}`, groups: [newGroup(id, 0)], batches: [] };
  park.batches.push(newBatch(park));
  return park;
}

export function newSite(siteIndex: number): WizardSiteForm {
  return { id: `S${siteIndex + 1}`, name: `Site ${siteIndex + 1}`, address: '', parks: [newPark(siteIndex, 0)] };
}

export function defaultWizardForm(passwordSeed: string): WizardForm {
  return withAutoPatterns({
    name: '',
    description: '',
    sites: [newSite(0)],
    protocol: '',
    securityProfile: '',
    passwordSeed,
    archive: { kind: 'sqlite', file: '', server: '', port: '1433', database: 'evsupervisor', user: '', passwordEnv: 'EVS_SQL_PASSWORD', encrypt: true },
    operators: [],
    layoutColumns: '',
    layoutMargin: '5',
    timeZone: workstationTimeZone(),
  });
}

/**
 * Renames a park; the group ids the wizard derived from the old id ("P1-main") follow it, with the
 * parents and batch groups that name them.
 */
export function renamePark(form: WizardForm, siteIndex: number, parkIndex: number, id: string): void {
  const park = form.sites[siteIndex]?.parks[parkIndex];
  if (!park) return;
  const before = park.id;
  park.id = id;
  if (before === '' || id === '') return;
  const renamed = new Map<string, string>();
  for (const g of park.groups) {
    if (g.id.startsWith(`${before}-`)) {
      const next = `${id}${g.id.slice(before.length)}`;
      renamed.set(g.id, next);
      g.id = next;
    }
  }
  for (const g of park.groups) g.parent = renamed.get(g.parent) ?? g.parent;
  for (const b of park.batches) b.group = renamed.get(b.group) ?? b.group;
}

/** Every pattern the engineer did not type follows its park id and the counts before it. */
export function withAutoPatterns(form: WizardForm): WizardForm {
  const next = structuredClone(form);
  for (const site of next.sites) {
    for (const park of site.parks) {
      let start = 1;
      for (const batch of park.batches) {
        const count = Number(batch.count);
        const n = Number.isInteger(count) && count > 0 ? count : 1;
        if (!batch.patternEdited) batch.pattern = autoPattern(park.id, start, n);
        start += n;
      }
    }
  }
  return next;
}

export type WizardErrorKey =
  | 'required'
  | 'tooLong'
  | 'id'
  | 'duplicate'
  | 'noSite'
  | 'noPark'
  | 'noGroup'
  | 'number'
  | 'positive'
  | 'parent'
  | 'template'
  | 'groupRequired'
  | 'count'
  | 'pattern'
  | 'duplicateStation'
  | 'seed'
  | 'port'
  | 'env'
  | 'login'
  | 'email'
  | 'columns'
  | 'margin';

export interface WizardError {
  /** Dotted path of the field: "name", "sites.0.parks.1.batches.0.pattern"... */
  field: string;
  /** Key under project.wizard.errors. */
  key: WizardErrorKey;
  params?: Record<string, string | number>;
}

const ID_RULE = /^[\x21-\x7e]{1,48}$/;
const LOGIN_RULE = /^[A-Za-z0-9._@-]{1,64}$/;
const ENV_RULE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EMAIL_RULE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function num(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** The step a field is asked on. */
export function stepOfField(field: string): WizardStep {
  if (field === 'name' || field === 'description' || field === 'timeZone') return 'name';
  if (/^sites\.\d+\.parks\.\d+\.groups\./.test(field)) return 'groups';
  if (/^sites\.\d+\.parks\.\d+\.batches\./.test(field)) return 'stations';
  if (field.startsWith('sites')) return 'sites';
  if (field === 'protocol' || field === 'securityProfile' || field === 'passwordSeed') return 'security';
  if (field.startsWith('archive')) return 'archive';
  if (field.startsWith('operators')) return 'operators';
  if (field.startsWith('layout')) return 'layout';
  return 'preview';
}

function needsSeed(form: WizardForm, templateProfiles: ReadonlyMap<string, number | undefined> | null): boolean {
  if (form.securityProfile === '1' || form.securityProfile === '2') return true;
  if (form.securityProfile !== '') return false;
  // Templates not loaded yet: the generator says whether the seed is needed.
  if (!templateProfiles) return false;
  return form.sites.some((s) => s.parks.some((p) => p.batches.some((b) => [1, 2].includes(templateProfiles.get(b.template) ?? 0))));
}

/**
 * Every problem of the form, each at its field. `templates` maps the library's template ids to their
 * security profile (a station with profile 1 or 2 needs the password seed); null while it is not
 * loaded (template checks are then left to the generator).
 */
export function validateWizard(form: WizardForm, templates: ReadonlyMap<string, number | undefined> | null): WizardError[] {
  const errors: WizardError[] = [];
  const add = (field: string, key: WizardErrorKey, params?: Record<string, string | number>) => errors.push(params ? { field, key, params } : { field, key });
  if (form.name.trim() === '') add('name', 'required');
  else if (form.name.length > 200) add('name', 'tooLong', { max: 200 });
  const ids = (list: { id: string }[], at: (i: number) => string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (item.id.trim() === '') add(at(i), 'required');
      else if (!ID_RULE.test(item.id)) add(at(i), 'id');
      else if (seen.has(item.id)) add(at(i), 'duplicate', { id: item.id });
      seen.add(item.id);
    });
  };
  if (form.sites.length === 0) add('sites', 'noSite');
  ids(form.sites, (i) => `sites.${i}.id`);
  const made = new Map<string, string>();
  form.sites.forEach((site, si) => {
    if (site.parks.length === 0) add(`sites.${si}.parks`, 'noPark');
    ids(site.parks, (i) => `sites.${si}.parks.${i}.id`);
    site.parks.forEach((park, pi) => {
      const at = `sites.${si}.parks.${pi}`;
      if (park.groups.length === 0) add(`${at}.groups`, 'noGroup');
      ids(park.groups, (i) => `${at}.groups.${i}.id`);
      const groupIds = new Set(park.groups.map((g) => g.id));
      park.groups.forEach((g, gi) => {
        const kw = num(g.maxKw);
        if (kw === null) add(`${at}.groups.${gi}.maxKw`, 'number');
        else if (kw <= 0) add(`${at}.groups.${gi}.maxKw`, 'positive');
        if (g.maxA.trim() !== '') {
          const a = num(g.maxA);
          if (a === null) add(`${at}.groups.${gi}.maxA`, 'number');
          else if (a <= 0) add(`${at}.groups.${gi}.maxA`, 'positive');
        }
        if (g.parent !== '' && (!groupIds.has(g.parent) || g.parent === g.id)) add(`${at}.groups.${gi}.parent`, 'parent');
      });
      park.batches.forEach((b, bi) => {
        const bat = `${at}.batches.${bi}`;
        if (templates && !templates.has(b.template)) add(`${bat}.template`, 'template', { template: b.template });
        if (!groupIds.has(b.group)) add(`${bat}.group`, 'groupRequired');
        const count = num(b.count);
        if (count === null || !Number.isInteger(count) || count < 1 || count > 10_000) {
          add(`${bat}.count`, 'count', { max: 10_000 });
          return;
        }
        const expanded = expandPattern(b.pattern, count);
        if (!expanded.ok) {
          add(`${bat}.pattern`, 'pattern', { problem: expanded.problem });
          return;
        }
        const clash = expanded.ids.find((id) => made.has(id));
        if (clash !== undefined) add(`${bat}.pattern`, 'duplicateStation', { id: clash });
        for (const id of expanded.ids) made.set(id, bat);
      });
    });
  });
  if (needsSeed(form, templates) && form.passwordSeed.length < 16) add('passwordSeed', 'seed', { min: 16 });
  if (form.archive.kind === 'sqlserver') {
    if (form.archive.server.trim() === '') add('archive.server', 'required');
    if (form.archive.database.trim() === '') add('archive.database', 'required');
    const port = num(form.archive.port);
    if (form.archive.port.trim() !== '' && (port === null || !Number.isInteger(port) || port < 1 || port > 65_535)) add('archive.port', 'port');
    if (form.archive.passwordEnv.trim() !== '' && !ENV_RULE.test(form.archive.passwordEnv)) add('archive.passwordEnv', 'env');
  }
  const logins = new Set<string>();
  form.operators.forEach((o, i) => {
    if (!LOGIN_RULE.test(o.login)) add(`operators.${i}.login`, 'login');
    else if (logins.has(o.login)) add(`operators.${i}.login`, 'duplicate', { id: o.login });
    logins.add(o.login);
    if (o.email.trim() !== '' && !EMAIL_RULE.test(o.email.trim())) add(`operators.${i}.email`, 'email');
  });
  if (form.layoutColumns.trim() !== '') {
    const c = num(form.layoutColumns);
    if (c === null || !Number.isInteger(c) || c < 1 || c > 100) add('layoutColumns', 'columns', { max: 100 });
  }
  const margin = num(form.layoutMargin);
  if (form.layoutMargin.trim() !== '' && (margin === null || margin < 0 || margin > 40)) add('layoutMargin', 'margin', { max: 40 });
  return errors;
}

/** Number of stations the form makes (valid batches only). */
export function stationCount(form: WizardForm): number {
  return form.sites.reduce((n, s) => n + s.parks.reduce((m, p) => m + p.batches.reduce((k, b) => k + (Number.isInteger(Number(b.count)) ? Math.max(0, Number(b.count)) : 0), 0), 0), 0);
}

/** The generator's input. Call it on a form validateWizard found no problem in. */
export function wizardAnswers(form: WizardForm): WizardAnswers {
  const answers: WizardAnswers = {
    name: form.name.trim(),
    sites: form.sites.map((site) => ({
      id: site.id,
      name: site.name,
      ...(site.address.trim() !== '' ? { address: site.address.trim() } : {}),
      parks: site.parks.map((park) => ({
        id: park.id,
        name: park.name,
        groups: park.groups.map((g): ElectricalGroup => {
          const group: ElectricalGroup = { id: g.id, name: g.name, maxPowerW: Math.round((num(g.maxKw) ?? 0) * 1000) };
          if (g.parent !== '') group.parent = g.parent;
          const a = num(g.maxA);
          if (a !== null) group.maxCurrentA = [a, a, a];
          return group;
        }),
        stations: park.batches.map((b) => ({
          template: b.template,
          pattern: b.pattern,
          count: Number(b.count),
          group: b.group,
          ...(b.protocol !== '' ? { protocol: b.protocol } : {}),
        })),
      })),
    })),
  };
  if (form.description.trim() !== '') answers.description = form.description.trim();
  const security: NonNullable<WizardAnswers['security']> = {};
  if (form.protocol !== '') security.protocol = form.protocol;
  if (form.securityProfile !== '') security.securityProfile = Number(form.securityProfile) as SecurityProfile;
  if (form.passwordSeed.length >= 16) security.passwordSeed = form.passwordSeed;
  answers.security = security;
  const a = form.archive;
  let archive: ArchiveSettings;
  if (a.kind === 'sqlite') archive = a.file.trim() !== '' ? { kind: 'sqlite', file: a.file.trim() } : { kind: 'sqlite' };
  else {
    archive = { kind: 'sqlserver', server: a.server.trim(), database: a.database.trim(), encrypt: a.encrypt };
    if (a.port.trim() !== '') archive.port = Number(a.port);
    if (a.user.trim() !== '') {
      archive.authentication = 'sql';
      archive.user = a.user.trim();
    }
    if (a.passwordEnv.trim() !== '') archive.passwordEnv = a.passwordEnv.trim();
  }
  answers.archive = archive;
  if (form.operators.length > 0) {
    answers.operators = form.operators.map((o): ProjectUser => ({
      login: o.login,
      role: o.role,
      ...(o.name.trim() !== '' ? { name: o.name.trim() } : {}),
      ...(o.email.trim() !== '' ? { email: o.email.trim() } : {}),
    }));
  }
  const layout: NonNullable<WizardAnswers['layout']> = {};
  if (form.layoutColumns.trim() !== '') layout.columns = Number(form.layoutColumns);
  const margin = num(form.layoutMargin);
  if (margin !== null) layout.margin = margin;
  answers.layout = layout;
  if (form.timeZone.trim() !== '') answers.settings = { timeZone: form.timeZone.trim() };
  return answers;
}

/**
 * A problem the generator found ("/sites/0/parks/0/stations/1/pattern ...") at the form field it is
 * about, or null when it has no field of its own.
 */
export function fieldOfPointer(pointer: string): string | null {
  const p = pointer.replace(/^\//, '').split('/');
  if (p[0] === 'name') return 'name';
  if (p[0] === 'settings' && p[1] === 'timeZone') return 'timeZone';
  if (p[0] === 'security' && p[1]) return p[1];
  if (p[0] === 'archive' && p[1]) return `archive.${p[1]}`;
  if (p[0] === 'operators' && p[1] && p[2]) return `operators.${p[1]}.${p[2]}`;
  if (p[0] === 'layout' && p[1]) return p[1] === 'columns' ? 'layoutColumns' : 'layoutMargin';
  if (p[0] === 'sites' && p[1] !== undefined) {
    if (p[2] !== 'parks' || p[3] === undefined) return `sites.${p[1]}.${p[2] ?? 'id'}`;
    const park = `sites.${p[1]}.parks.${p[3]}`;
    if (p[4] === 'groups' && p[5] !== undefined) return `${park}.groups.${p[5]}.${p[6] === 'maxPowerW' ? 'maxKw' : p[6] === 'maxCurrentA' ? 'maxA' : (p[6] ?? 'id')}`;
    if (p[4] === 'stations' && p[5] !== undefined) return `${park}.batches.${p[5]}.${p[6] ?? 'pattern'}`;
    return `${park}.${p[4] ?? 'id'}`;
  }
  return null;
}

/** Problems in a generator error message: lines "  /pointer message". */
export function serverProblems(message: string): Array<{ pointer: string; message: string }> {
  return message
    .split('\n')
    .map((line) => /^\s+(\/\S*|\(root\)) (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pointer: m[1] === '(root)' ? '' : (m[1] ?? ''), message: m[2] ?? '' }));
}

/** A random password seed (32 URL-safe characters) for the station passwords. */
export function randomSeed(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A station's password as the generator derives it (HMAC-SHA256 of the id keyed by the seed, 24
 * URL-safe characters), so the engineer can hand the stations their credentials.
 */
export async function stationPassword(seed: string, stationId: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(seed), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`station-password:${stationId}`)));
  return base64url(mac).slice(0, 24);
}
