#!/usr/bin/env bash
# Posts small claims to a running `berkas serve` concurrently for a bounded time and prints
# accepted/s, p50/p95 latency and errors. Needs python3 (standard library only).
#
#   scripts/loadtest.sh -t TOKEN [-u http://127.0.0.1:8080] [-d 30] [-c 8] [-a batang]
#
# Each request is a fresh claim id with three tiny fake scans, so it measures intake (parse,
# encrypt, store, queue), not OCR: the checks run behind it. Watch /metrics for berkas_jobs.
set -euo pipefail

url="http://127.0.0.1:8080"; token="${BERKAS_TOKEN:-}"; duration=30; concurrency=8; area="batang"
while getopts "u:t:d:c:a:h" opt; do
  case "$opt" in
    u) url="$OPTARG" ;; t) token="$OPTARG" ;; d) duration="$OPTARG" ;;
    c) concurrency="$OPTARG" ;; a) area="$OPTARG" ;;
    *) sed -n '2,9p' "$0"; exit 1 ;;
  esac
done
[ -n "$token" ] || { echo "a token is required: -t TOKEN or BERKAS_TOKEN (berkas token create NAME)" >&2; exit 1; }

exec python3 - "$url" "$token" "$duration" "$concurrency" "$area" <<'PY'
import json, sys, threading, time, uuid, urllib.request, urllib.error

url, token, duration, concurrency, area = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
run = uuid.uuid4().hex[:8]
lock = threading.Lock()
latencies, errors, statuses = [], {}, {}
counter = [0]

def body(claim_id):
    boundary = "loadtest" + uuid.uuid4().hex
    claim = {"id": claim_id, "nama": "BUDI SANTOSO", "nik": "3325065106884443", "kpj": "02010170188",
             "whatsapp": "081234567890", "area": area, "reason": "resign",
             "submitted_at": "2026-01-05", "preferred_date": "2026-01-07"}
    parts = [("claim", None, "application/json", json.dumps(claim).encode())]
    for slot in ("ktp", "kk", "employer_letter"):
        parts.append((slot, slot + ".jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + f"{claim_id}/{slot}".encode() * 64))
    out = b""
    for name, filename, ctype, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disp}\r\nContent-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"

def worker(deadline):
    while time.monotonic() < deadline:
        with lock:
            counter[0] += 1
            n = counter[0]
        data, ctype = body(f"load-{run}-{n:06d}")
        req = urllib.request.Request(url + "/api/v1/claims", data=data, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": ctype})
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                resp.read(); code = resp.status
        except urllib.error.HTTPError as e:
            code = e.code
        except Exception as e:
            code = type(e).__name__
        elapsed = time.monotonic() - start
        with lock:
            statuses[code] = statuses.get(code, 0) + 1
            if code == 202: latencies.append(elapsed)
            else: errors[code] = errors.get(code, 0) + 1

deadline = time.monotonic() + duration
started = time.monotonic()
threads = [threading.Thread(target=worker, args=(deadline,)) for _ in range(concurrency)]
for t in threads: t.start()
for t in threads: t.join()
wall = time.monotonic() - started

def pct(p):
    if not latencies: return float("nan")
    s = sorted(latencies); return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000

print(f"duration {wall:.1f}s  concurrency {concurrency}  requests {sum(statuses.values())}")
print(f"accepted {len(latencies)}  accepted/s {len(latencies) / wall:.1f}")
print(f"latency p50 {pct(50):.1f} ms  p95 {pct(95):.1f} ms")
print("errors " + (", ".join(f"{k}: {v}" for k, v in sorted(errors.items(), key=str)) if errors else "none"))
sys.exit(1 if errors else 0)
PY
