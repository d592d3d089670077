#!/usr/bin/env bash
# The package consumer test (issue 15): packs FastMlp and FastMlp.Extensions.DependencyInjection (Release,
# ContinuousIntegrationBuild) into a folder feed, creates a fresh console app outside the repository from
# Consumer.csproj with the NativeAOT sample's Program.cs, restores both packages from that feed (nuget.org for their
# dependencies, into a scratch package cache so no earlier package of the same version is reused), builds and runs
# it: train, save, load, predict. Fails unless it exits 0 and prints "ok". Usage: tests/package/run.sh [SCRATCH_DIR]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="${1:-$(mktemp -d)}"
rm -rf "$scratch" && mkdir -p "$scratch/feed" "$scratch/app"
version="$(dotnet msbuild "$repo/src/FastMlp/FastMlp.csproj" -getProperty:PackageVersion)"

for project in src/FastMlp src/FastMlp.Extensions.DependencyInjection; do
    dotnet pack "$repo/$project" -c Release -o "$scratch/feed" -p:ContinuousIntegrationBuild=true
done
for file in "FastMlp.$version.nupkg" "FastMlp.$version.snupkg" \
    "FastMlp.Extensions.DependencyInjection.$version.nupkg" "FastMlp.Extensions.DependencyInjection.$version.snupkg"; do
    [ -f "$scratch/feed/$file" ] || { echo "pack did not produce $file" >&2; exit 1; }
done

cp "$repo/tests/package/Consumer.csproj" "$scratch/app/"
cat > "$scratch/app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$scratch/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="FastMlp" /><package pattern="FastMlp.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
CONFIG

export NUGET_PACKAGES="$scratch/packages"
props=(-p:FastMlpVersion="$version" -p:ProgramFile="$repo/samples/FastMlp.Aot/Program.cs")
dotnet build "$scratch/app/Consumer.csproj" -c Release "${props[@]}"
set +e
output="$(dotnet run --no-build -c Release --project "$scratch/app/Consumer.csproj" "${props[@]}")"
rc=$?
set -e
echo "$output"
if [ "$rc" != 0 ] || [ "$(echo "$output" | tail -n 1)" != ok ]; then
    echo "package consumer failed: exit code $rc" >&2
    exit 1
fi
echo "package consumer: FastMlp $version from $scratch/feed trained, saved, loaded and predicted"
