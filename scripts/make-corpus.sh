#!/usr/bin/env bash
# Rebuilds tests/corpus/files: the engine writes the bases (tests/corpus/bases.rs), then
# scripts/make-corpus.py edits them with openpyxl, re-saves them with LibreOffice and adds the
# broken and hostile files. Needs: soffice (Debian: libreoffice-calc-nogui), ssconvert (Debian:
# gnumeric), python3-uno (system python, for the password-protected files), python3 with openpyxl.
# The committed files are what the tests read; rerun this only to change the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bases="$(mktemp -d)"
trap 'rm -rf "$bases"' EXIT
KAOPING_CORPUS_BASES="$bases" cargo test --release --test integration corpus::write_bases -- --exact --quiet
python3 scripts/make-corpus.py "$bases" tests/corpus/files
ls -la tests/corpus/files
