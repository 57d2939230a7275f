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

# irrCAC (Gwet's AC1) in a venv of its own: its pins (scipy==1.12.0,
# pandas<3) exclude the main ones.
irr_venv="${CONCORD_IRRCAC_VENV:-$venv-irrcac}"
if [ ! -x "$irr_venv/bin/python" ]; then
    echo "creating virtual environment at $irr_venv" >&2
    "$python" -m venv "$irr_venv"
fi
irr_stamp="$irr_venv/.concord-oracle-requirements"
if ! cmp -s "$here/requirements-irrcac.txt" "$irr_stamp"; then
    echo "installing pinned irrCAC into $irr_venv" >&2
    "$irr_venv/bin/python" -m pip install --disable-pip-version-check -q -r "$here/requirements-irrcac.txt"
    cp "$here/requirements-irrcac.txt" "$irr_stamp"
fi
export CONCORD_IRRCAC_PYTHON="$irr_venv/bin/python"

"$venv/bin/python" "$here/unitized_alpha.py" >/dev/null
exec "$venv/bin/python" "$here/make_fixtures.py" "$@"
