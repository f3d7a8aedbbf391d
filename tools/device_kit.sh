#!/usr/bin/env bash
# Packs the third-party sources an offline GPU machine needs into .device_kit/
# (ignored by git), so that benchmarks/run_gpu.sh can configure and build there
# without a network: GoogleTest and Google Benchmark as sources (built there,
# with that machine's compiler), CLI11 and nlohmann_json as header-only
# installs with their relocatable CMake package files.
#
#   tools/device_kit.sh            # fills .device_kit/ (about 6 MB)
#   tools/device_kit.sh --check    # says whether .device_kit/ is complete
#
# Takes GoogleTest from /usr/src/googletest and CLI11 / nlohmann_json from the
# Debian packages (libgtest-dev, libcli11-dev, nlohmann-json3-dev: installed by
# .ci/run). Google Benchmark's sources come from the Debian source archive,
# checked against the SHA-256 that Debian's bookworm .dsc file publishes.
set -euo pipefail
cd "$(dirname "$0")/.."
kit=.device_kit
benchmark_version=1.7.1
benchmark_sha256=6430e4092653380d9dc4ccb45a1e2dc9259d581f4866dc0759713126056bc1d7
benchmark_url=http://deb.debian.org/debian/pool/main/b/benchmark/benchmark_${benchmark_version}.orig.tar.gz

complete() {
  [[ -f $kit/googletest/CMakeLists.txt && -f $kit/benchmark/CMakeLists.txt &&
     -f $kit/prefix/share/cmake/CLI11/CLI11Config.cmake &&
     -f $kit/prefix/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake ]]
}

if [[ ${1:-} == --check ]]; then
  if complete; then echo "$kit: complete"; exit 0; fi
  echo "$kit: incomplete; run tools/device_kit.sh" >&2
  exit 1
fi
if [[ $# -gt 0 ]]; then
  echo "usage: tools/device_kit.sh [--check]" >&2
  exit 2
fi

need() { [[ -e $1 ]] || { echo "device_kit: $1 is missing; install $2 (apt-get install -y $2)" >&2; exit 1; }; }
need /usr/src/googletest/CMakeLists.txt libgtest-dev
need /usr/share/cmake/CLI11/CLI11Config.cmake libcli11-dev
need /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake nlohmann-json3-dev

# Build into a fresh folder and swap it in at the end: an interrupted run
# never leaves a half-filled kit that --check would call complete.
staging=$(mktemp -d "${kit}.XXXXXX")
trap 'rm -rf "$staging"' EXIT
cp -r /usr/src/googletest "$staging/googletest"
mkdir -p "$staging/prefix/include" "$staging/prefix/share/cmake"
cp -r /usr/include/CLI /usr/include/nlohmann "$staging/prefix/include/"
cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$staging/prefix/share/cmake/"

archive=$staging/benchmark.tar.gz
echo "device_kit: downloading $benchmark_url"
curl --fail --silent --show-error --location -o "$archive" "$benchmark_url"
echo "$benchmark_sha256  $archive" | sha256sum --check --quiet
mkdir "$staging/benchmark"
tar -xzf "$archive" -C "$staging/benchmark" --strip-components=1
rm "$archive"

rm -rf "$kit"
mv "$staging" "$kit"
trap - EXIT
echo "device_kit: $kit ready ($(du -sh "$kit" | cut -f1)); name it in the device tool's carry list"
