// DuckDB side of bench/dedup_join.sh: deduplicates an sx-gen NDJSON file by
// event_id, or joins it with the users table on user_id, and consumes the
// whole result.
//
// Usage: node bench/duckdb_dedup_join.mjs THREADS FILE dedup
//        node bench/duckdb_dedup_join.mjs THREADS FILE join USERS_CSV
//        node bench/duckdb_dedup_join.mjs --version
//   THREADS  DuckDB's threads setting; 0 keeps DuckDB's default (one per core)
// The result is written as NDJSON to /dev/null (COPY ... TO, FORMAT json), as
// the sx tools write theirs; DuckDB streams it out, without holding it in memory.
// Prints "rows=R": the rows written.
// Needs @duckdb/node-api in bench/node_modules (bench/dedup_join.sh installs it).
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

const [threadsArg, file, query, users] = process.argv.slice(2);
if (!/^\d+$/.test(threadsArg ?? '') || !file || !['dedup', 'join'].includes(query)
    || (query === 'join') !== Boolean(users)) {
  console.error('usage: node bench/duckdb_dedup_join.mjs THREADS FILE dedup|join [USERS_CSV]');
  process.exit(2);
}

const quote = (s) => `'${s.replaceAll("'", "''")}'`;
// The same columns sx-gen writes; explicit types, so no sampling pass.
const events = `read_json(${quote(file)}, format = 'newline_delimited', columns = {
    event_id: 'VARCHAR', timestamp: 'TIMESTAMP', user_id: 'BIGINT',
    event_type: 'VARCHAR', value: 'DOUBLE', session_id: 'VARCHAR'})`;

const sql = query === 'dedup'
  // One row per event_id, with all its columns. sx-gen's duplicates are exact
  // copies, so which of them DISTINCT ON keeps does not matter.
  ? `SELECT DISTINCT ON (event_id) * FROM ${events}`
  // Every event with its user's name and tier appended, as sx-join writes it
  // (an inner join, its default; every user_id of the events is in the table).
  : `SELECT e.*, u.name, u.tier
     FROM ${events} AS e
     JOIN read_csv(${quote(users)}, header = true,
                   columns = {user_id: 'BIGINT', name: 'VARCHAR', tier: 'VARCHAR'}) AS u
       ON e.user_id = u.user_id`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
if (threadsArg !== '0') await connection.run(`SET threads = ${threadsArg}`);
// USE_TMP_FILE false: write to /dev/null itself, never to a file beside it.
const reader = await connection.runAndReadAll(
  `COPY (${sql}) TO '/dev/null' (FORMAT json, USE_TMP_FILE false)`);
console.log(`rows=${reader.getRows()[0][0]}`);
connection.closeSync();
instance.closeSync();
