#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: system packages, build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Tesseract's OpenMP threads fight the engine pool's own workers (FACTS.md).
export OMP_THREAD_LIMIT=1
swift build --build-tests
swift test --skip-build
