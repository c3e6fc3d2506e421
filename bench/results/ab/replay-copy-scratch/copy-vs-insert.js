// usage: node copy-vs-insert.js <root holding dist/ and node_modules/> <database url>: 118,604 account rows into a TEMP table,
// in batches of 5,000, by the old INSERT ... unnest(string_to_array(...)) and by COPY FROM STDIN (copy-in.ts), alternating;
// the CPU of the PostgreSQL backend (from /proc) and of this process.
const root = process.argv[2];
const rq = require('module').createRequire(root + '/package.json');
const { Client } = rq('pg'); const { copyIn } = require(root + '/dist/apps/replay/src/db/copy-in.js');
const { randomUUID } = require('crypto'); const fs = require('fs');
const cpu = (pid) => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10; };
(async () => {
  const db = new Client({ connectionString: process.argv[3] }); await db.connect();
  const pid = (await db.query('select pg_backend_pid() p')).rows[0].p;
  const N = 118604; const rows = Array.from({ length: N }, (_, i) => ({ a: randomUUID(), c: randomUUID(), cur: 'EUR', s: 'validated', o: '2026-01-01T05:00:00.000Z', v: i % 10 ? '2026-01-01T06:00:00.000Z' : null, r: null }));
  await db.query(`CREATE TEMP TABLE x (account_id uuid NOT NULL, customer_id uuid NOT NULL, currency char(3) NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL, validated_at timestamptz, rejected_at timestamptz)`);
  const ins = async (b) => db.query(`INSERT INTO x SELECT * FROM unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ',')::uuid[], string_to_array($3, ','), string_to_array($4, ','), string_to_array($5, ',')::timestamptz[], string_to_array($6, ',', '')::timestamptz[], string_to_array($7, ',', '')::timestamptz[])`,
    [b.map(a => a.a).join(','), b.map(a => a.c).join(','), b.map(a => a.cur).join(','), b.map(a => a.s).join(','), b.map(a => a.o).join(','), b.map(a => a.v ?? '').join(','), b.map(a => a.r ?? '').join(',')]);
  const cp = async (b) => { let t = ''; for (const a of b) t += `${a.a}\t${a.c}\t${a.cur}\t${a.s}\t${a.o}\t${a.v ?? '\\N'}\t${a.r ?? '\\N'}\n`; return copyIn(db, 'COPY x FROM STDIN', Buffer.from(t, 'latin1')); };
  for (let round = 0; round < 4; round++) for (const [name, f] of [['insert', ins], ['copy', cp]]) {
    await db.query('TRUNCATE x');
    const p0 = cpu(pid), n0 = process.cpuUsage(), t0 = performance.now();
    for (let i = 0; i < N; i += 5000) await f(rows.slice(i, i + 5000));
    const n = process.cpuUsage(n0);
    console.log(name, 'wall', Math.round(performance.now() - t0), 'pg cpu', cpu(pid) - p0, 'node cpu', Math.round((n.user + n.system) / 1000));
  }
  await db.end();
})();
