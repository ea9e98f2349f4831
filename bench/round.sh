#!/usr/bin/env bash
# One synchronous round of the parameter server (2 workers x 2 shards, ResNet-50-sized model) against
# raw Netty loopback bandwidth, in one JVM and across processes. See --help and docs/performance.md.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: bench/round.sh [--quick] [--no-build] [--mode single|processes|both] [--out DIR] [--fail-on-miss]
                      [-- DRIVER-ARGS...]

Builds the benchmarks (./mvnw -q -pl bench -am package -DskipTests), then runs
io.larcps.bench.round.RoundBench, which times synchronous rounds of the real parameter-server path for
the ResNet-50 layout (161 tensors, 25,557,032 floats, 102 MB per copy) with 2 workers and 2 shards.
The workers' gradient source returns precomputed sums (seeded Gaussian) at once, so a round is only
push (2 x 102 MB), sum, LARC step, pull (2 x 102 MB) and the coordinator's messages. The sums lie in
direct memory, as a DL4J network's gradients do, and are pushed without a copy
(-- --gradient-memory heap: in float[]s, copied into send buffers as they are pushed).

Two runs, each in its own child JVMs:
  single     one JVM (-Xmx8g): coordinator+ps, ps and worker ActorSystems on 127.0.0.1, formed as
             deploy's InProcessCluster does; worker actors with the instant source
  processes  coordinator+ps, ps and one JVM per worker (-Xmx2g each), as larcps coordinator/ps/worker
             would start them (io.larcps.bench.round.RoundNode)
In each run, around the rounds: LayerwiseOptimizer timed on each shard's tensors, and raw Netty
loopback before and after the rounds, twice: one discard receiver taking every worker's push (one
connection per worker), and one discard receiver per shard taking that shard's tensors, all on one
repetition clock (the same 4 MiB frames and data-plane socket options). Per run it prints ms per round
(mean, sd, median, range) split into its two parts (see below), and against the targets:
  ingest per ps node = its pushed bytes / its intake (first worker's start of a step -> its shards
                       have summed every chunk), as % of its shard's raw receiver (target >= 80%)
  bound = bytes moved per round (push + pull) / raw GB/s (one receiver) + optimizer time of the
          larger shard (target round <= 1.5 x bound)
PASS/MISS each. Diagnostics beside them: where each round's time goes (workers' start -> every shard
applied -> workers' next start), ingest over the whole round (the figure of sessions 1 to 4), each
shard's serial work timed on one thread (check+sum, LARC, encoding the new weights, and the encode by
bulk copy into fresh and into reused buffers, with the page faults each takes), minor page faults per
round per process, the load average at the start and end of each run, and the CPU time of the kernel's
DAMON threads (kdamond) per round, with the round, bound and ingest over only the rounds and raw
repetitions that had none of it (docs/performance.md, session 5).

Options:
  --quick         smoke run: 2 warm-up + 3 measured rounds, 1 + 3 raw repetitions, 1 + 3 shard-work
                  repetitions (about 2 min, mostly cluster formation); the default is 100 warm-up + 20
                  measured rounds (across processes, rounds still sped up after 60: the JIT of four
                  JVMs shares the two cores), 3 + 10 raw repetitions of each kind before and after,
                  3 + 10 shard-work repetitions (about 5 min)
  --no-build      use the jar already in bench/target
  --mode M        single, processes or both (default both)
  --out DIR       where to write round.txt, round.json and every child's log (default bench/target/round)
  --fail-on-miss  exit 1 when a target is missed (default: report only, exit 0)
  -h, --help      this text
  -- ARGS         passed on to the driver, e.g. -- --rounds 40 --warmup 10 --raw-reps 20
                  (also --workers, --shards, --raw-warmup, --optimizer-warmup, --optimizer-reps,
                  --single-heap 8g, --child-heap 2g, --gradient-memory direct|heap, --child-jvm-flags "FLAGS"
                  added to every child)

Every child JVM starts with -XX:+UseTransparentHugePages when the kernel offers huge pages on request
(/sys/kernel/mm/transparent_hugepage/enabled is madvise or always), as bin/larcps starts its JVM; add
--child-jvm-flags "-XX:-UseTransparentHugePages" to measure without.

Environment:
  LARCPS_LAYOUT   the layout JSON (default: the path Maven wrote into bench.properties,
                  ../shared/testdata/layouts/resnet50.json next to the repository)
EOF_USAGE
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
build=true
driver=()
extra=()
while (($# > 0)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --quick) driver+=(--quick) ;;
    --no-build) build=false ;;
    --mode) driver+=(--mode "${2:?--mode needs single, processes or both}"); shift ;;
    --out) driver+=(--out "${2:?--out needs a directory}"); shift ;;
    --fail-on-miss) driver+=(--fail-on-miss) ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
jar=$(bench_jar "$build" "$root")
layout=$(bench_layout "$root")
has_out=false
for arg in "${driver[@]}"; do [[ $arg == --out ]] && has_out=true; done
$has_out || driver+=(--out "$bench/target/round")

# The driver only starts child JVMs and does arithmetic; every measurement runs in a child.
exec java -Xmx512m --add-modules=jdk.incubator.vector "-Dlarcps.layout=$layout" -cp "$jar" \
  io.larcps.bench.round.RoundBench "${driver[@]}" "${extra[@]}"
