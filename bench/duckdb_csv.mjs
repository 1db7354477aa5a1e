// DuckDB side of bench/formats.sh: count and sum(value) per 5-minute window
// over an sx-gen CSV file (sx-gen --format csv), consuming the whole result.
//
// Usage: node bench/duckdb_csv.mjs THREADS FILE
//   THREADS  DuckDB's threads setting; 0 keeps DuckDB's default (one per core)
// Prints "rows=R count=C": R windows, C the sum of their counts.
// Needs @duckdb/node-api in bench/node_modules (bench/lib.sh duckdb_setup).
import { DuckDBInstance } from '@duckdb/node-api';

const [threadsArg, file] = process.argv.slice(2);
if (!/^\d+$/.test(threadsArg ?? '') || !file) {
  console.error('usage: node bench/duckdb_csv.mjs THREADS FILE');
  process.exit(2);
}
const quoted = `'${file.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
if (threadsArg !== '0') await connection.run(`SET threads = ${threadsArg}`);
// The columns sx-gen writes, typed, so DuckDB does not sample the file first.
const result = await connection.runAndReadAll(`
  SELECT time_bucket(INTERVAL 5 minutes, timestamp) AS window_start,
         count(*) AS count, sum(value) AS sum_value
  FROM read_csv(${quoted}, header = true, columns = {
    event_id: 'VARCHAR', timestamp: 'TIMESTAMP', user_id: 'BIGINT',
    event_type: 'VARCHAR', value: 'DOUBLE', session_id: 'VARCHAR'})
  GROUP BY window_start`);
let count = 0n;
const rows = result.getRows();
for (const row of rows) count += BigInt(row[1]);
console.log(`rows=${rows.length} count=${count}`);
