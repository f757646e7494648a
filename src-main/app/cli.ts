// `npm run serve -- [flags]`: the supervisor in server mode (README "Command line").
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { ProjectError, ProjectWorkspace, loadProject as loadResolvedProject, toRuntimeProject } from '../project/index.ts';
import { loadNotificationSettings } from './notification-settings.ts';
import { startSupervisor } from './supervisor.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const DEMO_PROJECT = resolve(ROOT, 'assets/demo/project.json');

export const USAGE = `Usage: npm run serve -- [options]

  --port N          HTTP/OCPP port (default 8180; 0 picks a free port)
  --host ADDR       address to bind (default 127.0.0.1; the UI needs the API key when not loopback)
  --data DIR        data directory: SQLite archive, API key (default ./data)
  --project PATH    project file to run (default: the latest version in DIR/project, else the demo project)
  --demo            start the simulated demo stations (default when running the demo project)
  --no-demo         do not start the simulated stations
  --auto-accept     accept unknown stations at boot instead of listing them as pending
  --archive-max-mb N  cap the archive size; past it stations get InternalError (nothing is acknowledged unstored)
  --notifications FILE  alarm notifications: recipients, SMTP, SMS gateway (JSON; see README)
  --require-login   UI users must sign in with an account (creates 'admin' at first start)
  --admin-password P  password of the 'admin' account created at first start
  --api-key KEY     REST/UI API key (default: stored in DIR/api-key.txt, generated at first start)
  --log-level LVL   fatal, error, warn, info (default), debug, trace, silent
  --help            this text`;

export async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8180' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: './data' },
        project: { type: 'string' },
        demo: { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        'auto-accept': { type: 'boolean' },
        'api-key': { type: 'string' },
        'archive-max-mb': { type: 'string' },
        notifications: { type: 'string' },
        'require-login': { type: 'boolean' },
        'admin-password': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
    process.exit(2);
  }
  const archiveMaxMb = values['archive-max-mb'] === undefined ? undefined : Number(values['archive-max-mb']);
  if (archiveMaxMb !== undefined && !(archiveMaxMb > 0)) {
    console.error(`--archive-max-mb must be a positive number of MiB, not "${values['archive-max-mb']}"`);
    process.exit(2);
  }
  let notifications;
  if (values.notifications) {
    try {
      notifications = loadNotificationSettings(resolve(values.notifications));
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    }
  }
  // No --project: the latest version kept in the data folder (what the wizard, an import or a
  // restore made and applied), else the bundled demo. Simulated stations default on for the demo only.
  const workspaceDir = resolve(values.data, 'project');
  let projectPath = values.project ? resolve(values.project) : DEMO_PROJECT;
  let project;
  let resolved;
  try {
    const kept = values.project ? null : await ProjectWorkspace.latest(workspaceDir);
    if (kept) projectPath = `${workspaceDir} (version ${kept.id})`;
    resolved = kept ? kept.resolved : loadResolvedProject(projectPath);
    project = toRuntimeProject(resolved);
  } catch (error) {
    console.error(error instanceof ProjectError ? error.message : String(error));
    process.exit(2);
  }
  const isDemo = (): boolean => {
    if (projectPath === DEMO_PROJECT) return true;
    if (values.project) return false;
    try {
      return JSON.stringify(loadResolvedProject(DEMO_PROJECT).project) === JSON.stringify(resolved.project);
    } catch {
      return false;
    }
  };
  const demo = values['no-demo'] ? false : (values.demo ?? isDemo());
  const rendererDir = resolve(ROOT, 'dist/renderer');
  const supervisor = await startSupervisor({
    dataDir: resolve(values.data),
    host: values.host,
    port,
    project,
    projectSource: { path: projectPath, resolved },
    demo,
    autoAccept: values['auto-accept'] ? true : undefined,
    apiKey: values['api-key'],
    notifications,
    notificationsFile: values.notifications ? resolve(values.notifications) : undefined,
    loginRequired: values['require-login'] ?? false,
    adminPassword: values['admin-password'],
    archiveMaxBytes: archiveMaxMb === undefined ? undefined : archiveMaxMb * 1024 * 1024,
    logLevel: values['log-level'],
    rendererDir: existsSync(rendererDir) ? rendererDir : null,
  });
  console.log(`EV Supervisor listening on ${supervisor.url}`);
  console.log(`  UI:    ${supervisor.url}/`);
  console.log(`  OCPP:  ${supervisor.ocppUrl}/<stationId>   (subprotocols ocpp1.6, ocpp2.0.1)`);
  console.log(`  REST:  ${supervisor.url}/api/v1   (OpenAPI: ${supervisor.url}/api/v1/openapi.json)`);
  console.log(`  API key${supervisor.apiKeyGenerated ? ' (generated, stored in the data directory)' : ''}: ${supervisor.apiKey}`);
  if (supervisor.createdAdminPassword) console.log(`  account 'admin' created with password: ${supervisor.createdAdminPassword}  (shown once: change it)`);
  console.log(`  project: ${project.name}${demo ? ' with simulated demo stations' : ''}; data: ${resolve(values.data)}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    supervisor.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
