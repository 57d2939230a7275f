"""Write tests/fixtures/agreement/*.json: synthetic studies and the figures
independent reference implementations compute for them (see FORMAT.md there).

Run through `bash tests/oracle/run.sh` (pinned packages in a venv).  Seeded and
deterministic: running it twice writes byte-identical files.

Every figure is computed exactly with fractions.Fraction from FORMAT.md's
definition AND, where a registry package computes it, by that package:
scikit-learn's cohen_kappa_score, statsmodels' fleiss_kappa, the
`krippendorff` package (nominal) and nltk's AnnotationTask.alpha.  The two
must agree to 1e-10 or this script stops; the exact value is what is written,
after issue 3's silent-coder rule (`silent`, FORMAT.md "Silent coder"): a
chance-corrected figure is None when a coder taking part in it applied the
scope's code(s) nowhere in the scope.
The unitized family comes from unitized_alpha.py (no registry package
computes it).
"""

import json
import math
import os
import random
import sys
import warnings
from fractions import Fraction

import numpy as np
import krippendorff
from nltk.metrics.agreement import AnnotationTask
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import unitized_alpha as ua  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "agreement"))
TOL = 1e-10
SEED = 20261123
N_RANDOM = 52

warnings.filterwarnings("ignore")  # sklearn/statsmodels warn on 0/0; we check NaN ourselves


# ---------------------------------------------------------------- helpers

def num(x):
    """Fraction -> float for JSON (correctly rounded); None stays None."""
    return None if x is None else float(x)


# Whether the packages cross-check the exact figures.  Off while computing
# the pairs of a 3+-coder study (issue 12): a pair is a two-coder study, and
# the exact two-coder code path is cross-checked on every two-coder fixture;
# running the packages again on every pair would make regeneration several
# times slower for no new check.
CROSS_CHECK = [True]


def agree(exact, package_value, what):
    """Check a package's figure against the exact one (None == NaN/undefined)."""
    if not CROSS_CHECK[0]:
        return
    undefined = package_value is None or (isinstance(package_value, float) and math.isnan(package_value))
    if exact is None:
        if not undefined:
            raise AssertionError("%s: exact undefined, package gives %r" % (what, package_value))
        return
    if undefined:
        raise AssertionError("%s: exact %r, package undefined" % (what, float(exact)))
    if abs(float(exact) - float(package_value)) > TOL:
        raise AssertionError("%s: exact %r != package %r" % (what, float(exact), package_value))


def silent(coded, measure):
    """Issue 3's rule, applied after the package cross-checks: a chance-corrected
    figure is undefined (None) when a coder taking part in it applied the
    scope's code(s) nowhere in the scope.  `coded`: per taking-part coder, how
    many units (characters, excerpts, turns) they coded in the scope."""
    return None if any(n == 0 for n in coded) else measure


def codable_codes(study):
    parents = {c["parent"] for c in study["codes"] if c["parent"] is not None}
    return [c["id"] for c in study["codes"] if c["id"] not in parents]


def domains(study):
    """[(parent id, [codable child ids])] in codebook order."""
    codable = set(codable_codes(study))
    out = []
    for c in study["codes"]:
        kids = [k["id"] for k in study["codes"] if k["parent"] == c["id"] and k["id"] in codable]
        if kids:
            out.append((c["id"], kids))
    return out


def parent_of(study):
    return {c["id"]: c["parent"] for c in study["codes"]}


def excerpts(study, coder, transcript=None, codes=None):
    return [x for x in study["codings"]
            if x["coder"] == coder
            and (transcript is None or x["transcript"] == transcript)
            and (codes is None or x["code"] in codes)]


def coded_chars(study, coder, transcript, code):
    s = set()
    for x in excerpts(study, coder, transcript, {code}):
        s.update(range(x["start"], x["end"]))
    return s


# ---------------------------------------------------------------- kappas

def cohen_from_table(both, a_only, b_only, neither):
    n = both + a_only + b_only + neither
    if n == 0:
        return None
    po = Fraction(both + neither, n)
    pe = Fraction((both + a_only) * (both + b_only) + (b_only + neither) * (a_only + neither), n * n)
    if pe == 1:
        return None
    return (po - pe) / (1 - pe)


def cohen_se_exact(table, kappa):
    """Large-sample variance of Cohen's kappa (Fleiss, Cohen & Everitt 1969),
    exact, and its square root; checked against statsmodels' std_kappa."""
    if kappa is None:
        return None
    both, a_only, b_only, neither = table
    n = sum(table)
    p = [[Fraction(both, n), Fraction(a_only, n)], [Fraction(b_only, n), Fraction(neither, n)]]
    row = [p[0][0] + p[0][1], p[1][0] + p[1][1]]
    col = [p[0][0] + p[1][0], p[0][1] + p[1][1]]
    pe = row[0] * col[0] + row[1] * col[1]
    total = Fraction(0)
    for i in range(2):
        total += p[i][i] * (1 - (row[i] + col[i]) * (1 - kappa)) ** 2
        j = 1 - i
        total += (1 - kappa) ** 2 * p[i][j] * (col[i] + row[j]) ** 2
    total -= (kappa - pe * (1 - kappa)) ** 2
    var = total / (n * (1 - pe) ** 2)
    se = math.sqrt(float(var))
    if not CROSS_CHECK[0]:
        return se
    res = sm_cohens_kappa(np.array([[both, a_only], [b_only, neither]], dtype=float))
    # Where the exact variance is 0, statsmodels' float sum can land a hair
    # below it (-2e-18) and its sqrt is NaN: compare the variances there.
    pkg = float(res["std_kappa"]) if var != 0 else math.sqrt(max(0.0, float(res["var_kappa"])))
    agree(se, pkg, "cohen se %r" % (table,))
    return se


# Gwet's AC1 checks against irrCAC, run at the end in irrCAC's own venv
# (its pins conflict with statsmodels'): (histogram, exact ac1, exact variance, what).
GWET_CHECKS = []


def gwet_exact(hist, what):
    """Gwet's AC1 and its linearised variance (irrCAC's CAC.gwet(), N = inf)
    from hist[r] = units coded by exactly r of m coders, two categories,
    every coder rating every unit.  Exact; queued for the irrCAC check."""
    m = len(hist) - 1
    n = sum(hist)
    if m < 2 or n == 0:
        return None, None
    pi = Fraction(sum(r * h for r, h in enumerate(hist)), m * n)
    pe = 2 * pi * (1 - pi)
    agree_of = lambda r: Fraction(r * (r - 1) + (m - r) * (m - r - 1), m * (m - 1))
    pa = sum(h * agree_of(r) for r, h in enumerate(hist)) / n
    ac1 = (pa - pe) / (1 - pe)
    var = None
    if n >= 2:
        tot = Fraction(0)
        for r, h in enumerate(hist):
            if h:
                ac1_i = (agree_of(r) - pe) / (1 - pe)
                pe_i = (r * (1 - pi) + (m - r) * pi) / m
                term = ac1_i - 2 * (1 - ac1) * (pe_i - pe) / (1 - pe)
                tot += h * (term - ac1) ** 2
        var = tot / (n * (n - 1))
    if CROSS_CHECK[0]:
        GWET_CHECKS.append((list(hist), ac1, var, what))
    return ac1, var


def check_gwet_with_irrcac():
    """Every queued AC1 and variance against the irrCAC package."""
    import subprocess
    python = os.environ.get("CONCORD_IRRCAC_PYTHON")
    if not python:
        raise SystemExit("CONCORD_IRRCAC_PYTHON is not set: run through tests/oracle/run.sh")
    hists = sorted({tuple(h) for h, _, _, _ in GWET_CHECKS})
    out = subprocess.run([python, os.path.join(HERE, "gwet_irrcac.py")],
                         input=json.dumps([list(h) for h in hists]), capture_output=True,
                         text=True, check=True).stdout
    by_hist = {tuple(h): (a, v) for h, a, v in json.loads(out)}
    for hist, ac1, var, what in GWET_CHECKS:
        a, v = by_hist[tuple(hist)]
        if sum(hist) < 2:
            continue   # irrCAC divides by n(n - 1): exact only
        agree(ac1, a, "gwet ac1 (irrCAC) %s" % what)
        if var is not None:
            agree(var, v, "gwet ac1 variance (irrCAC) %s" % what)
    return len(GWET_CHECKS)


def gwet_fields(hist, coded, what):
    """The row's gwet_ac1 and gwet_ac1_variance after issue 3's rule (all coders)."""
    ac1, var = gwet_exact(hist, what)
    return {"gwet_ac1": num(silent(coded, ac1)), "gwet_ac1_variance": num(silent(coded, var))}


def add_hist(total, hist):
    for i, h in enumerate(hist):
        total[i] += h


def sk_cohen(v1, v2):
    if not CROSS_CHECK[0]:
        return None
    if len(v1) == 0:
        return None
    return float(cohen_kappa_score(v1, v2, labels=[0, 1]))


def fleiss_exact(counts, n_raters):
    """counts: list of (n_coded, n_not) per subject; every rater rates every subject."""
    N = len(counts)
    if N == 0 or n_raters < 2:
        return None
    n = n_raters
    p_bar = sum(Fraction(sum(v * v for v in row) - n, n * (n - 1)) for row in counts) / N
    p = [Fraction(sum(row[j] for row in counts), N * n) for j in range(2)]
    pe = sum(q * q for q in p)
    if pe == 1:
        return None
    return (p_bar - pe) / (1 - pe)


def sm_fleiss(counts):
    if not CROSS_CHECK[0]:
        return None
    if len(counts) == 0:
        return None
    return float(fleiss_kappa(np.array(counts, dtype=float), method="fleiss"))


def nominal_alpha_exact(units):
    """Krippendorff's nominal alpha from the coincidence matrix.
    units: list of lists of values (None = missing).  None if undefined."""
    o = {}
    for u in units:
        vals = [v for v in u if v is not None]
        mu = len(vals)
        if mu < 2:
            continue
        for a in range(mu):
            for b in range(mu):
                if a != b:
                    o[(vals[a], vals[b])] = o.get((vals[a], vals[b]), 0) + Fraction(1, mu - 1)
    n = sum(o.values())
    n_c = {}
    for (c, _), v in o.items():
        n_c[c] = n_c.get(c, 0) + v
    de = n * n - sum(v * v for v in n_c.values())
    if n == 0 or de == 0:
        return None
    do = n - sum(v for (c, k), v in o.items() if c == k)
    return 1 - (n - 1) * do / de


def pkg_alpha(units, n_coders):
    if not CROSS_CHECK[0]:
        return None
    """The `krippendorff` package, nominal; units x coders -> coders x units."""
    if not units:
        return None
    data = np.array([[np.nan if u[i] is None else float(u[i]) for u in units]
                     for i in range(n_coders)])
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # "There has to be more than one value in the domain."
        return None


def nltk_alpha(units, coders):
    if not CROSS_CHECK[0]:
        return None
    triples = [(coders[i], "u%d" % n, str(v)) for n, u in enumerate(units)
               for i, v in enumerate(u) if v is not None]
    if not triples:
        return None
    try:
        return float(AnnotationTask(data=triples).alpha())
    except ZeroDivisionError:
        return None


# ---------------------------------------------------------------- measures

def character_rows(study):
    coders = study["coders"]
    two = len(coders) == 2
    rows = []
    all_tables = [0, 0, 0, 0]
    all_weighted = []          # (length, kappa)
    all_counts = []            # Fleiss subjects over everything
    all_v = ([], [])
    all_coded = [0] * len(coders)   # characters each coder coded, any code
    all_hist = [0] * (len(coders) + 1)   # characters by how many coders coded them
    for code in codable_codes(study):
        pooled = [0, 0, 0, 0]
        weighted = []
        pooled_counts = []
        pooled_v = ([], [])
        pooled_coded = [0] * len(coders)   # characters each coder coded, all transcripts
        pooled_hist = [0] * (len(coders) + 1)
        for t in study["transcripts"]:
            TU = t["length"]
            sets = [coded_chars(study, c, t["id"], code) for c in coders]
            for i, s in enumerate(sets):
                pooled_coded[i] += len(s)
            hist = [0] * (len(coders) + 1)
            for x in range(TU):
                hist[sum(1 for s in sets if x in s)] += 1
            add_hist(pooled_hist, hist)
            gwet = gwet_fields(hist, [len(s) for s in sets], "character %s %s" % (code, t["id"]))
            if two:
                A, B = sets
                both, a_only, b_only = len(A & B), len(A - B), len(B - A)
                neither = TU - len(A | B)
                kappa = cohen_from_table(both, a_only, b_only, neither)
                va = [1 if x in A else 0 for x in range(TU)]
                vb = [1 if x in B else 0 for x in range(TU)]
                agree(kappa, sk_cohen(va, vb), "cohen %s %s" % (code, t["id"]))
                kappa = silent([both + a_only, both + b_only], kappa)
                rows.append({"code": code, "transcript": t["id"], "both": both, "a_only": a_only,
                             "b_only": b_only, "neither": neither,
                             "percent_agreement": num(Fraction(both + neither, TU)) if TU else None,
                             "cohen_kappa": num(kappa),
                             "cohen_kappa_se": cohen_se_exact((both, a_only, b_only, neither), kappa),
                             **gwet})
                for k, v in enumerate((both, a_only, b_only, neither)):
                    pooled[k] += v
                if kappa is not None:
                    weighted.append((TU, kappa))
                pooled_v[0].extend(va)
                pooled_v[1].extend(vb)
            else:
                counts = [(sum(1 for s in sets if x in s), sum(1 for s in sets if x not in s))
                          for x in range(TU)]
                fk = fleiss_exact(counts, len(coders))
                agree(fk, sm_fleiss(counts), "fleiss %s %s" % (code, t["id"]))
                fk = silent([len(s) for s in sets], fk)
                rows.append({"code": code, "transcript": t["id"], "fleiss_kappa": num(fk), **gwet})
                pooled_counts.extend(counts)
        add_hist(all_hist, pooled_hist)
        for i, n in enumerate(pooled_coded):
            all_coded[i] += n if not two else 0
        gwet = gwet_fields(pooled_hist, pooled_coded, "character pooled %s" % code)
        if two:
            rows.append({**pooled_row(code, pooled, weighted, pooled_v), **gwet})
            for k in range(4):
                all_tables[k] += pooled[k]
            all_weighted.extend(weighted)
            all_v[0].extend(pooled_v[0])
            all_v[1].extend(pooled_v[1])
        else:
            fk = fleiss_exact(pooled_counts, len(coders))
            agree(fk, sm_fleiss(pooled_counts), "fleiss pooled %s" % code)
            fk = silent(pooled_coded, fk)
            rows.append({"code": code, "transcript": None, "fleiss_kappa": num(fk), **gwet})
            all_counts.extend(pooled_counts)
    if two:
        all_coded = [all_tables[0] + all_tables[1], all_tables[0] + all_tables[2]]
    gwet = gwet_fields(all_hist, all_coded, "character overall")
    if two:
        rows.append({**pooled_row(None, all_tables, all_weighted, all_v), **gwet})
    else:
        fk = fleiss_exact(all_counts, len(coders))
        agree(fk, sm_fleiss(all_counts), "fleiss overall")
        fk = silent(all_coded, fk)
        rows.append({"code": None, "transcript": None, "fleiss_kappa": num(fk), **gwet})
    return rows


def pooled_row(code, table, weighted, vectors):
    both, a_only, b_only, neither = table
    n = sum(table)
    kappa = cohen_from_table(*table)
    agree(kappa, sk_cohen(*vectors), "cohen pooled %s" % code)
    kappa = silent([both + a_only, both + b_only], kappa)
    se = cohen_se_exact(table, kappa)
    # weighted: the rule-applied per-transcript kappas that are defined
    total = sum(w for w, _ in weighted)
    wmean = sum(w * k for w, k in weighted) / total if total else None
    return {"code": code, "transcript": None, "both": both, "a_only": a_only, "b_only": b_only,
            "neither": neither, "percent_agreement": num(Fraction(both + neither, n)) if n else None,
            "cohen_kappa": num(kappa), "cohen_kappa_se": se, "cohen_kappa_weighted_mean": num(wmean)}


def segment_match(a_list, b_list, threshold):
    """FORMAT.md's greedy one-to-one matching.  Returns (agreements, a_only, b_only)."""
    pairs = []
    for ia, a in enumerate(a_list):
        for ib, b in enumerate(b_list):
            inter = ua.overlap(a[0], a[1], b[0], b[1])
            if inter == 0:
                continue
            union = max(a[1], b[1]) - min(a[0], b[0])
            ratio = Fraction(inter, union)
            if ratio >= threshold:
                pairs.append((-ratio, a[0], a[1], b[0], b[1], ia, ib))
    pairs.sort()
    used_a, used_b = set(), set()
    for p in pairs:
        ia, ib = p[5], p[6]
        if ia not in used_a and ib not in used_b:
            used_a.add(ia)
            used_b.add(ib)
    agreements = len(used_a)
    return agreements, len(a_list) - agreements, len(b_list) - agreements


def segment_pair_rows(study, a, b):
    """The two-coder segment rows of coders a and b (a = A, b = B)."""
    threshold = Fraction(str(study["segment_overlap"]))
    k = len({x["code"] for x in study["codings"] if x["coder"] in (a, b)})

    def row(code, transcript, ag, ao, bo):
        denom = ag + ao + bo
        p = Fraction(ag, denom) if denom else None
        kbp = None
        if p is not None and k >= 2:
            kbp = (p - Fraction(1, k)) / (1 - Fraction(1, k))
        kbp = silent([ag + ao, ag + bo], kbp)
        return {"code": code, "transcript": transcript, "agreements": ag, "a_only": ao, "b_only": bo,
                "percent_agreement": p, "kappa_bp": kbp}

    rows = []
    total = [0, 0, 0]
    for code in codable_codes(study):
        pooled = [0, 0, 0]
        for t in study["transcripts"]:
            sa = [(x["start"], x["end"]) for x in excerpts(study, a, t["id"], {code})]
            sb = [(x["start"], x["end"]) for x in excerpts(study, b, t["id"], {code})]
            ag, ao, bo = segment_match(sa, sb, threshold)
            rows.append(row(code, t["id"], ag, ao, bo))
            for i, v in enumerate((ag, ao, bo)):
                pooled[i] += v
        rows.append(row(code, None, *pooled))
        for i in range(3):
            total[i] += pooled[i]
    rows.append(row(None, None, *total))
    return rows


def segment_rows(study):
    """Two coders: their rows.  Three or more (issue 12): every pair matched on
    its own; percent = mean of the pairs' percents that are defined (a pair
    with no excerpt in the scope drops out), kappa_bp = mean of every pair's
    kappa_bp, null when any coder has no excerpt in the scope or any pair's is
    null; no counts."""
    coders = study["coders"]
    pairs = [(coders[i], coders[j]) for i in range(len(coders)) for j in range(i + 1, len(coders))]
    per_pair = [segment_pair_rows(study, a, b) for a, b in pairs]
    if len(pairs) == 1:
        return [dict(r, percent_agreement=num(r["percent_agreement"]), kappa_bp=num(r["kappa_bp"]))
                for r in per_pair[0]]
    rows = []
    for i, first in enumerate(per_pair[0]):
        same = [rs[i] for rs in per_pair]
        assert all(r["code"] == first["code"] and r["transcript"] == first["transcript"] for r in same)
        percents = [r["percent_agreement"] for r in same if r["percent_agreement"] is not None]
        p = sum(percents) / len(percents) if percents else None
        excerpts_of = {}
        for (a, b), r in zip(pairs, same):
            excerpts_of.setdefault(a, r["agreements"] + r["a_only"])
            excerpts_of.setdefault(b, r["agreements"] + r["b_only"])
        kappas = [r["kappa_bp"] for r in same]
        kbp = None
        if p is not None and all(v is not None for v in kappas):
            kbp = sum(kappas) / len(kappas)
        kbp = silent([excerpts_of[c] for c in coders], kbp)
        rows.append({"code": first["code"], "transcript": first["transcript"],
                     "percent_agreement": num(p), "kappa_bp": num(kbp)})
    return rows


def turn_rows(study):
    coders = study["coders"]
    turns = [(t["id"], s, e) for t in study["transcripts"] for s, e in t["turns"]]
    rows = []
    for code in codable_codes(study):
        units = []
        for tid, s, e in turns:
            unit = []
            for c in coders:
                hit = any(ua.overlap(s, e, x["start"], x["end"]) > 0
                          for x in excerpts(study, c, tid, {code}))
                unit.append(1 if hit else 0)
            units.append(unit)
        alpha = nominal_alpha_exact(units)
        agree(alpha, pkg_alpha(units, len(coders)), "turn alpha (krippendorff) %s" % code)
        nl = nltk_alpha(units, coders)
        if alpha is not None or nl not in (None, 1.0):  # nltk reports 1.0 when there is no variation
            agree(alpha, nl, "turn alpha (nltk) %s" % code)
        v1 = [u[0] for u in units]
        v2 = [u[1] for u in units]
        ck = cohen_from_table(sum(1 for x, y in zip(v1, v2) if x and y),
                              sum(1 for x, y in zip(v1, v2) if x and not y),
                              sum(1 for x, y in zip(v1, v2) if y and not x),
                              sum(1 for x, y in zip(v1, v2) if not x and not y))
        agree(ck, sk_cohen(v1, v2), "turn cohen %s" % code)
        marked = [sum(u[i] for u in units) for i in range(len(coders))]   # turns each coder marked
        alpha = silent(marked, alpha)
        ck = silent(marked[:2], ck)
        table = (sum(1 for x, y in zip(v1, v2) if x and y), sum(1 for x, y in zip(v1, v2) if x and not y),
                 sum(1 for x, y in zip(v1, v2) if y and not x), sum(1 for x, y in zip(v1, v2) if not x and not y))
        hist = [0] * (len(coders) + 1)
        for u in units:
            hist[sum(u)] += 1
        gwet = gwet_fields(hist, marked, "turn %s" % code) if units else {"gwet_ac1": None, "gwet_ac1_variance": None}
        r = {"code": code, "alpha": num(alpha), "cohen_kappa": num(ck),
             "cohen_kappa_se": cohen_se_exact(table, ck), **gwet}
        if len(coders) >= 3:
            counts = [(sum(u), len(u) - sum(u)) for u in units]
            fk = fleiss_exact(counts, len(coders))
            agree(fk, sm_fleiss(counts), "turn fleiss %s" % code)
            fk = silent(marked, fk)
            r["fleiss_kappa"] = num(fk)
        rows.append(r)
    return rows


def continuum(study):
    """Offsets of each transcript in the concatenated continuum, and L."""
    offsets = {}
    pos = 0
    for t in study["transcripts"]:
        offsets[t["id"]] = pos
        pos += t["length"]
    return offsets, pos


def alpha_block(study):
    offsets, L = continuum(study)
    cuts = sorted(set(offsets.values()))
    coders = study["coders"]

    def units(coder, value_of):
        raw = [(value_of(x["code"]), offsets[x["transcript"]] + x["start"], offsets[x["transcript"]] + x["end"])
               for x in excerpts(study, coder) if value_of(x["code"]) is not None]
        return ua.merge_units(raw, cuts) if raw else []

    binary = {}
    for code in codable_codes(study):
        per = [units(c, lambda k, code=code: k if k == code else None) for c in coders]
        res = ua.u_and_binary(per, L)
        assert res["u_alpha"][0] == res["binary_u_alpha"][0]  # one value: |uα == uα
        binary[code] = num(silent([len(u) for u in per], res["binary_u_alpha"][0]))

    doms = []
    for parent, kids in domains(study):
        kidset = set(kids)
        per = [units(c, lambda k: k if k in kidset else None) for c in coders]
        fam = ua.family(per, L, values=kids)
        in_domain = [len(u) for u in per]
        doms.append({"domain": parent, "u_alpha": num(silent(in_domain, fam["u_alpha"][0])),
                     "cu_alpha": num(silent(in_domain, fam["cu_alpha"][0])),
                     "k_u_alpha": {k: num(silent([sum(1 for v, _, _ in u if v == k) for u in per],
                                                 fam["k_u_alpha"][k][0]))
                                   for k in kids}})

    par = parent_of(study)
    per = [units(c, lambda k: par[k]) for c in coders]
    cud = silent([len(u) for u in per], ua.cu_and_k(per)["cu_alpha"][0])
    return {"binary_u_alpha": binary, "domains": doms, "cu_alpha_domains": num(cud)}


def expected(study):
    out = {"character": character_rows(study), "segment": segment_rows(study),
           "alpha": alpha_block(study), "turn": turn_rows(study)}
    if len(study["coders"]) >= 3:
        out["pairs"] = pairs(study)
    return out


def pairs(study):
    """Issue 12: with 3+ coders, each pair (study order) as a two-coder study of
    its own (only its codings), pooled rows only (transcript None)."""
    coders = study["coders"]
    out = []
    CROSS_CHECK[0] = False
    for i in range(len(coders)):
        for j in range(i + 1, len(coders)):
            pair = [coders[i], coders[j]]
            sub = dict(study, coders=pair, codings=[c for c in study["codings"] if c["coder"] in pair])
            pooled = lambda rows: [r for r in rows if r["transcript"] is None]
            out.append({"coders": pair, "character": pooled(character_rows(sub)),
                        "segment": pooled(segment_rows(sub)), "alpha": alpha_block(sub),
                        "turn": turn_rows(sub)})
    CROSS_CHECK[0] = True
    return out


# ---------------------------------------------------------------- generator

def make_turns(rng, length):
    """Speaker turns: consecutive [s, e) spans separated by a 1-char gap
    (the newline), sometimes leaving a lead-in or tail uncovered."""
    turns = []
    pos = rng.choice([0, 0, 0, rng.randint(0, min(10, length))]) if length else 0
    while pos < length:
        end = min(length, pos + rng.randint(5, 80))
        turns.append([pos, end])
        pos = end + 1
        if rng.random() < 0.05:
            break
    return turns


def make_codebook(rng):
    codes = []
    n_domains = rng.choice([2, 2, 3])
    for d in range(n_domains):
        parent = "g%d" % (d + 1)
        codes.append({"id": parent, "parent": None})
        for k in range(rng.randint(2, 4)):
            codes.append({"id": "%s%s" % (parent, "abcd"[k]), "parent": parent})
    if rng.random() < 0.4:
        codes.append({"id": "solo", "parent": None})  # codable, in no domain
    return codes


def make_study(rng, name, description, n_coders=None, scenario="random"):
    n_coders = n_coders or rng.choice([2, 2, 3, 4])
    coders = ["a", "b", "c", "d"][:n_coders]
    codes = make_codebook(rng)
    n_t = rng.randint(1, 4)
    transcripts = []
    for i in range(n_t):
        length = 0 if rng.random() < 0.15 else rng.choice([rng.randint(1, 40), rng.randint(20, 400),
                                                             rng.randint(20, 400)])
        if scenario == "all-empty":
            length = 0
        transcripts.append({"id": "t%d" % (i + 1), "length": length, "turns": make_turns(rng, length)})
    if scenario != "all-empty" and all(t["length"] == 0 for t in transcripts):
        transcripts[-1]["length"] = rng.randint(20, 400)
        transcripts[-1]["turns"] = make_turns(rng, transcripts[-1]["length"])
    if scenario == "empty-transcript" and all(t["length"] for t in transcripts):
        transcripts.insert(rng.randint(0, len(transcripts)), {"id": "t0", "length": 0, "turns": []})
    study = {"coders": coders, "codes": codes, "transcripts": transcripts, "codings": [],
             "segment_overlap": rng.choice([0.9, 0.9, 0.9, 0.8, 0.75, 0.5])}
    par = {c["id"]: c["parent"] for c in codes}
    leaves = codable_codes(study)
    siblings = {k: [x for x in leaves if par[x] == par[k]] for k in leaves}

    allow_domain_clash = scenario == "domain-clash"
    occupancy = {c: {} for c in coders}  # coder -> (transcript, domain, pos) -> code

    def try_add(coder, tid, code, s, e, length):
        s, e = max(0, s), min(length, e)
        if e <= s:
            return False
        dom = par[code]
        if dom is not None and not allow_domain_clash:
            for x in range(s, e):
                other = occupancy[coder].get((tid, dom, x))
                if other is not None and other != code:
                    return False
        if dom is not None:
            for x in range(s, e):
                occupancy[coder][(tid, dom, x)] = code
        study["codings"].append({"coder": coder, "transcript": tid, "code": code, "start": s, "end": e})
        return True

    silent = set()
    if scenario == "silent-coder":
        silent.add(rng.choice(coders[1:]))
    solo_code = None
    if scenario == "code-one-coder":
        solo_code = rng.choice(leaves)

    if scenario == "nobody":
        pass
    elif scenario == "no-variation":
        code = leaves[0]
        for t in transcripts:
            for c in coders:
                if t["length"]:
                    try_add(c, t["id"], code, 0, t["length"], t["length"])
    else:
        base = []
        for t in transcripts:
            L = t["length"]
            if not L:
                continue
            for _ in range(rng.randint(1, max(2, L // 15))):
                s = rng.randrange(L)
                e = s + rng.randint(1, max(1, min(120, L - s)))
                base.append((t["id"], L, rng.choice(leaves), s, e))
        # same-code overlapping/touching excerpts of one coder, and an excerpt
        # ending at a transcript's end next to one starting at the next one's 0
        extra_touch = scenario in ("touching", "random") and rng.random() < 0.7
        for ci, c in enumerate(coders):
            if c in silent:
                continue
            identical = scenario == "identical"
            for tid, L, code, s, e in base:
                if solo_code is not None and code == solo_code and ci > 0:
                    continue
                if solo_code is None and code == "solo" and ci > 0 and rng.random() < 0.5:
                    continue
                r = rng.random()
                if identical or ci == 0 or r < 0.35:
                    try_add(c, tid, code, s, e, L)                         # identical
                elif r < 0.60:
                    d1 = rng.randint(-6, 6)
                    d2 = rng.randint(-6, 6)
                    try_add(c, tid, code, s + d1, e + d2, L)               # boundary
                elif r < 0.72:
                    try_add(c, tid, rng.choice(siblings[code]), s, e, L)   # code (same domain)
                elif r < 0.80:
                    try_add(c, tid, rng.choice(leaves), s, e, L)           # any code
                elif r < 0.90:
                    pass                                                   # omission
                else:
                    mid = (s + e) // 2                                     # split in two
                    if rng.random() < 0.5:
                        try_add(c, tid, code, s, mid, L) and try_add(c, tid, code, mid, e, L)
                    else:
                        try_add(c, tid, code, s, mid + 2, L) and try_add(c, tid, code, mid, e, L)
            if not identical:
                for t in transcripts:   # a few excerpts of the coder's own
                    L = t["length"]
                    if L and rng.random() < 0.5:
                        s = rng.randrange(L)
                        try_add(c, t["id"], rng.choice(leaves), s, s + rng.randint(1, 60), L)
            if extra_touch:
                nonempty = [t for t in transcripts if t["length"]]
                if nonempty:
                    t = rng.choice(nonempty)
                    L = t["length"]
                    code = rng.choice(leaves)
                    s = rng.randrange(L)
                    m = min(L, s + rng.randint(1, 30))
                    try_add(c, t["id"], code, s, m, L)
                    try_add(c, t["id"], code, m, min(L, m + rng.randint(1, 30)), L)
                for i in range(len(transcripts) - 1):
                    t1, t2 = transcripts[i], transcripts[i + 1]
                    if t1["length"] and t2["length"] and rng.random() < 0.5:
                        code = rng.choice(leaves)
                        try_add(c, t1["id"], code, max(0, t1["length"] - 7), t1["length"], t1["length"])
                        try_add(c, t2["id"], code, 0, min(5, t2["length"]), t2["length"])
        if scenario == "domain-clash":
            # coder b puts two codes of one domain on the same characters
            dom_kids = [ks for _, ks in domains(study) if len(ks) >= 2]
            nonempty = [t for t in transcripts if t["length"] >= 10]
            if dom_kids and nonempty:
                ks = dom_kids[0]
                t = nonempty[0]
                try_add("b", t["id"], ks[0], 0, 8, t["length"])
                try_add("b", t["id"], ks[1], 4, 10, t["length"])
        if scenario == "segment-ties":
            # pairs whose overlap ratio is exactly the threshold and just below it
            thr = Fraction(str(study["segment_overlap"]))
            t = {"id": "t9", "length": 120, "turns": make_turns(rng, 120)}
            transcripts.append(t)   # a fresh transcript: nothing blocks these excerpts
            if True:
                code = leaves[0]
                den = thr.denominator * (20 // thr.denominator + 1)
                inter = thr.numerator * den // thr.denominator   # inter/den == thr
                try_add("a", t["id"], code, 0, den, t["length"])
                try_add("b", t["id"], code, 0, inter, t["length"])              # ratio == thr
                try_add("a", t["id"], code, den + 10, 2 * den + 10, t["length"])
                try_add("b", t["id"], code, den + 10, den + 10 + inter - 1, t["length"])  # just below
    study["codings"].sort(key=lambda x: (x["coder"], x["transcript"], x["start"], x["end"], x["code"]))
    return {"description": description, "input": study}


# ---------------------------------------------------------------- fixed cases

def issue_l60():
    study = {
        "coders": ["a", "b"],
        "codes": [{"id": "g", "parent": None}, {"id": "x", "parent": "g"}, {"id": "y", "parent": "g"}],
        "transcripts": [{"id": "t1", "length": 60, "turns": [[0, 14], [15, 39], [40, 60]]}],
        "codings": [
            {"coder": "a", "transcript": "t1", "code": "x", "start": 0, "end": 10},
            {"coder": "a", "transcript": "t1", "code": "y", "start": 15, "end": 30},
            {"coder": "a", "transcript": "t1", "code": "x", "start": 40, "end": 50},
            {"coder": "b", "transcript": "t1", "code": "x", "start": 0, "end": 12},
            {"coder": "b", "transcript": "t1", "code": "y", "start": 15, "end": 28},
            {"coder": "b", "transcript": "t1", "code": "x", "start": 41, "end": 50},
            {"coder": "b", "transcript": "t1", "code": "y", "start": 55, "end": 60},
        ],
        "segment_overlap": 0.9,
    }
    fam = ua.family(ua.ISSUE_CASE, ua.ISSUE_CASE_L)
    chars = ua.characters_as_units_nominal_alpha(ua.ISSUE_CASE, ua.ISSUE_CASE_L)
    # the same "characters as units" figure from the krippendorff package
    parts = [ua.partition(u, 60) for u in ua.ISSUE_CASE]
    code_num = {None: 0, "x": 1, "y": 2}
    rows = []
    for segs in parts:
        row = [0] * 60
        for v, b, e in segs:
            for x in range(b, e):
                row[x] = code_num[v]
        rows.append(row)
    pkg = krippendorff.alpha(reliability_data=np.array(rows, dtype=float), level_of_measurement="nominal")
    agree(chars, pkg, "characters-as-units alpha")
    assert round(pkg, 4) == 0.7498
    published = {
        "u_alpha": 0.763331231168103,
        "binary_u_alpha_all_codes": 0.669261652957305,
        "cu_alpha": 1.0,
        "characters_as_units_nominal_alpha": num(chars),
    }
    assert abs(float(fam["u_alpha"][0]) - published["u_alpha"]) < 1e-12
    assert abs(float(fam["binary_u_alpha"][0]) - published["binary_u_alpha_all_codes"]) < 1e-12
    assert fam["cu_alpha"][0] == 1
    return {"description": "Issue 3's published-style case, L = 60 (Krippendorff et al. 2016 style): "
                           "uα of domain g = 0.763331231168103, |uα with x and y as one value = "
                           "0.669261652957305, cuα = 1; characters-as-units nominal alpha = 0.7498 is NOT uα.",
            "input": study, "published": published}


def nvivo():
    study = {
        "coders": ["a", "b"],
        "codes": [{"id": "g", "parent": None}, {"id": "x", "parent": "g"}, {"id": "y", "parent": "g"}],
        "transcripts": [{"id": "t1", "length": 1000, "turns": [[0, 100], [101, 500], [501, 1000]]}],
        "codings": [
            {"coder": "a", "transcript": "t1", "code": "x", "start": 0, "end": 125},
            {"coder": "b", "transcript": "t1", "code": "x", "start": 75, "end": 200},
        ],
        "segment_overlap": 0.9,
    }
    return {"description": "NVivo's documented example: TU = 1000, 50 characters coded by both, 150 by one "
                           "coder only, 800 by neither -> 85% agreement (code x); code y coded by nobody.",
            "input": study, "published": {"code": "x", "transcript": "t1", "percent_agreement": 0.85}}


DATA_C = [  # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data C
    # coders A, B, C, D; None = missing
    [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1], [None, 3, None, None],
]


def data_c():
    exact = nominal_alpha_exact(DATA_C)
    pkg = pkg_alpha(DATA_C, 4)
    agree(exact, pkg, "data C (krippendorff)")
    agree(exact, nltk_alpha(DATA_C, ["A", "B", "C", "D"]), "data C (nltk)")
    assert abs(pkg - 0.743421052631579) < 1e-12, pkg
    assert abs(float(exact) - 0.743421052631579) < 1e-15
    return {"description": "Krippendorff (2011), Computing Krippendorff's Alpha-Reliability, reliability data C: "
                           "4 coders (A, B, C, D), 12 units, missing values as null; nominal alpha.",
            "coders": ["A", "B", "C", "D"], "units": DATA_C, "expected_alpha": num(exact)}


# ---------------------------------------------------------------- output

def dump(obj):
    """JSON with one coding / row per line: readable diffs, small files."""
    def enc(v, indent):
        pad = " " * indent
        if isinstance(v, dict) and any(isinstance(x, (dict, list)) and x and
                                       any(isinstance(y, (dict, list)) for y in (x.values() if isinstance(x, dict) else x))
                                       for x in v.values()):
            items = [pad + " " + json.dumps(k, ensure_ascii=False) + ": " + enc(x, indent + 1).lstrip()
                     for k, x in v.items()]
            return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return pad + "[\n" + ",\n".join(pad + " " + json.dumps(x, ensure_ascii=False) for x in v) + "\n" + pad + "]"
        if isinstance(v, dict):
            items = [pad + " " + json.dumps(k, ensure_ascii=False) + ": " + enc(x, indent + 1).lstrip()
                     for k, x in v.items()]
            if not items:
                return pad + "{}"
            return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
        return pad + json.dumps(v, ensure_ascii=False)
    return enc(obj, 0) + "\n"


def write(name, fixture):
    path = os.path.join(OUT, name + ".json")
    text = dump(fixture)
    assert json.loads(text) == json.loads(json.dumps(fixture))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


SCENARIOS = ["random", "random", "random", "identical", "nobody", "silent-coder", "code-one-coder",
             "domain-clash", "empty-transcript", "touching", "segment-ties", "no-variation", "random"]


def main():
    ua.self_check()
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".json"):
            os.remove(os.path.join(OUT, f))
    written = []
    fx = issue_l60()
    fx["expected"] = expected(fx["input"])
    d = fx["expected"]["alpha"]["domains"][0]
    assert abs(d["u_alpha"] - 0.763331231168103) < 1e-12 and d["cu_alpha"] == 1.0
    written.append(write("000-issue-l60-published", fx))
    fx = nvivo()
    fx["expected"] = expected(fx["input"])
    row = fx["expected"]["character"][0]
    assert (row["both"], row["a_only"] + row["b_only"], row["neither"]) == (50, 150, 800)
    assert row["percent_agreement"] == 0.85
    written.append(write("001-nvivo-documented", fx))
    written.append(write("krippendorff-data-c", data_c()))

    rng = random.Random(SEED)
    for n in range(N_RANDOM):
        scenario = SCENARIOS[n % len(SCENARIOS)] if n >= 3 else "random"
        if n == N_RANDOM - 1:
            scenario = "all-empty"
        n_coders = [2, 3, 4][n % 3]
        seed = rng.randrange(2 ** 32)
        srng = random.Random(seed)
        fx = make_study(srng, scenario, "", n_coders=n_coders, scenario=scenario)
        st = fx["input"]
        fx["description"] = "seed %d, scenario %s: %d coders, %d transcripts (lengths %s), %d codings" % (
            seed, scenario, len(st["coders"]), len(st["transcripts"]),
            ", ".join(str(t["length"]) for t in st["transcripts"]), len(st["codings"]))
        fx["expected"] = expected(st)
        written.append(write("%03d-%s-%dcoders" % (n + 2, scenario, n_coders), fx))
    checked = check_gwet_with_irrcac()
    total = sum(os.path.getsize(p) for p in written)
    print("wrote %d fixtures to %s (%d bytes); %d AC1 figures match irrCAC" % (len(written), OUT, total, checked))


if __name__ == "__main__":
    main()
