# Shared by the bench scripts (sourced, not run): builds the benchmarks when asked and finds the jar.
# Usage: bench_jar BUILD ROOT -> prints the path of the one larcps-bench jar, or exits 2.
bench_jar() {
  local build=$1 root=$2
  if $build; then
    (cd "$root" && ./mvnw -q -pl bench -am package -DskipTests) >&2
  fi
  local jars
  shopt -s nullglob
  jars=("$root"/bench/target/larcps-bench-*.jar)
  if ((${#jars[@]} != 1)); then
    echo "expected one larcps-bench jar in $root/bench/target, found ${#jars[@]}: run without --no-build" >&2
    exit 2
  fi
  echo "${jars[0]}"
}

# Usage: bench_layout ROOT -> prints the ResNet-50 layout JSON: $LARCPS_LAYOUT, else the path the
# build wrote into bench.properties; exits 2 when it is not readable.
bench_layout() {
  local props="$1/bench/target/classes/io/larcps/bench/bench.properties"
  local layout=${LARCPS_LAYOUT:-$(sed -n 's/^layout=//p' "$props")}
  if [[ ! -r $layout ]]; then
    echo "layout $layout is not readable: set LARCPS_LAYOUT to resnet50.json" >&2
    exit 2
  fi
  echo "$layout"
}
