#!/usr/bin/env bash
# Regenerate tests/fixtures/agreement/*.json with the pinned reference packages.
#   bash tests/oracle/run.sh            (from anywhere)
# Creates or reuses a virtual environment at $CONCORD_VENV (default: <repo>/.venv,
# gitignored). Once the packages are installed it runs offline: pip is only
# called when requirements.txt changed since the last successful install.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${CONCORD_VENV:-$repo/.venv}"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3

if [ ! -x "$venv/bin/python" ]; then
    echo "creating virtual environment at $venv" >&2
    "$python" -m venv "$venv"
fi

stamp="$venv/.concord-oracle-requirements"
if ! cmp -s "$here/requirements.txt" "$stamp"; then
    echo "installing pinned oracle packages into $venv" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

"$venv/bin/python" "$here/unitized_alpha.py" >/dev/null
exec "$venv/bin/python" "$here/make_fixtures.py" "$@"
