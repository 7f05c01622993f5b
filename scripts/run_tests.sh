#!/usr/bin/env bash
# Run the test suite (unit tests of helpers, notebook checks, and a full book build
# into a fresh folder). Extra arguments go to pytest, e.g. `-m "not book"`.
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
python -m pytest "$@"
