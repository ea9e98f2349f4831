#!/usr/bin/env bash
# larcps train (mlp on Fashion-MNIST, global batch 256) through the parameter server against plain DL4J
# fit on the same network and batches. See --help and docs/performance.md.
set -euo pipefail

usage() {
  cat <<'EOF_USAGE'
Usage: bench/train.sh [--quick] [--no-build] [--epochs N] [--runs a,b,c] [--out DIR] [--fail-on-miss]
                      [-- DRIVER-ARGS...]

Builds the benchmarks (./mvnw -q -pl bench -am package -DskipTests), then runs
io.larcps.bench.train.TrainBench, which trains the mlp (784-256-10) on Fashion-MNIST at global batch 256
three ways, each in a fresh child JVM with identical flags (--add-modules=jdk.incubator.vector -Xmx3g
-Dorg.bytedeco.javacpp.cachedir=...), one after the other:
  (a) larcps train --model mlp --workers 1 --shards 1 (the real launcher, embedded cluster)
  (b) larcps train --model mlp --workers 2 --shards 2
  (c) plain DL4J: ModelBuilders.mlp(42) with a Nesterovs(0.1, 0.9) updater, fit(DataSet) on the
      same batches (the coordinator's EpochSampler slices), assembled per step as a worker does,
      and, as larcps train does, a test evaluation after every epoch on a side thread
It prints steady-state samples/s of each (the epochs after the warm-up epochs; for (a) and (b) from
the per-epoch seconds of larcps's report.json, for (c) from the epoch ends the run stamps), the ratios
(a)/(c) and (b)/(c) and PASS/MISS against the target (a)/(c) >= 0.9 (the same bar is shown for (b)).
The runs go a, b, c, a, b, c, ... so drift on a shared machine hits all three alike; a configuration's
rate is the mean over its repeats. The load average before and after each run is printed with it.

Options:
  --quick         smoke run: the first 12,800 training images (50 steps per epoch) and 2,000 test
                  images, 2 epochs of which 1 warm-up, one repeat (about 1 min); the default is the
                  full 60,000 (234 steps per epoch), 10 epochs of which 2 warm-up, 2 repeats
                  (about 8 min)
  --no-build      use the jar already in bench/target
  --epochs N      epochs per run, more than the warm-up epochs
  --runs LIST     which runs, comma-separated (default a,b,c)
  --out DIR       where to write train.txt, train.json, each run's log and report (default
                  bench/target/train)
  --fail-on-miss  exit 1 when a target is missed (default: report only, exit 0)
  -h, --help      this text
  -- ARGS         passed on to the driver: --warmup-epochs N (default 2), --repeats N (default 2),
                  --nd4j-threads N (every run: -Dlarcps.nd4j.threads=N, OMP_NUM_THREADS=N and
                  OPENBLAS_NUM_THREADS=N; default: ND4J's own choice, 2 on 2 cores), --data DIR
                  (default /usr/share/datasets/fashion-mnist), --heap 3g, --updater nesterovs|sgd,
                  --seed 42, --final-evaluation-only ((c) evaluates once, at the end, instead of
                  after every epoch as larcps train does)
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
    --epochs) driver+=(--epochs "${2:?--epochs needs a number}"); shift ;;
    --runs) driver+=(--runs "${2:?--runs needs a list such as a,b,c}"); shift ;;
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
has_out=false
for arg in "${driver[@]}"; do [[ $arg == --out ]] && has_out=true; done
$has_out || driver+=(--out "$bench/target/train")

exec java -Xmx512m -cp "$jar" io.larcps.bench.train.TrainBench "${driver[@]}" "${extra[@]}"
