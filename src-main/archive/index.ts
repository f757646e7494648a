// Public face of the archive. SQLite is the embedded default; the SQL Server
// implementation will sit behind the same class shape.
import { join } from 'node:path';
import { SqliteArchive, type SqliteArchiveOptions } from './sqlite.ts';

export { SqliteArchive, ArchiveUnavailableError } from './sqlite.ts';
/** Node options for worker threads of this process (drops --input-type; see message-log.ts). */
export { workerExecArgv } from './message-log.ts';
export type { StoredStation, StoredConnector, StoredAccount, NewTransaction, TransactionStop, SqliteArchiveOptions } from './sqlite.ts';
export type Archive = SqliteArchive;

/** Opens (creating and migrating if needed) the archive of a data directory. */
export function openArchive(dataDir: string, options: SqliteArchiveOptions = {}): SqliteArchive {
  return new SqliteArchive(join(dataDir, 'archive.sqlite'), options);
}
export { exportTransactions, type ExportFormat } from './export.ts';
export { EnergyQueries, QUANTITY_SOURCE, type BucketQuery, type ConnectorStepValue, type StationBucketValue, type StepQuery, type StepValue, type TrendRow } from './energy.ts';
