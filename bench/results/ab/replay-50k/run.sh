#!/bin/bash
# usage: run.sh <label> <root holding dist/> <nats port> <accounts db> [node flags...]; prints one line of runs.txt
# node on PATH: Node 24 (scripts/ensure-node.sh installs it into .tools/node/bin)
label=$1; root=$2; port=$3; db=$4; shift 4
out=$(NATS_URL=nats://127.0.0.1:$port ACCOUNTS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db CUSTOMERS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/replay_ab_cust \
  /usr/bin/time -f 'TIME %e %U %S %M' node -r "$(cd "$(dirname "$0")" && pwd)/cpu-preload.js" "$@" $root/dist/apps/replay/src/main.js rebuild accounts --json --force 2>"${TMPDIR:-/tmp}/replay-50k-run.err")
t=$(grep TIME "${TMPDIR:-/tmp}/replay-50k-run.err"); c=$(grep CMDCPU "${TMPDIR:-/tmp}/replay-50k-run.err" | awk '{print $2}')
echo "$out" | node -e '
const d=JSON.parse(require("fs").readFileSync(0,"utf8").trim().split("\n").pop());
const [,e,u,s,m]=process.argv[1].split(" ");
console.log([process.argv[2], d.eventsPerSecond, d.seconds, "read", d.phases.readSeconds, "fold", d.phases.foldSeconds, "swap", d.phases.swapSeconds, "rss", d.peakRssMb, "| wall", e, "cpu ms", Math.round((+u + +s)*1000), "cmd_cpu_ms", process.argv[3], JSON.stringify(d.rows)].join(" "));
' "$t" "$label" "$c"
