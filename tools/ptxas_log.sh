#!/usr/bin/env bash
# CUDA compiler launcher for the rung libraries (see cmake/LadderChapter.cmake).
# Runs the compile command it is given and keeps ptxas's resource report
# (`-Xptxas -v`: registers, stack, spills, shared memory per kernel and
# architecture) and any note that it serialised a kernel's wgmma in
# <object>.ptxas beside the object file, where tools/ptxas_report.py reads it.
# Everything else the compiler prints (warnings, errors, spills, that note)
# passes through unchanged.
set -uo pipefail
object=""
previous=""
for arg in "$@"; do
  [[ $previous == -o ]] && object=$arg
  previous=$arg
done
stderr_file=$(mktemp)
trap 'rm -f "$stderr_file" ${object:+"$object.ptxas.tmp"}' EXIT
"$@" 2>"$stderr_file"
status=$?
report='^ptxas info +: (Compiling entry function|Function properties|Used [0-9]+ registers|Compile time|[0-9]+ bytes gmem)|bytes stack frame'
# ptxas's note that it serialised a kernel's wgmma (C7515 and kin) is kept in the report too, where
# tools/ptxas_report.py --check fails on it, and still shown.
serialized='wgmma\.mma_async instructions are serialized'
if [[ -n $object ]]; then
  rm -f "$object.ptxas"  # a failed compile leaves no report of an older one
  if [[ $status -eq 0 ]]; then
    grep -a -E "$report|$serialized" "$stderr_file" >"$object.ptxas.tmp"
    mv "$object.ptxas.tmp" "$object.ptxas"  # complete or absent, never half-written
  fi
fi
grep -a -v -E "$report" "$stderr_file" >&2
exit $status
