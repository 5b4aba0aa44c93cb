#!/bin/sh
# The fast local test set: every suite but those tagged `.slow` (servers, races, kills,
# timeouts), in well under 30 s once built. `swift test`'s command line filters by name, not
# by tag, so the names are read from the tags. Extra arguments go to `swift test`.
# CI runs everything: `swift test`.
set -eu
cd "$(dirname "$0")/.."
slow=$(grep -rhoE '@Suite\([^)]*\.tags\(\.slow\)[^)]*\) (final )?(struct|class) [A-Za-z0-9_]+' Tests \
  | awk '{print $NF}' | sort | paste -sd'|' -)
exec swift test --skip "^[A-Za-z]+Tests\.($slow)/" "$@"
