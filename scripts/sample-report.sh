#!/usr/bin/env bash
# Regenerate reports/sample/: the small reference report committed with the project.
#
# Runs every bench with criterion's full sampling (about six minutes on two cores: a --quick
# pass is too rough for a reference, one noisy baseline flags a whole sweep), which ends by
# writing reports/index.html, its chart-*.svg and results.json; then copies those into
# reports/sample/. Extra arguments go to criterion, e.g. `scripts/sample-report.sh --quick`
# for a rough pass, or a filter such as `primes` (cells not measured keep their earlier
# records).
set -euo pipefail
cd "$(dirname "$0")/.."

out=reports/sample

echo "==> cargo bench -- $*"
cargo bench -- "$@"

if [[ ! -f reports/index.html || ! -f reports/results.json ]]; then
  echo "error: cargo bench did not write reports/index.html and reports/results.json" >&2
  exit 1
fi

echo "==> copying the report into $out/"
rm -rf "$out"
mkdir -p "$out"
cp reports/index.html reports/results.json "$out"/
cp reports/chart-*.svg "$out"/
# The sample sits one folder deeper than reports/: its link to criterion's own report (which is
# not committed) needs one more `../` to work on a machine that has run the benches.
sed -i 's#\.\./target/criterion/#../../target/criterion/#g' "$out/index.html"

echo "==> wrote $out/index.html ($(ls "$out"/chart-*.svg | wc -l) charts); open it from disk"
