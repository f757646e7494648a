// Public face of the composition root.
export { startSupervisor, PRODUCT_VERSION } from './supervisor.ts';
export type { Supervisor, SupervisorOptions } from './supervisor.ts';
export { loadProject, checkProject, ProjectError } from './project.ts';
export { createApi, validateRequest } from './api.ts';
export type { Api } from './api.ts';
