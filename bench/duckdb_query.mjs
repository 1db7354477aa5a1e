// DuckDB side of bench/window.sh: runs one of the benchmark's window queries
// on an sx-gen NDJSON file and consumes the whole result.
//
// Usage: node bench/duckdb_query.mjs THREADS FILE tumbling|sliding|sessions [--rows]
//        node bench/duckdb_query.mjs --version
//   THREADS  DuckDB's threads setting; 0 keeps DuckDB's default (one per core)
//   --rows   print the result rows as NDJSON (ordered) instead of the summary
// Prints "rows=R count=C": R result rows, C the sum of their count column.
// Needs @duckdb/node-api in bench/node_modules (bench/window.sh installs it).
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

if (process.argv[2] === '--version') {
  const api = JSON.parse(readFileSync(new URL(import.meta.resolve('@duckdb/node-api/package.json')), 'utf8'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const version = (await connection.runAndReadAll('SELECT version()')).getRows()[0][0];
  console.log(`DuckDB ${version} (@duckdb/node-api ${api.version}, node ${process.version})`);
  process.exit(0);
}

const [threadsArg, file, query, ...rest] = process.argv.slice(2);
const printRows = rest.includes('--rows');
if (!/^\d+$/.test(threadsArg ?? '') || !file || !query) {
  console.error('usage: node bench/duckdb_query.mjs THREADS FILE tumbling|sliding|sessions [--rows]');
  process.exit(2);
}

const quoted = `'${file.replaceAll("'", "''")}'`;
// The same columns sx-gen writes; explicit types, so no sampling pass.
const events = `read_json(${quoted}, format = 'newline_delimited', columns = {
    event_id: 'VARCHAR', timestamp: 'TIMESTAMP', user_id: 'BIGINT',
    event_type: 'VARCHAR', value: 'DOUBLE', session_id: 'VARCHAR'})`;

// Windows are half-open [start, end) and aligned to the epoch, as in sx-window.
const queries = {
  // 5-minute tumbling windows per event_type.
  tumbling: `
    SELECT time_bucket(INTERVAL 5 minutes, timestamp) AS window_start,
           window_start + INTERVAL 5 minutes AS window_end,
           event_type, count(*) AS count, sum(value) AS sum_value, avg(value) AS avg_value
    FROM ${events}
    GROUP BY window_start, event_type`,
  // 10-minute windows sliding by 5 minutes: each event lies in two of them,
  // the one starting at its 5-minute bucket and the one 5 minutes earlier.
  sliding: `
    SELECT window_start, window_start + INTERVAL 10 minutes AS window_end,
           event_type, count(*) AS count, sum(value) AS sum_value, avg(value) AS avg_value
    FROM (SELECT unnest([b, b - INTERVAL 5 minutes]) AS window_start, event_type, value
          FROM (SELECT time_bucket(INTERVAL 5 minutes, timestamp) AS b, event_type, value
                FROM ${events}))
    GROUP BY window_start, event_type`,
  // Session windows per user_id with a 30-minute gap (gaps and islands): a
  // new session starts where the previous event of the user is 30 minutes or
  // more earlier; a session ends 30 minutes after its last event.
  sessions: `
    WITH e AS (SELECT user_id, timestamp AS ts, value FROM ${events}),
    g AS (SELECT user_id, ts, value,
                 CASE WHEN ts - lag(ts) OVER (PARTITION BY user_id ORDER BY ts) < INTERVAL 30 minutes
                      THEN 0 ELSE 1 END AS new_session
          FROM e),
    s AS (SELECT user_id, ts, value,
                 sum(new_session) OVER (PARTITION BY user_id ORDER BY ts
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
          FROM g)
    SELECT min(ts) AS window_start, max(ts) + INTERVAL 30 minutes AS window_end,
           user_id, count(*) AS count, sum(value) AS sum_value, avg(value) AS avg_value
    FROM s
    GROUP BY user_id, session`,
};
if (!(query in queries)) {
  console.error(`duckdb_query.mjs: unknown query '${query}' (tumbling, sliding or sessions)`);
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
if (threadsArg !== '0') await connection.run(`SET threads = ${threadsArg}`);
const sql = printRows ? `${queries[query]} ORDER BY ALL` : queries[query];
const reader = await connection.runAndReadAll(sql);
const rows = reader.getRowObjectsJson();
let count = 0;
for (const row of rows) count += Number(row.count);
if (printRows) {
  for (const row of rows) process.stdout.write(JSON.stringify(row) + '\n');
} else {
  console.log(`rows=${rows.length} count=${count}`);
}
connection.closeSync();
instance.closeSync();
