#!/usr/bin/env bash
# Build the book: make .venv, install, execute every notebook, write HTML to _build/html,
# then the chapters' Colab editions (plain notebooks, helpers/editions.py) to _build/html/colab.
# Any cell error or Sphinx warning fails the build (--all -W --keep-going).
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
jupyter-book build . --all -W --keep-going "$@"
python -m helpers.book colab-editions --out _build/html/colab
echo "==> open _build/html/index.html (Colab editions in _build/html/colab/)"
