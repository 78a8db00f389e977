#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: system packages, build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Tesseract's OpenMP threads fight the engine pool's own workers (FACTS.md).
export OMP_THREAD_LIMIT=1
swift build --build-tests
swift test --skip-build --skip endToEndWithTheRealChecker
# The service's end-to-end test runs the real pre-check (Tesseract, one engine per core) over
# every claim fixture; alone, so it does not starve the browser test's Chromium of CPU.
BERKAS_E2E_CHECKER=precheck swift test --skip-build --filter endToEndWithTheRealChecker
