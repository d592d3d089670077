#!/usr/bin/env bash
# Cold start of a prediction process (issue 12; README "Cold start"): builds the cold-start child
# (perf/ColdStart: FastMlp's Predictor; perf/ColdStart.Onnx: ONNX Runtime) as every variant below, writes the
# W3 model files, and lets perf/ColdStart.Driver spawn each variant PROCESSES times, alternating them process by
# process, into OUT/coldstart.md (the table, headed by this command) and OUT/coldstart.csv (every process).
#
#   perf/coldstart.sh OUT [--processes N]   every variant, N fresh processes each (default 20); about 10 minutes
#   perf/coldstart.sh OUT --dry             JIT builds only, 2 processes each, no publishing: proves the programs
#                                           build and run (well under 60 s once restored), measures nothing
#
# Builds go to BenchmarkDotNet.Artifacts/coldstart/ (ignored), each variant with its own --artifacts-path, so no
# variant reuses another's intermediate files. A variant that does not build (NativeAOT needs clang and
# zlib1g-dev: apt-get install -y clang zlib1g-dev) is listed at the end of the report with its build log's
# errors; the others are still measured.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command_line="perf/coldstart.sh $*"
out="" processes=20 dry=0
while [ $# -gt 0 ]; do
    case "$1" in
        --processes) processes="$2"; shift 2 ;;
        --dry) dry=1; processes=2; shift ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) out="$1"; shift ;;
    esac
done
[ -n "$out" ] || { echo "usage: perf/coldstart.sh OUT [--processes N | --dry]" >&2; exit 2; }

# Relative to the repository root (the working directory from here on), so the report shows short paths.
build="BenchmarkDotNet.Artifacts/coldstart"
rm -rf "$build"
mkdir -p "$build" "$out"
variants="$build/variants.tsv" failures="$build/failures.md"
: > "$variants"
: > "$failures"
step() { printf '=== [%4ds] %s\n' "$SECONDS" "$*" >&2; }

# publish NAME PROJECT DOTNET-PUBLISH-ARGS...: into $build/NAME; 0 when it built, else its errors go to failures.md.
publish() {
    local name="$1" project="$2"
    shift 2
    step "build $name: dotnet publish $project -c Release $*"
    if dotnet publish "$project" -c Release --artifacts-path "$build/obj-$name" -o "$build/$name" "$@" > "$build/$name.log" 2>&1; then
        return 0
    fi
    {
        echo "- **$name** (\`dotnet publish $project -c Release $*\`) did not build:"
        grep -E 'error|warning' "$build/$name.log" | sed -E 's/^ +//; s/ \[[^]]*\]$//' | sort -u | head -20 | sed 's/^/    - /'
    } >> "$failures"
    echo "    $name did not build (see $build/$name.log)" >&2
    return 1
}

# variant NAME ENGINE BUILD SETTINGS COMMAND...: one line of the variants file ColdStart.Driver reads.
variant() {
    local name="$1" engine="$2" how="$3" settings="$4"
    shift 4
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$engine" "$how" "$settings" "$*" >> "$variants"
}

step "driver and models"
dotnet build perf/ColdStart.Driver -c Release --artifacts-path "$build/obj-driver" -o "$build/driver" > "$build/driver.log" 2>&1 \
    || { cat "$build/driver.log" >&2; exit 1; }
models="$build/models"
dotnet "$build/driver/ColdStart.Driver.dll" models "$models"
fastmlp_model="$models/w3.fastmlp" onnx_model="$models/w3.onnx"

rid=(-r linux-x64 --self-contained false)
# NativeAOT links with clang; Debian's clang-NN packages install only clang-NN unless the clang package is there too.
aot=(-r linux-x64 -p:PublishAot=true)
if ! command -v clang > /dev/null; then
    for candidate in clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
        if command -v "$candidate" > /dev/null; then aot+=("-p:CppCompilerAndLinker=$candidate"); break; fi
    done
fi

if publish jit perf/ColdStart; then
    variant jit FastMlp "framework-dependent IL (JIT)" - dotnet "$build/jit/ColdStart.dll" "$fastmlp_model"
    if [ "$dry" = 0 ]; then
        variant jit-pgo-off FastMlp "framework-dependent IL (JIT)" DOTNET_TieredPGO=0 dotnet "$build/jit/ColdStart.dll" "$fastmlp_model"
        variant jit-loops-opt FastMlp "framework-dependent IL (JIT)" DOTNET_TC_QuickJitForLoops=0 dotnet "$build/jit/ColdStart.dll" "$fastmlp_model"
        variant jit-tc-off FastMlp "framework-dependent IL (JIT)" DOTNET_TieredCompilation=0 dotnet "$build/jit/ColdStart.dll" "$fastmlp_model"
    fi
fi

if [ "$dry" = 0 ]; then
    if publish r2r perf/ColdStart "${rid[@]}" -p:PublishReadyToRun=true; then
        variant r2r FastMlp "ReadyToRun" - dotnet "$build/r2r/ColdStart.dll" "$fastmlp_model"
        variant r2r-tc-off FastMlp "ReadyToRun" DOTNET_TieredCompilation=0 dotnet "$build/r2r/ColdStart.dll" "$fastmlp_model"
    fi

    # ReadyToRun code is compiled for a baseline x64 by default, so every method that asks for AVX-512 or AVX2 is
    # rejected at run time and JIT-compiled; targeting x86-64-v4 (AVX-512 F/BW/CD/DQ/VL) lets crossgen2 keep them.
    if publish r2r-v4 perf/ColdStart "${rid[@]}" -p:PublishReadyToRun=true -p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:x86-64-v4; then
        variant r2r-v4 FastMlp "ReadyToRun, --instruction-set:x86-64-v4" - dotnet "$build/r2r-v4/ColdStart.dll" "$fastmlp_model"
    fi

    # The experiment on [MethodImpl(AggressiveOptimization)], which ReadyToRun never precompiles: the same R2R
    # publish against a copy of src/FastMlp with the attribute removed (the copy lives under $build; the
    # repository's files are not changed).
    noao="$build/src-noao/FastMlp"
    mkdir -p "$noao"
    tar -C src/FastMlp --exclude=./bin --exclude=./obj -cf - . | tar -C "$noao" -xf -
    grep -rl 'MethodImplOptions.AggressiveOptimization' "$noao" | xargs sed -i -E 's/\[MethodImpl\(MethodImplOptions\.AggressiveOptimization\)\]//'
    if publish r2r-noao perf/ColdStart "${rid[@]}" -p:PublishReadyToRun=true "-p:FastMlpProject=$PWD/$noao/FastMlp.csproj"; then
        variant r2r-noao FastMlp "ReadyToRun, library without AggressiveOptimization (experiment)" - dotnet "$build/r2r-noao/ColdStart.dll" "$fastmlp_model"
    fi

    # NativeAOT compiles every method once, for the instruction set it is given: by default a baseline x64 without
    # AVX2 or AVX-512. x86-64-v3 (AVX2, any x64 since 2013-2015) and x86-64-v4 (AVX-512 F/BW/CD/DQ/VL) as well; a
    # binary built for one refuses to start on a CPU without it.
    if publish aot perf/ColdStart "${aot[@]}"; then
        variant aot FastMlp "NativeAOT" - "$build/aot/ColdStart" "$fastmlp_model"
    fi
    for level in v3 v4; do
        if publish "aot-$level" perf/ColdStart "${aot[@]}" "-p:IlcInstructionSet=x86-64-$level"; then
            variant "aot-$level" FastMlp "NativeAOT, IlcInstructionSet=x86-64-$level" - "$build/aot-$level/ColdStart" "$fastmlp_model"
        fi
    done
fi

if publish ort-jit perf/ColdStart.Onnx; then
    variant ort-jit "ONNX Runtime" "framework-dependent IL (JIT)" - dotnet "$build/ort-jit/ColdStart.Onnx.dll" "$onnx_model"
fi

if [ "$dry" = 0 ]; then
    if publish ort-r2r perf/ColdStart.Onnx "${rid[@]}" -p:PublishReadyToRun=true; then
        variant ort-r2r "ONNX Runtime" "ReadyToRun" - dotnet "$build/ort-r2r/ColdStart.Onnx.dll" "$onnx_model"
    fi

    if publish ort-aot perf/ColdStart.Onnx "${aot[@]}"; then
        variant ort-aot "ONNX Runtime" "NativeAOT" - "$build/ort-aot/ColdStart.Onnx" "$onnx_model"
    fi
fi

commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src perf || echo ' (with uncommitted changes)')"
warmup_ms=1000
[ "$dry" = 0 ] || warmup_ms=0
step "measure: $processes processes per variant"
status=0
dotnet "$build/driver/ColdStart.Driver.dll" measure "$variants" "$out" "$processes" "$warmup_ms" "$commit" "$command_line" || status=$?
if [ -s "$failures" ]; then
    { echo; echo "Variants that did not build:"; echo; cat "$failures"; } >> "$out/coldstart.md"
    cat "$failures" >&2
fi
step "done: $out/coldstart.md"
# A variant that did not build fails the script too (after the report), so a --dry run in CI cannot pass without one.
[ -s "$failures" ] && status=1
exit "$status"
