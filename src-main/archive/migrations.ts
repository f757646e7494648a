// Archive schema migrations, applied in order; PRAGMA user_version holds how many ran.
// Never edit a shipped migration: append a new one.
export const MIGRATIONS: readonly string[] = [
  // 1: stations, connectors, status history, transactions, meter samples, commands, log, badges
  `
  CREATE TABLE stations (
    id TEXT PRIMARY KEY,
    protocol TEXT,
    registration TEXT NOT NULL CHECK (registration IN ('accepted', 'pending', 'rejected')),
    declared INTEGER NOT NULL DEFAULT 0,
    vendor TEXT, model TEXT, serial_number TEXT, firmware_version TEXT,
    booted_at TEXT, last_seen_at TEXT, remote_address TEXT
  );
  CREATE TABLE connectors (
    station_id TEXT NOT NULL,
    evse_id INTEGER NOT NULL,
    connector_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (station_id, evse_id, connector_id)
  );
  CREATE TABLE status_history (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    evse_id INTEGER NOT NULL,
    connector_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    station_time TEXT NOT NULL,
    received_at TEXT NOT NULL
  );
  CREATE INDEX status_history_station ON status_history (station_id, id);
  CREATE TABLE transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    station_id TEXT NOT NULL,
    ocpp_tx_id TEXT NOT NULL,
    start_key TEXT NOT NULL UNIQUE,
    evse_id INTEGER NOT NULL,
    connector_id INTEGER NOT NULL,
    id_tag TEXT,
    started_at TEXT NOT NULL,
    stopped_at TEXT,
    meter_start_wh REAL,
    meter_stop_wh REAL,
    energy_wh REAL,
    soc_start REAL,
    soc_end REAL,
    stop_reason TEXT,
    last_update_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX transactions_ocpp_id ON transactions (station_id, ocpp_tx_id);
  CREATE INDEX transactions_started ON transactions (started_at);
  CREATE INDEX transactions_station_started ON transactions (station_id, started_at);
  CREATE INDEX transactions_tag_started ON transactions (id_tag, started_at);
  CREATE INDEX transactions_stopped ON transactions (stopped_at);
  CREATE INDEX transactions_energy ON transactions (energy_wh);
  CREATE INDEX transactions_open ON transactions (last_update_at) WHERE stopped_at IS NULL;
  CREATE INDEX transactions_open_started ON transactions (started_at) WHERE stopped_at IS NULL;
  CREATE TABLE meter_samples (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    evse_id INTEGER NOT NULL,
    connector_id INTEGER NOT NULL,
    transaction_id INTEGER,
    ts TEXT NOT NULL,
    measurand TEXT NOT NULL,
    phase TEXT,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    context TEXT
  );
  CREATE INDEX meter_samples_tx ON meter_samples (transaction_id, ts);
  CREATE INDEX meter_samples_station ON meter_samples (station_id, ts);
  CREATE TABLE commands (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    action TEXT NOT NULL,
    request TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status TEXT NOT NULL,
    response TEXT,
    operator TEXT,
    sent_at TEXT NOT NULL,
    answered_at TEXT
  );
  CREATE INDEX commands_station ON commands (station_id, id);
  CREATE TABLE ocpp_log (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    frame TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX ocpp_log_station ON ocpp_log (station_id, id);
  CREATE TABLE badges (
    id_tag TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    expires_at TEXT,
    parent_id_tag TEXT,
    label TEXT,
    updated_at TEXT NOT NULL
  );
  `,
  // 2: alarms: the sequence-of-events archive and the live alarm list (restored at start)
  `
  CREATE TABLE alarm_transitions (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    alarm_id TEXT,
    rule_id TEXT NOT NULL,
    rule_kind TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    source_key TEXT NOT NULL,
    station_id TEXT,
    evse_id INTEGER,
    connector_id INTEGER,
    group_id TEXT,
    site_id TEXT,
    severity TEXT NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    record TEXT NOT NULL
  );
  CREATE INDEX alarm_transitions_at ON alarm_transitions (at);
  CREATE INDEX alarm_transitions_station ON alarm_transitions (station_id, at);
  CREATE INDEX alarm_transitions_alarm ON alarm_transitions (alarm_id, seq);
  CREATE TABLE alarms_live (
    id TEXT PRIMARY KEY,
    instance TEXT NOT NULL
  );
  `,
  // 3: operator accounts and the audit trail of operator actions
  `
  CREATE TABLE accounts (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    last_login_at TEXT
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    station_id TEXT,
    detail TEXT NOT NULL,
    ok INTEGER NOT NULL,
    result TEXT NOT NULL
  );
  CREATE INDEX audit_log_at ON audit_log (at);
  CREATE INDEX audit_log_actor ON audit_log (actor, at);
  CREATE INDEX audit_log_station ON audit_log (station_id, at);
  `,
  // 4: energy dashboard: indexes for register/power readings by time (every station, one
  // station), and per-connector roll-ups per 5 minutes and per hour (energy = register rises
  // counted where the later reading falls; power = sum and count of readings), kept by
  // insertSamples and filled here from the samples already archived
  `
  CREATE INDEX meter_samples_measurand_ts ON meter_samples (measurand, ts);
  CREATE INDEX meter_samples_station_measurand_ts ON meter_samples (station_id, measurand, ts);
  CREATE TABLE meter_rollup (
    span INTEGER NOT NULL,
    start TEXT NOT NULL,
    station_id TEXT NOT NULL,
    evse_id INTEGER NOT NULL,
    connector_id INTEGER NOT NULL,
    energy_wh REAL NOT NULL DEFAULT 0,
    power_sum REAL NOT NULL DEFAULT 0,
    power_n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (span, start, station_id, evse_id, connector_id)
  ) WITHOUT ROWID;
  INSERT INTO meter_rollup (span, start, station_id, evse_id, connector_id, energy_wh, power_sum, power_n)
  SELECT spans.span, strftime('%Y-%m-%dT%H:%M:00.000Z', (unixepoch(r.ts) / spans.span) * spans.span, 'unixepoch') AS slot,
    r.station_id, r.evse_id, r.connector_id, SUM(r.energy), SUM(r.power), SUM(r.n)
  FROM (
    SELECT station_id, evse_id, connector_id, ts,
      MAX(COALESCE(value - LAG(value) OVER (PARTITION BY station_id, evse_id, connector_id ORDER BY ts, id), 0), 0) AS energy, 0 AS power, 0 AS n
    FROM meter_samples WHERE measurand = 'Energy.Active.Import.Register' AND phase IS NULL
    UNION ALL
    SELECT station_id, evse_id, connector_id, ts, 0, value, 1
    FROM meter_samples WHERE measurand = 'Power.Active.Import' AND phase IS NULL
  ) r CROSS JOIN (SELECT 300 AS span UNION ALL SELECT 3600) spans
  GROUP BY spans.span, slot, r.station_id, r.evse_id, r.connector_id;
  `,
  // 5: ingest cost. Every query of one station's samples also names the measurand, so
  // (station_id, measurand, ts) serves them all and (station_id, ts) only cost each sample
  // one more random index insert (a fifth of the insert, the server's largest cost under load).
  `
  DROP INDEX IF EXISTS meter_samples_station;
  `,
  // 6: ingest cost. No query of the product reads samples by transaction (the UI reads a
  // station's quantities over time), so (transaction_id, ts) only cost each sample a random
  // index insert (about a third of the sample write under load, bench/README.md).
  `
  DROP INDEX IF EXISTS meter_samples_tx;
  `,
  // 7: badge categories (issue 4): an operator-managed badge belongs to one of the project's
  // categories (priority, usual departure and needs for smart charging), or to none.
  `
  ALTER TABLE badges ADD COLUMN category TEXT;
  `,
  // 8: reservations (R-6.3.1, OCPP ReserveNow): what was asked, the station's answer, and the
  // transaction that used it; the driver's departure and energy feed smart charging.
  `
  CREATE TABLE reservations (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    evse_id INTEGER NOT NULL,
    id_tag TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    departure_at TEXT,
    energy_wh REAL,
    status TEXT NOT NULL,
    detail TEXT,
    transaction_id INTEGER,
    created_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX reservations_station ON reservations (station_id, id);
  CREATE INDEX reservations_live ON reservations (station_id, id_tag) WHERE status IN ('pending', 'accepted');
  CREATE INDEX reservations_transaction ON reservations (transaction_id) WHERE transaction_id IS NOT NULL;
  `,
];
