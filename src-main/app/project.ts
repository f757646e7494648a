// The running supervisor reads projects through the project module: any format version is
// migrated, validated (errors name the file and the field) and resolved to the runtime view.
export { ProjectError, loadRuntimeProject as loadProject, checkRuntimeProject as checkProject } from '../project/index.ts';
