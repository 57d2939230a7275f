"""Gwet's AC1 and its variance by the irrCAC package (Gwet's own R package,
ported), for tests/oracle/make_fixtures.py.  Runs in its own venv (see
run.sh): irrCAC pins scipy and pandas versions that statsmodels' pins exclude.

stdin: JSON list of histograms, hist[r] = units coded by exactly r of the m
coders.  stdout: JSON list of [hist, ac1, variance or null].  Each unit
becomes a row of m ratings (r ones, m - r zeros): AC1 only depends on how
many coders chose each category per unit, so which coders they were does
not matter.
"""

import json
import sys
import warnings

import numpy as np
import pandas as pd
from irrCAC.raw import CAC

warnings.filterwarnings("ignore")


def ac1(hist):
    """[hist, ac1, variance]; irrCAC divides by n(n - 1), so a single unit
    gives [hist, null, null] (make_fixtures.py checks it exactly only)."""
    m = len(hist) - 1
    if sum(hist) < 2:
        return [hist, None, None]
    rows = []
    for r, h in enumerate(hist):
        rows.extend([[1] * r + [0] * (m - r)] * h)
    cac = CAC(pd.DataFrame(rows, dtype=float), categories=[0.0, 1.0], digits=20)
    est = cac.gwet()["est"]
    return [hist, float(est["coefficient_value"]), float(est["se"]) ** 2]


def main():
    hists = json.load(sys.stdin)
    json.dump([ac1(h) for h in hists], sys.stdout)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
