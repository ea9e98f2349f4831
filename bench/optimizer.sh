#!/usr/bin/env bash
# Times one optimizer step over the ResNet-50 parameter set (larcps vector/scalar, naive, nd4j) and a
# STREAM-like triad in one JMH run, then prints ms/step, bandwidth against the triad and speed-ups, and
# checks the targets. See --help and docs/performance.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/optimizer.sh [--quick] [--no-build] [--out DIR] [--fail-on-miss] [-- JMH-ARGS...]

Builds the benchmarks (./mvnw -q -pl bench -am package -DskipTests), runs every JMH benchmark in
io.larcps.bench.optim single-threaded with OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1, writes
JMH's JSON result, and prints per variant: ms per step (mean and 99.9% confidence interval), the
achieved bandwidth at 28 bytes per parameter, that bandwidth as a percentage of the triad's (12 bytes
per element, write-allocate not counted), and the speed-up of larcps; then PASS/MISS for the targets
  larcps (vector kernel) >= 140% of the triad bandwidth, and >= 3.5x faster than nd4j.
It also times the vector kernel's norm and update passes alone (where the step's time goes) and a
triad and a step alternating in one fork (the bandwidth ratio free of drift between benchmarks).

Options:
  --quick         smoke run: 1 fork, 1 x 1 s warm-up, 2 x 1 s measurement (about 1 min);
                  the default is 3 forks x (3 x 2 s warm-up + 5 x 2 s measurement), about 12 min
  --no-build      use the jar already in bench/target
  --out DIR       where to write optimizer.json, optimizer.log, optimizer.txt
                  (default: bench/target/jmh)
  --fail-on-miss  exit 1 when a target is missed (default: report only, exit 0)
  -h, --help      this text
  -- ARGS         passed on to JMH after the defaults, e.g. -- -f 5 -i 10 (the report needs
                  every benchmark, so do not filter them out)

Environment:
  LARCPS_LAYOUT   the layout JSON (default: the path Maven wrote into bench.properties,
                  ../shared/testdata/layouts/resnet50.json next to the repository)
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench="$root/bench"
quick=false
build=true
fail_on_miss=false
out="$bench/target/jmh"
jmh_extra=()
while (($# > 0)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --quick) quick=true ;;
    --no-build) build=false ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --fail-on-miss) fail_on_miss=true ;;
    --) shift; jmh_extra=("$@"); break ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/lib.sh
source "$bench/lib.sh"
jar=$(bench_jar "$build" "$root")

# The build wrote the parent pom's javacpp.cachedir and the layout path here; forks must agree with it.
props="$bench/target/classes/io/larcps/bench/bench.properties"
cachedir=$(sed -n 's/^javacpp\.cachedir=//p' "$props")
layout=$(bench_layout "$root")

# getconf, not nproc: GNU nproc reports OMP_NUM_THREADS when it is set.
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="$(getconf _NPROCESSORS_ONLN) cores, $cpu_model, $(java -version 2>&1 | head -n 1)"

# OpenMP reads these when ND4J's native library loads; JMH forks inherit this environment.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

mkdir -p "$out"
json="$out/optimizer.json"
# Two -jvmArgs values are taken verbatim (one value would be split at spaces). They replace the
# inherited host flags; the benchmarks' @Fork adds --add-modules=jdk.incubator.vector -Xmx6g.
jmh_args=(-rf json -rff "$json" -foe true
  -jvmArgs "-Dorg.bytedeco.javacpp.cachedir=$cachedir" -jvmArgs "-Dlarcps.layout=$layout")
if $quick; then
  jmh_args+=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
fi

java -Xmx256m -jar "$jar" 'io\.larcps\.bench\.optim\.' "${jmh_args[@]}" "${jmh_extra[@]}" | tee "$out/optimizer.log"

report_args=("$json" --layout "$layout")
if $fail_on_miss; then
  report_args+=(--fail-on-miss)
fi
{
  echo
  echo "Machine: $machine"
  java -cp "$jar" io.larcps.bench.report.ReportMain "${report_args[@]}"
} | tee "$out/optimizer.txt"
