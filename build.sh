#!/usr/bin/env bash
# Bootstraps the Cake build: restores the pinned tools (.config/dotnet-tools.json), then
# runs build/build.cake with the arguments given, e.g. ./build.sh --target=CI
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
dotnet tool restore >/dev/null
exec dotnet cake build/build.cake "$@"
