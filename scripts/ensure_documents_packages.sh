#!/usr/bin/env bash
# What WeasyPrint needs from the system to render the deal's documents (docs/documents.md,
# "Rendering"): Pango to lay the text out, and DejaVu, a font with Cyrillic. `make test` and
# `make run` call this; the Dockerfile installs the same packages.
set -euo pipefail
here=$(dirname "$0")
"$here/ensure_package.sh" libpango-1.0.so.0 libpango-1.0-0 "the documents' PDFs"
"$here/ensure_package.sh" libpangoft2-1.0.so.0 libpangoft2-1.0-0 "the documents' PDFs"
"$here/ensure_package.sh" /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core "the documents' PDFs"
