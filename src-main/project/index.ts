// Public face of the project model: file formats and migrations, loading (any known format →
// resolved latest format → format-1 runtime view), templates, the wizard generator, station import,
// version history and diff.
export type {
  ArchiveSettings,
  BadgeCategory,
  CollectionDiff,
  ConnectorSpec,
  ConnectorType,
  ElectricalGroup,
  EntityChange,
  EntityRef,
  FieldChange,
  GroundPlanView,
  Park,
  PhaseCurrents,
  ProjectApplyPlan,
  ProjectAlarmRule,
  ProjectBadge,
  ProjectDiff,
  ProjectFile,
  ProjectFileV2,
  ProjectRole,
  ProjectUser,
  ProjectVersionInfo,
  ProjectVersionRecord,
  ResolvedConnector,
  ResolvedProject,
  ResolvedStation,
  ResolvedView,
  SecurityProfile,
  SiteV2,
  StationInstance,
  StationOverrides,
  StationTemplate,
  StationTemplateValues,
  ViewPlacement,
  WizardAnswers,
  WizardPark,
  WizardSite,
  WizardStationBatch,
} from '../../src-shared/project/index.ts';
export { PROJECT_FORMAT_LATEST, PROJECT_FORMAT_VERSION, PROJECT_FORMAT_VERSIONS } from '../../src-shared/project/index.ts';

export { ProjectError } from './errors.ts';
export {
  type ProjectProblem,
  formatProblems,
  projectSchemaV1,
  projectSchemaV2,
  stationTemplateSchema,
  stationOverridesSchema,
  wizardAnswersSchema,
  archiveSettingsSchema,
  alarmRuleSchema,
} from './schema.ts';
export { validateV1, validateV2 } from './validation.ts';
export { MIGRATIONS, migrate, type MigrationResult, type ProjectMigration } from './migrations.ts';
export {
  PROJECT_FILE_NAME,
  checkProject,
  checkRuntimeProject,
  loadProject,
  loadRuntimeProject,
  readProjectJson,
} from './load.ts';
export { toRuntimeProject, toStationDeclaration } from './runtime.ts';
export {
  DEFAULT_TEMPLATE_DIR,
  OVERRIDABLE_FIELDS,
  effectiveAlarmRules,
  effectiveValues,
  loadTemplateLibrary,
  resolveProject,
  resolveStation,
  templateProblems,
} from './templates.ts';
export { DEFAULT_ROLES, derivePassword, expandPattern, generateProject, gridPositions, type PatternResult } from './generator.ts';
export {
  STATION_IMPORT_COLUMNS,
  applyStationTable,
  formatImportErrors,
  importStations,
  isXlsx,
  parseCsv,
  readXlsx,
  type ImportRowError,
  type StationImportColumn,
  type StationImportOptions,
  type StationImportResult,
  type StationTable,
} from './import.ts';
export { diffProjects, jsonDiff } from './diff.ts';
export {
  BUNDLE_FORMAT,
  VERSIONS_DIR,
  diffVersions,
  exportBundle,
  importBundle,
  listVersions,
  parseBundle,
  type ParsedBundle,
  readVersion,
  restoreVersion,
  saveVersion,
  type ProjectBundle,
  type SaveMeta,
} from './versions.ts';
export { ProjectWorkspace, maskSecrets } from './workspace.ts';
export { declarationChanges, planProjectApply, type DeclarationChanges } from './apply.ts';
export { runSelfTest, selfTestHtml, type SelfTestReport, type SelfTestOptions, type StationSelfTest } from './selftest.ts';
// Ground plans per park (issue 3)
export { GROUND_PLAN_ASPECT, GroundPlanError, groundPlanBackgroundPath, groundPlansOf, groundPlansOfRuntime, moveStations, placementProblems, type PlanSource } from './ground-plans.ts';
export { DEFAULT_GROUND_PLAN_BACKGROUND, GroundPlanStore, backgroundProblem, type GroundPlanStoreOptions } from './ground-plan-store.ts';
// Template library, project bundle, add EV charging (issue 7)
export { TemplateEditError, checkTemplateDraft, putTemplate, removeTemplate, templateInstanceChanges, templateUsage } from './template-edit.ts';
export { VIEW_STATION_LIMIT, chargingViews, mergeLibrary, type ChargingLibrary } from './charging.ts';
export { ProjectEditor } from './project-editor.ts';
// Ground-plan symbol library (issue 7)
export { DEFAULT_SYMBOL_DIR, SymbolError, loadSymbolLibrary, symbolLibraryOf, symbolProblems, withSymbol, withoutSymbol } from './symbols.ts';
export { SymbolStore, type SymbolSaveResult, type SymbolStoreOptions } from './symbol-store.ts';
export { planSymbolSchema } from './schema.ts';
// Badge categories (issue 4)
export { ProjectSettingsEditor, withProjectSettings, knownTimeZones } from './settings-editor.ts';
export { BadgeCategoryEditor, BadgeCategoryError, putBadgeCategory, removeBadgeCategory, type CategorizedBadge } from './badge-category-editor.ts';
