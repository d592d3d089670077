#!/usr/bin/env bash
# The NativeAOT sample against the same sample under the JIT (issue 15; README "NativeAOT"): publishes
# samples/FastMlp.Aot twice (NativeAOT as its project sets it up, and framework-dependent IL run with `dotnet`), then
# runs each PROCESSES times, alternating them process by process so the shared cores' noise hits both alike, after
# one untimed round that warms the page cache. Each run gets the spawn time ($EPOCHREALTIME, read by bash just before
# it forks the child) and prints how long after it its first prediction returned (it trains 500 steps, saves, loads
# and predicts first); the script also takes the wall time from spawn to exit. Writes OUT/aot-sample.md.
#
#   perf/aot-sample.sh OUT [--processes N]     default 20 processes per build; about a minute once published
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command_line="perf/aot-sample.sh $*"
out="" processes=20
while [ $# -gt 0 ]; do
    case "$1" in
        --processes) processes="$2"; shift 2 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) out="$1"; shift ;;
    esac
done
[ -n "$out" ] || { echo "usage: perf/aot-sample.sh OUT [--processes N]" >&2; exit 2; }
mkdir -p "$out"
build="BenchmarkDotNet.Artifacts/aot-sample"
rm -rf "$build"

# NativeAOT links with clang; Debian's clang-NN packages install only clang-NN unless the clang package is there too.
aot=(-r linux-x64 -p:PublishAot=true)
if ! command -v clang > /dev/null; then
    for candidate in clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
        if command -v "$candidate" > /dev/null; then aot+=("-p:CppCompilerAndLinker=$candidate"); break; fi
    done
fi
dotnet publish samples/FastMlp.Aot -c Release "${aot[@]}" --artifacts-path "$build/obj-aot" -o "$build/aot" > "$build-aot.log" 2>&1 \
    || { cat "$build-aot.log" >&2; exit 1; }
dotnet publish samples/FastMlp.Aot -c Release -r linux-x64 --self-contained false --artifacts-path "$build/obj-jit" -o "$build/jit" > "$build-jit.log" 2>&1 \
    || { cat "$build-jit.log" >&2; exit 1; }

# run NAME COMMAND...: one process; appends "NAME first_ms wall_ms" to the samples, fails unless it printed ok.
samples="$build/samples.txt"
: > "$samples"
run() {
    local name="$1" output spawned ended
    shift
    spawned=$EPOCHREALTIME
    output="$("$@" "$spawned")"
    ended=$EPOCHREALTIME
    [ "$(echo "$output" | tail -n 1)" = ok ] || { echo "$name did not print ok: $output" >&2; exit 1; }
    first="$(echo "$output" | sed -n 's/^first prediction \([0-9.]*\) ms after spawn$/\1/p')"
    [ -n "$first" ] || { echo "$name printed no first-prediction time: $output" >&2; exit 1; }
    awk -v n="$name" -v f="$first" -v a="$spawned" -v b="$ended" 'BEGIN { printf "%s %s %.3f\n", n, f, (b - a) * 1000 }' >> "$samples"
}
for round in $(seq 0 "$processes"); do
    if [ $((round % 2)) = 0 ]; then order=(aot jit); else order=(jit aot); fi
    for name in "${order[@]}"; do
        if [ "$name" = aot ]; then run aot "$build/aot/FastMlp.Aot"; else run jit dotnet "$build/jit/FastMlp.Aot.dll"; fi
        [ "$round" = 0 ] && sed -i '$d' "$samples"   # round 0 warms the page cache and is not counted
    done
done

# median NAME COLUMN: of the counted processes.
median() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$samples" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
aot_size="$(stat -c %s "$build/aot/FastMlp.Aot")"
jit_size="$(du -cb "$build/jit"/*.dll | tail -n 1 | cut -f 1)"
{
    echo "# The NativeAOT sample against the JIT"
    echo
    echo "\`$command_line\` at $(git describe --always --dirty) on $(date -u +%Y-%m-%d), $(nproc) cores; medians of $processes processes each,"
    echo "alternating. \"First prediction\" is from spawn (bash's \$EPOCHREALTIME just before the fork) to the return of the"
    echo "sample's first Predict, after it trained 500 steps, saved and loaded; \"to exit\" is spawn to the process's exit."
    echo
    echo "| build | size | first prediction | to exit |"
    echo "|---|---|---|---|"
    echo "| NativeAOT (\`FastMlp.Aot\`) | $aot_size B (one file) | $(median aot 2) ms | $(median aot 3) ms |"
    echo "| JIT (\`dotnet FastMlp.Aot.dll\`) | $jit_size B of IL (FastMlp.dll + FastMlp.Aot.dll) + the shared runtime | $(median jit 2) ms | $(median jit 3) ms |"
} > "$out/aot-sample.md"
cat "$out/aot-sample.md"
