#!/usr/bin/env bash
# Where a ps node's intake spends the CPU, against raw loopback for the same bytes: a single-JVM round
# run under perf, its samples sorted into the rounds' intakes and the raw repetitions. See --help.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: bench/profile-intake.sh [--out DIR] [-- DRIVER-ARGS...]

Runs `bench/round.sh --no-build --mode single` (build the benchmarks first) under
`perf record -a -g -k CLOCK_MONOTONIC -F 999` for its whole length, with the JIT's symbol map
written at exit, then sorts the samples by time into
  intake   each measured round from the first worker's start to the moment the slower node's
           shards had summed every chunk (the intake the ingest target divides by), and
  raw      each measured repetition of raw loopback with one discard receiver per shard,
and prints (and writes to DIR/cpu.txt), for each, the CPU milliseconds per window in each category (kernel receive path,
kernel send path, the shard actors' check, copy and sum, their LARC step, the worker's encode, the pull's decode, DAMON,
compiler threads, other user code by thread, ...). The clocks line up because perf's -k
CLOCK_MONOTONIC and System.nanoTime share a clock. docs/performance.md ("Session 6") has a table.

Needs perf (with permission to profile the whole machine) and python3.

Options:
  --out DIR    where the run, perf.data and the samples go (default bench/target/profile-intake)
  -h, --help   this text
  -- ARGS      passed on to round.sh's driver, e.g. -- --gradient-memory heap
EOF_USAGE
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/bench/target/profile-intake"
extra=()
while (($# > 0)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for tool in perf python3; do
  command -v "$tool" >/dev/null || { echo "profile-intake.sh needs $tool" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"
echo "profiling a single-JVM round run into $out (about 2 min)"
perf record -k CLOCK_MONOTONIC -a -g -e cpu-clock -F 999 -o "$out/perf.data" -- \
  "$root/bench/round.sh" --no-build --mode single --out "$out/run" -- \
  --child-jvm-flags "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer" \
  "${extra[@]}" > "$out/run.log" 2>&1
perf script -i "$out/perf.data" -F comm,pid,tid,time,ip,sym > "$out/samples.txt" 2>/dev/null
grep -E '^TARGET|workers. starts' "$out/run.log" || true

python3 - "$out" <<'EOF_PY' | tee "$out/cpu.txt"
import bisect, collections, json, os, re, sys

out = sys.argv[1]
run = json.load(open(f"{out}/run/round.json"))[0]
intake = run["intakeMs"]
rounds = len(run["roundMs"])
starts = collections.defaultdict(dict)
for line in open(f"{out}/run/single/single.log", errors="replace"):
    at = line.find("LARCPS-ROUND started ")
    if at >= 0:
        worker, step, nanos = line[at:].split()[2:5]
        starts[int(step)][int(worker)] = int(nanos)
measured = sorted(starts)[-rounds:]
windows = {
    "intake": [(min(starts[s].values()) / 1e9, min(starts[s].values()) / 1e9 + max(v[i] for v in intake.values()) / 1e3)
               for i, s in enumerate(measured)],
    "raw": [(a / 1e9, b / 1e9) for a, b in run["rawPerShardSpansNanos"]],
}

samples = []
current = None
for line in open(f"{out}/samples.txt", errors="replace"):
    if not line.strip():
        current = None
        continue
    if not line[0].isspace():
        m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s+([\d.]+):", line)
        if m:
            current = [m.group(1), float(m.group(4)), []]
            samples.append(current)
        continue
    if current is not None and len(current[2]) < 60:
        parts = line.strip().split(None, 1)
        current[2].append(re.sub(r"\s*\(.*\)$", "", parts[1] if len(parts) > 1 else "?"))
samples.sort(key=lambda s: s[1])
times = [s[1] for s in samples]

def category(sample):
    thread, _, stack = sample
    leaf = stack[0] if stack else "?"
    frames = " ".join(stack)
    if thread.startswith("swapper") or "safe_halt" in leaf:
        return "idle"
    if thread.startswith("kdamond"):
        return "kernel: DAMON (kdamond)"
    if "FloatBodies.write" in frames:
        return "copy into send buffers (encode)"
    if "FloatBodies$1.run" in frames or "FloatBodies.read" in frames:
        return "pull: decode into arrays"
    if "tcp_recvmsg" in frames or "sock_read_iter" in frames or "SocketDispatcher.read" in frames:
        return "kernel: receive path"
    if "tcp_sendmsg" in frames or "sock_write_iter" in frames or "writev" in frames:
        return "kernel: send path"
    if "Compiler" in thread:
        return "JIT compiler threads"
    if re.match(r"^[a-z_0-9.]+$", leaf):
        return "kernel: other"
    if "VectorKernel.update" in frames or "LayerwiseOptimizer" in frames:
        return "shard: LARC step"
    if thread.startswith("larcps-pekko.ac"):
        # Pekko's default dispatcher runs the shard actors. Their check-and-copy and sum get inlined
        # into the message handler, so they are told apart by thread rather than by frame.
        return "actors: the shards' check, copy and sum, and messages"
    return "other user code: " + thread[:14]

for name, spans in windows.items():
    picked = [s for a, b in spans for s in samples[bisect.bisect_left(times, a):bisect.bisect_right(times, b)]]
    length = sum(b - a for a, b in spans)
    counts = collections.Counter(category(s) for s in picked)
    cpus = os.cpu_count()
    print(f"\n{name}: {len(spans)} windows, mean {1e3 * length / len(spans):.1f} ms, "
          f"{100 * len(picked) / (length * 999 * cpus):.0f}% of {cpus} CPUs busy; CPU ms per window:")
    for what, n in counts.most_common(14):
        print(f"  {1e3 * n / 999 / len(spans):7.1f}  {what}")
EOF_PY
