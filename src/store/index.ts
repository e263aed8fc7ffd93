export { DataDirInUseError } from "./data-dir-lock.js";
export {
  type Db,
  defaultDataDir,
  type OpenStoreOptions,
  openStore,
  PGLITE_PARSERS,
  type Store,
  type StoreKind,
} from "./engine.js";
export { type MigrationStatus, migrate, migrationStatus, readMigrationFiles } from "./migrate.js";
export type { SqlSession } from "./session.js";
export {
  combineStatements,
  combineWithin,
  insertStatements,
  type JsonRead,
  readMany,
  type Statement,
  valuesList,
} from "./statements.js";
