#!/usr/bin/env bash
# The package consumer test (issue 15): packs FastMlp and FastMlp.Extensions.DependencyInjection (Release,
# ContinuousIntegrationBuild) into a folder feed, creates a fresh console app outside the repository from
# Consumer.csproj with the NativeAOT sample's Program.cs, restores both packages from that feed (nuget.org for their
# dependencies, into a scratch package cache so no earlier package of the same version is reused), builds and runs
# it: train, save, load, predict. Fails unless it exits 0 and prints "ok". Then checks Source Link (below).
# Usage: tests/package/run.sh [SCRATCH_DIR]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="${1:-$(mktemp -d)}"
rm -rf "$scratch" && mkdir -p "$scratch/feed" "$scratch/app"
version="$(dotnet msbuild "$repo/src/FastMlp/FastMlp.csproj" -getProperty:PackageVersion)"

# FastMlp.Orleans (issue 17) is packed too, so its package builds and validates; the consumer app does not use it.
for project in src/FastMlp src/FastMlp.Extensions.DependencyInjection src/FastMlp.Orleans; do
    dotnet pack "$repo/$project" -c Release -o "$scratch/feed" -p:ContinuousIntegrationBuild=true
done
for file in "FastMlp.$version.nupkg" "FastMlp.$version.snupkg" \
    "FastMlp.Extensions.DependencyInjection.$version.nupkg" "FastMlp.Extensions.DependencyInjection.$version.snupkg" \
    "FastMlp.Orleans.$version.nupkg" "FastMlp.Orleans.$version.snupkg"; do
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

# Source Link and the repository URL come from the `origin` remote, which a clean clone of a local path does not
# give a URL. So a clone of HEAD gets a GitHub-form origin and is packed: the .nuspec must carry that URL and HEAD's
# commit, and the symbol package's PDB must map the sources to that commit.
url="https://github.com/fastmlp-ci/fastmlp.git"
commit="$(git -C "$repo" rev-parse HEAD)"
git clone -q "$repo" "$scratch/clone"
git -C "$scratch/clone" remote set-url origin "$url"
dotnet pack "$scratch/clone/src/FastMlp" -c Release -o "$scratch/linked" -p:ContinuousIntegrationBuild=true
mkdir -p "$scratch/zip" && cp "$repo/tests/package/ZipEntry.cs" "$scratch/zip/"   # outside the repo's Directory.Build.props
entry() { dotnet run "$scratch/zip/ZipEntry.cs" -- "$@"; }
nuspec="$(entry "$scratch/linked/FastMlp.$version.nupkg" FastMlp.nuspec)"
echo "$nuspec" | grep -F "<repository type=\"git\" url=\"$url\"" | grep -F "commit=\"$commit\"" \
    || { echo "the .nuspec has no repository element with $url and $commit:" >&2; echo "$nuspec" >&2; exit 1; }
entry "$scratch/linked/FastMlp.$version.snupkg" lib/net10.0/FastMlp.pdb | grep -a -c -F "https://raw.githubusercontent.com/fastmlp-ci/fastmlp/$commit/*" > /dev/null \
    || { echo "the symbol package's PDB has no Source Link map to commit $commit" >&2; exit 1; }
echo "Source Link: the package names $url at $commit and its PDB maps the sources there"
