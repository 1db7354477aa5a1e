// DuckDB side of bench/expressions.sh: the 95th percentile of value per
// 5-minute tumbling window and event_type (approx_quantile, DuckDB's
// t-digest, next to sx-window's percentile_approx) over an sx-gen NDJSON file,
// consuming the whole result.
//
// Usage: node bench/duckdb_quantile.mjs THREADS FILE [--rows]
//   THREADS  DuckDB's threads setting; 0 keeps DuckDB's default (one per core)
//   --rows   print the result rows as NDJSON (ordered) instead of the summary
// Prints "rows=R": R result rows (windows x event types).
// Needs @duckdb/node-api in bench/node_modules (bench/lib.sh duckdb_setup).
import { DuckDBInstance } from '@duckdb/node-api';

const [threadsArg, file, ...rest] = process.argv.slice(2);
const printRows = rest.includes('--rows');
if (!/^\d+$/.test(threadsArg ?? '') || !file) {
  console.error('usage: node bench/duckdb_quantile.mjs THREADS FILE [--rows]');
  process.exit(2);
}
const quoted = `'${file.replaceAll("'", "''")}'`;
// The same columns sx-gen writes; explicit types, so no sampling pass.
const events = `read_json(${quoted}, format = 'newline_delimited', columns = {
    event_id: 'VARCHAR', timestamp: 'TIMESTAMP', user_id: 'BIGINT',
    event_type: 'VARCHAR', value: 'DOUBLE', session_id: 'VARCHAR'})`;
const sql = `
  SELECT time_bucket(INTERVAL 5 minutes, timestamp) AS window_start,
         window_start + INTERVAL 5 minutes AS window_end,
         event_type, approx_quantile(value, 0.95) AS p95
  FROM ${events}
  GROUP BY window_start, event_type`;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
if (threadsArg !== '0') await connection.run(`SET threads = ${threadsArg}`);
const reader = await connection.runAndReadAll(printRows ? `${sql} ORDER BY ALL` : sql);
const rows = reader.getRowObjectsJson();
if (printRows) {
  for (const row of rows) process.stdout.write(JSON.stringify(row) + '\n');
} else {
  console.log(`rows=${rows.length}`);
}
connection.closeSync();
instance.closeSync();
