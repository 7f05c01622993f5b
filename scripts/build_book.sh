#!/usr/bin/env bash
# Build the book: make .venv, install, execute every notebook, write HTML to _build/html.
# Any cell error or Sphinx warning fails the build (--all -W --keep-going).
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
jupyter-book build . --all -W --keep-going "$@"
echo "==> open _build/html/index.html"
