#!/usr/bin/env bash
# Quick start on a fresh Debian machine: installs what is missing, builds, and runs the main
# job on the embedded default: `berkas serve` with SQLite under ./data, every bundled claim
# posted through the HTTP API, checked in the background, and complete claims booked into the
# Pekalongan branch's video-call queue.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export OMP_THREAD_LIMIT=1
swift build
berkas=.build/debug/berkas
data=${BERKAS_DATA:-./data}
port=${PORT:-8080}

mkdir -p "$data"
log="$data/serve.log"
"$berkas" serve --data "$data" --port "$port" > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "berkas serve did not start; see $log" >&2; exit 1; }
token=$("$berkas" token create quickstart --data "$data")

echo "Posting the bundled claims (fixtures/claims) to berkas serve, data in $data ..."
ids=()
for dir in fixtures/claims/c*/; do
  python3 - "$dir" > /tmp/berkas-claim.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1] + "claim.json")); c.pop("documents", None); print(json.dumps(c))
PY
  args=(-F "claim=</tmp/berkas-claim.json;type=application/json")
  for slot in ktp kk employer_letter; do
    f=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]+'claim.json')).get('documents',{}).get(sys.argv[2],''))" "$dir" "$slot")
    [ -n "$f" ] && [ -f "$dir$f" ] && args+=(-F "$slot=@$dir$f")
  done
  id=$(curl -sf -H "Authorization: Bearer $token" -H "Idempotency-Key: quickstart-$(basename "$dir")" "${args[@]}" \
       "http://127.0.0.1:$port/api/v1/claims" | python3 -c "import json,sys;print(json.load(sys.stdin)['id'])")
  ids+=("$id")
done
echo "Waiting for the verdicts ..."
printf '%-8s %-11s %-24s %s\n' claim status booked reasons
show_verdict='
import json, sys
v = json.load(sys.stdin)
q = v.get("queue") or {}
booked = "%s %s #%s" % (q.get("area", ""), q.get("date", ""), q.get("position", "")) if q else "-"
errors = " ".join(r["code"] for r in v.get("reasons", []) if r["severity"] == "error") or " ".join(r["code"] + "?" for r in v.get("reasons", []))
print("%-8s %-11s %-24s %s" % (v.get("claim") or v.get("id"), v["status"], booked, errors))'
for id in "${ids[@]}"; do
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/claims/$id?wait=120" | python3 -c "$show_verdict"
done
echo
echo "Database: $data/berkas.sqlite  (the server log is $log)"
