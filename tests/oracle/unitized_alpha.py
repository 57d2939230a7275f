"""Reference implementation of Krippendorff's unitized alpha family.

uα, |uα, cuα and (k)uα, written from Krippendorff, Mathet, Bouvry and Widlöcher
(2016), "On the reliability of unitizing textual continua: Further
developments", Quality & Quantity 50:2347-2364, and Krippendorff (2019),
Content Analysis, 4th ed., section 12.6.  Plain Python, exact rational
arithmetic (fractions.Fraction), no dependencies, no cleverness: it is the
oracle the Rust engine (src/agreement) is checked against.

Run `python3 tests/oracle/unitized_alpha.py` to run its self-checks.

Equation numbers are those public implementations cite (2016 paper: a
Python implementation; 2019 book: the R package quallmer); the paper's
text itself was not at hand.  uα and |uα are confirmed numerically by the
published-style L = 60 case; cuα for m >= 3 is the reading noted in 4.


1. Data
-------
A continuum of L characters, positions 0 .. L-1 (half-open spans [b, e)).
m >= 2 coders i, j.  Each coder i marks units: spans with a value c (a code,
or a domain).  Notation of the paper:

    l_cig   length of coder i's g-th segment, whose value is c
    ∩_cig,kjh  length of the intersection of coder i's segment g (value c)
               and coder j's segment h (value k)    = max(0, min(e) - max(b))

For uα and |uα each coder's segments must PARTITION the continuum: the
coder's valued units, and between them the gaps, which carry the "value"
∅ (no value).  A gap is a maximal run of characters the coder did not mark.
Two units of one coder may touch (x[0,5) y[5,9)); they may not share a
character (then there is no partition and uα is undefined, see section 6).

2. Observed coincidences (2016 eq. 1)
-------------------------------------
Every character a coder marked is paired with what each of the other m-1
coders marked at the same character, each pair weighted 1/(m-1):

    l_ck = 1/(m-1) · Σ_i Σ_{j≠i} Σ_g Σ_h ∩_cig,kjh          (c, k include ∅)

Margins: l_c. = Σ_k l_ck = Σ_i Σ_g l_cig (the total length coders gave value
c), l_.. = Σ_c l_c. = m·L.

3. Expected coincidences (2016 eq. 4)
-------------------------------------
Chance pairs any two stretches that are not parts of the same segment: a
unit of length l can not be paired with itself, which removes l² from the
l_c.·l_.k possible pairs.  Gaps have no structure, so every gap character is
its own "segment" of length 1 and removes 1 (i.e. l_∅ig, not its square):

    S_c = Σ_i Σ_g l_cig²     for c ≠ ∅          S_∅ = Σ_i Σ_g l_∅ig
    S   = Σ_c S_c

    e_ck = l_.. · (l_c.·l_.k − δ(c,k)·S_c) / (l_..² − S)

(l_..² − S > 0 whenever L > 0 and m >= 2.)

4. The four coefficients (nominal metric)
-----------------------------------------
uα (2016 eq. 5; 2019 eq. 34) — unitizing and coding together, gaps included:

    uα = 1 − (l_.. − Σ_c l_cc) / (l_.. − Σ_c e_cc)

|uα (2016 eq. 6; 2019 eq. 35) — binary: valued (any value) versus gap.  The
same matrices, disagreement between ∅ and all valued values taken together:

    |uα = 1 − (Σ_{k≠∅} l_∅k) / (Σ_{k≠∅} e_∅k)

(Identical to the uα of the same segments with every value renamed to one
value "coded", because only the ∅ row enters.)

    For concord's per-code |uα ("binary_u_alpha"): for code c, each coder's
    c-excerpts are first MERGED where they overlap or touch (same transcript
    only: a unit never crosses a transcript boundary), the merged spans are
    the units (value "c"), everything else is gap; then |uα as above, which
    here equals uα.

cuα (2016 eqs. 10-11; 2019 eqs. 36-37) — coding only, on the intersections of
valued units; gaps and everything intersecting a gap are left out.  The
observed matrix is l_ck restricted to c, k ≠ ∅ (call its margins l*_c., l*_..).
Expected: the stretch of unit g of coder i that coder j's valued units cover,

    ∩_cig,j = Σ_{h: k ≠ ∅} ∩_cig,kjh

can not pair with itself:

    T_c = 1/(m-1) · Σ_i Σ_{j≠i} Σ_g (∩_cig,j)²        T = Σ_c T_c
    e*_ck = l*_.. · (l*_c.·l*_.k − δ(c,k)·T_c) / (l*_..² − T)
    cuα = 1 − (l*_.. − Σ_c l*_cc) / (l*_.. − Σ_c e*_cc)

For m = 2 this is (∩_cig,j)² per unit, the squared length of the part of the
unit the other coder also valued.  [Reading note: for m >= 3 the published
formula is written pairwise, Σ_{j≠i} ... /(m-1), and this reference follows
that reading; some implementations instead square |g ∩ (union of all other
coders' units)|.  The two agree for m = 2 and whenever the other coders'
units cover the same stretch of g.]

(k)uα (2016 eq. 13b; 2019 eq. 38) — cuα for one value k against all others,
on the cuα matrices, with e*_k. = Σ_c e*_kc:

    (k)uα = 1 − (e*_k. / l*_k.) · (l*_k. − l*_kk) / (e*_k. − e*_kk)

coverage of k = l*_k. / l_k. : the share of k's coincidences that are with a
valued unit (how much of k's coding (k)uα speaks for).

The L = 60 case of issue 3 (A: x[0,10) y[15,30) x[40,50);
B: x[0,12) y[15,28) x[41,50) y[55,60)) gives uα = 0.763331231168103,
|uα = 0.669261652957305, cuα = 1 (no two coders ever put different values
on one character).  Treating each character as a unit and running ordinary
nominal alpha on (∅, x, y) gives 0.7498 instead: that is not uα.

5. Pooling transcripts, domains, overlaps (concord's use)
--------------------------------------------------------
- Transcripts are concatenated in order into one continuum (offset = sum of
  the lengths before); L = total length.
- Per semantic domain (the codable children of one parent): values = those
  codes; each coder's excerpts of one code are merged where they overlap or
  touch (within a transcript).  If after that two different codes of the
  domain share a character for one coder, the coder's marks are not a
  partition: uα, cuα and every (k)uα of the domain are undefined (the reason
  names coder, transcript and position).
- cuα over domains (cu_alpha_domains): every excerpt whose code has a parent
  is valued by that parent; same-value overlaps/touches are merged as above.
  Units of different domains may overlap (one passage coded in two
  domains); cuα needs no partition, and the formulas of section 4 are
  applied as written: every (unit of i, unit of j) pair of intersecting
  units contributes its intersection.

6. Undefined cases (None plus a reason; never a silent 0, 1 or NaN)
------------------------------------------------------------------
- L = 0 or m < 2: nothing to compare.
- uα: l_.. − Σ e_cc = 0 — only one value in the whole data (e.g. nobody
  coded anything: all gap), "no variation".
- |uα: Σ_{k≠∅} e_∅k = 0 — no gap anywhere or no valued unit anywhere.
- cuα: l*_.. = 0 — no two coders' valued units intersect; or
  l*_.. − Σ e*_cc = 0 — only one value among the intersections.
- (k)uα: l*_k. = 0 (k never intersects another coder's unit) or
  e*_k. − e*_kk = 0 (k is the only value).
- a coder's units of two different values share a character (uα, |uα of
  that grouping, cuα and (k)uα of a domain): not a partition.
Alpha is defined (and may be 1) whenever its expected disagreement is > 0,
even when the observed disagreement is 0.
The functions here compute the formulas as written; issue 3's silent-coder
rule (undefined when a coder has no unit of the value(s) at all) is applied
by make_fixtures.py to what it writes (FORMAT.md, "Silent coder").
"""

from fractions import Fraction

GAP = None  # the value of a gap, written ∅ above


class Undefined(Exception):
    """Raised internally; callers get (None, reason)."""


def overlap(a_start, a_end, b_start, b_end):
    """Length of the intersection of [a_start, a_end) and [b_start, b_end)."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def merge_units(units, boundaries=()):
    """Merge units of the SAME value that overlap or touch.

    units: iterable of (value, start, end).  boundaries: continuum offsets
    (transcript starts) across which units are never merged.  Returns a sorted
    list of (value, start, end).
    """
    cuts = set(boundaries)
    by_value = {}
    for value, start, end in units:
        if end <= start:
            raise ValueError("empty or reversed unit %r" % ((value, start, end),))
        by_value.setdefault(value, []).append((start, end))
    merged = []
    for value, spans in by_value.items():
        spans.sort()
        cur_s, cur_e = spans[0]
        for s, e in spans[1:]:
            # spans of different transcripts never merge: a transcript start
            # after the current run's start (and at or before this span's)
            # separates them; spans that start at the same transcript start
            # are in the same transcript and do merge
            if s <= cur_e and not any(cur_s < b <= s for b in cuts):
                cur_e = max(cur_e, e)
            else:
                merged.append((value, cur_s, cur_e))
                cur_s, cur_e = s, e
        merged.append((value, cur_s, cur_e))
    merged.sort(key=lambda u: (u[1], u[2], str(u[0])))
    return merged


def first_shared_character(units):
    """For one coder's units: None if no two units share a character, else
    (position, unit1, unit2) of the first conflict (character loop)."""
    owner = {}
    for u in sorted(units, key=lambda u: (u[1], u[2], str(u[0]))):
        for x in range(u[1], u[2]):
            if x in owner:
                return (x, owner[x], u)
            owner[x] = u
    return None


def partition(units, length):
    """One coder's valued units plus the gaps between them, covering [0, L)."""
    conflict = first_shared_character(units)
    if conflict is not None:
        raise Undefined("two units of one coder share character %d: %r and %r"
                        % conflict)
    out = []
    cursor = 0
    for value, start, end in sorted(units, key=lambda u: (u[1], u[2])):
        if end > length:
            raise ValueError("unit beyond the continuum")
        if start > cursor:
            out.append((GAP, cursor, start))
        out.append((value, start, end))
        cursor = end
    if cursor < length:
        out.append((GAP, cursor, length))
    return out


def coincidences(segments_by_coder, values):
    """l_ck = 1/(m-1) Σ_i Σ_{j≠i} Σ_g Σ_h ∩_cig,kjh over the given segments."""
    m = len(segments_by_coder)
    l = {(c, k): Fraction(0) for c in values for k in values}
    for i, segs_i in enumerate(segments_by_coder):
        for j, segs_j in enumerate(segments_by_coder):
            if i == j:
                continue
            for c, b1, e1 in segs_i:
                for k, b2, e2 in segs_j:
                    n = overlap(b1, e1, b2, e2)
                    if n:
                        l[(c, k)] += Fraction(n, m - 1)
    return l


def _values(segments_by_coder):
    vals = {v for segs in segments_by_coder for v, _, _ in segs}
    return sorted(vals, key=lambda v: (v is not GAP, str(v)))


def _alpha(observed_disagreement, expected_disagreement, what):
    if expected_disagreement == 0:
        raise Undefined("%s: no variation (expected disagreement is 0)" % what)
    return 1 - observed_disagreement / expected_disagreement


def u_and_binary(units_by_coder, length):
    """uα and |uα.  units_by_coder: list (one per coder) of lists of
    (value, start, end), value not None.  Returns dict with
    'u_alpha', 'binary_u_alpha' each (Fraction or None, reason or None),
    plus the matrices for inspection."""
    m = len(units_by_coder)
    result = {}
    if m < 2 or length == 0:
        reason = "fewer than two coders" if m < 2 else "empty continuum (L = 0)"
        return {"u_alpha": (None, reason), "binary_u_alpha": (None, reason)}
    try:
        parts = [partition(units, length) for units in units_by_coder]
    except Undefined as exc:
        return {"u_alpha": (None, str(exc)), "binary_u_alpha": (None, str(exc))}
    values = _values(parts)
    if GAP not in values:
        values = [GAP] + values
    l = coincidences(parts, values)
    l_c = {c: sum(l[(c, k)] for k in values) for c in values}
    l_tot = sum(l_c.values())
    assert l_tot == m * length
    S = {c: 0 for c in values}
    for segs in parts:
        for c, b, e in segs:
            S[c] += (e - b) if c is GAP else (e - b) ** 2
    S_tot = sum(S.values())
    denom = l_tot * l_tot - S_tot
    assert denom > 0
    e = {(c, k): l_tot * (l_c[c] * l_c[k] - (S[c] if c == k else 0)) / denom
         for c in values for k in values}
    try:
        ua = _alpha(l_tot - sum(l[(c, c)] for c in values),
                    l_tot - sum(e[(c, c)] for c in values), "uα")
        result["u_alpha"] = (ua, None)
    except Undefined as exc:
        result["u_alpha"] = (None, str(exc))
    valued = [v for v in values if v is not GAP]
    try:
        if not valued:
            raise Undefined("|uα: nobody marked anything")
        bua = _alpha(sum(l[(GAP, k)] for k in valued),
                     sum(e[(GAP, k)] for k in valued), "|uα")
        result["binary_u_alpha"] = (bua, None)
    except Undefined as exc:
        result["binary_u_alpha"] = (None, str(exc))
    result["observed"] = l
    result["expected"] = e
    return result


def cu_and_k(units_by_coder):
    """cuα and (k)uα per value, over the intersections of valued units.

    Needs no partition (section 5).  Returns dict with 'cu_alpha' (value,
    reason), 'k_u_alpha' {value: (value, reason)}, 'coverage' {value: Fraction
    or None}; 'coverage' needs the l_k. of uα and is filled by the caller.
    """
    m = len(units_by_coder)
    values = _values(units_by_coder)
    out = {"k_u_alpha": {}}
    if m < 2:
        out["cu_alpha"] = (None, "fewer than two coders")
        for k in values:
            out["k_u_alpha"][k] = (None, "fewer than two coders")
        return out
    l = coincidences(units_by_coder, values)
    l_c = {c: sum(l[(c, k)] for k in values) for c in values}
    l_tot = sum(l_c.values())
    T = {c: Fraction(0) for c in values}
    for i, units_i in enumerate(units_by_coder):
        for j, units_j in enumerate(units_by_coder):
            if i == j:
                continue
            for c, b1, e1 in units_i:
                covered = sum(overlap(b1, e1, b2, e2) for _, b2, e2 in units_j)
                T[c] += Fraction(covered * covered, m - 1)
    T_tot = sum(T.values())
    out["observed"] = l
    out["l_c"] = l_c
    out["T"] = T
    if l_tot == 0:
        reason = "cuα: no two coders' units intersect"
        out["cu_alpha"] = (None, reason)
        for k in values:
            out["k_u_alpha"][k] = (None, reason)
        return out
    denom = l_tot * l_tot - T_tot
    if denom == 0:  # not reachable for m >= 2, kept for safety
        reason = "cuα: expected coincidences undefined"
        out["cu_alpha"] = (None, reason)
        for k in values:
            out["k_u_alpha"][k] = (None, reason)
        return out
    e = {(c, k): l_tot * (l_c[c] * l_c[k] - (T[c] if c == k else 0)) / denom
         for c in values for k in values}
    out["expected"] = e
    try:
        cu = _alpha(l_tot - sum(l[(c, c)] for c in values),
                    l_tot - sum(e[(c, c)] for c in values), "cuα")
        out["cu_alpha"] = (cu, None)
    except Undefined as exc:
        out["cu_alpha"] = (None, str(exc) + " (one value only among the intersections)")
    for k in values:
        e_k = sum(e[(k, c)] for c in values)
        if l_c[k] == 0:
            out["k_u_alpha"][k] = (None, "(k)uα: %s never intersects another coder's unit" % k)
        elif e_k - e[(k, k)] == 0:
            out["k_u_alpha"][k] = (None, "(k)uα: %s is the only value among the intersections" % k)
        else:
            out["k_u_alpha"][k] = (1 - (e_k / l_c[k]) * (l_c[k] - l[(k, k)]) / (e_k - e[(k, k)]), None)
    return out


def family(units_by_coder, length, values=None):
    """All four coefficients for one grouping of units on [0, length).

    values: the values to report (k)uα for (default: those used).
    Returns {'u_alpha', 'binary_u_alpha', 'cu_alpha': (v, reason),
    'k_u_alpha': {k: (v, reason)}, 'coverage': {k: Fraction or None}}.
    A coder's units of two different values sharing a character make the
    whole family undefined.
    """
    ub = u_and_binary(units_by_coder, length)
    out = {"u_alpha": ub["u_alpha"], "binary_u_alpha": ub["binary_u_alpha"]}
    if values is None:
        values = _values(units_by_coder)
    conflict = None
    for n, units in enumerate(units_by_coder):
        hit = first_shared_character(units)
        if hit is not None:
            conflict = "coder #%d: two units share character %d: %r and %r" % ((n,) + hit)
            break
    if conflict is not None:
        out["cu_alpha"] = (None, conflict)
        out["k_u_alpha"] = {k: (None, conflict) for k in values}
        out["coverage"] = {k: None for k in values}
        return out
    ck = cu_and_k(units_by_coder)
    out["cu_alpha"] = ck["cu_alpha"]
    out["k_u_alpha"] = {}
    out["coverage"] = {}
    for k in values:
        out["k_u_alpha"][k] = ck["k_u_alpha"].get(k, (None, "(k)uα: %s was never used" % k))
        full = ub.get("observed")
        l_k = sum(v for (c, _), v in full.items() if c == k) if full else 0
        star = ck.get("l_c", {}).get(k, 0)
        out["coverage"][k] = (Fraction(star) / l_k) if l_k else None
    return out


def characters_as_units_nominal_alpha(units_by_coder, length):
    """Ordinary nominal alpha with every character a unit (NOT uα).

    Used only to document the difference; coincidence-matrix formula,
    no missing values: α = 1 − (n−1)·(n − Σ o_cc) / (n² − Σ n_c²).
    """
    m = len(units_by_coder)
    parts = [partition(u, length) for u in units_by_coder]
    val_at = []
    for segs in parts:
        row = [None] * length
        for v, b, e in segs:
            for x in range(b, e):
                row[x] = v
        val_at.append(row)
    o = {}
    for x in range(length):
        for i in range(m):
            for j in range(m):
                if i != j:
                    key = (val_at[i][x], val_at[j][x])
                    o[key] = o.get(key, 0) + Fraction(1, m - 1)
    n = sum(o.values())
    n_c = {}
    for (c, _), v in o.items():
        n_c[c] = n_c.get(c, 0) + v
    agree = sum(v for (c, k), v in o.items() if c == k)
    return 1 - (n - 1) * (n - agree) / (n * n - sum(v * v for v in n_c.values()))


# --------------------------------------------------------------------------
# Published and hand-checkable cases.

ISSUE_CASE_L = 60
ISSUE_CASE = [
    [("x", 0, 10), ("y", 15, 30), ("x", 40, 50)],
    [("x", 0, 12), ("y", 15, 28), ("x", 41, 50), ("y", 55, 60)],
]


def _close(a, b, tol=1e-12):
    return a is not None and abs(float(a) - b) <= tol


def self_check():
    fam = family(ISSUE_CASE, ISSUE_CASE_L)
    assert _close(fam["u_alpha"][0], 0.763331231168103), fam["u_alpha"]
    assert _close(fam["binary_u_alpha"][0], 0.669261652957305), fam["binary_u_alpha"]
    assert fam["cu_alpha"][0] == 1, fam["cu_alpha"]
    # Not uα: characters as units.
    chars = characters_as_units_nominal_alpha(ISSUE_CASE, ISSUE_CASE_L)
    assert round(float(chars), 4) == 0.7498, float(chars)
    # |uα equals the uα of the same units with x, y renamed to one value.
    one = [[("v", b, e) for _, b, e in units] for units in ISSUE_CASE]
    assert u_and_binary(one, ISSUE_CASE_L)["u_alpha"][0] == fam["binary_u_alpha"][0]

    # Hand-checkable: identical unitizations -> every coefficient 1.
    same = [[("x", 2, 5), ("y", 7, 9)]] * 3
    f = family(same, 12)
    assert f["u_alpha"][0] == 1 and f["binary_u_alpha"][0] == 1 and f["cu_alpha"][0] == 1
    assert f["k_u_alpha"]["x"][0] == 1 and f["k_u_alpha"]["y"][0] == 1

    # Hand-computed small case, m = 2, L = 4: A: x[0,2); B: x[1,3).
    # Partitions A: x[0,2) ∅[2,4); B: ∅[0,1) x[1,3) ∅[3,4).
    # l_xx = 2, l_x∅ = l_∅x = 2, l_∅∅ = 2 (each of the 1-char agreements counted
    # from both sides); l_.. = 8, l_x. = 4, l_∅. = 4.
    # S_x = 4 + 4 = 8, S_∅ = 2 + 2 = 4, S = 12; l_..² − S = 52.
    # e_xx = 8(16 − 8)/52 = 16/13, e_∅∅ = 8(16 − 4)/52 = 24/13.
    # uα = 1 − (8 − 4)/(8 − 40/13) = 1 − 4·13/64 = 3/16.
    h = u_and_binary([[("x", 0, 2)], [("x", 1, 3)]], 4)
    assert h["u_alpha"][0] == Fraction(3, 16), h["u_alpha"]
    assert h["binary_u_alpha"][0] == Fraction(3, 16)

    # Undefined: nobody coded anything.
    nothing = u_and_binary([[], []], 10)
    assert nothing["u_alpha"][0] is None and nothing["binary_u_alpha"][0] is None
    # Undefined: cuα with a single value among intersections.
    single = cu_and_k([[("x", 0, 5)], [("x", 2, 6)]])
    assert single["cu_alpha"][0] is None
    # Undefined: two values on one character for one coder.
    clash = family([[("x", 0, 5), ("y", 4, 6)], [("x", 0, 5)]], 10)
    assert clash["u_alpha"][0] is None and clash["cu_alpha"][0] is None

    # Merging: overlapping and touching same-value units merge, not across a
    # transcript boundary, and different values never merge.
    # cuα with three coders, pairwise reading (section 4's reading note;
    # docs/agreement.md "cuα with three or more coders"); the Rust test
    # cu_alpha_of_three_coders_is_the_pairwise_reading asserts the same value.
    three = [[("x", 0, 10), ("y", 10, 20)],
             [("x", 0, 10), ("y", 12, 20)],
             [("x", 0, 5), ("y", 5, 20)]]
    ck = cu_and_k(three)
    assert ck["cu_alpha"][0] == Fraction(764, 1085), ck["cu_alpha"]
    # On this reading the m-coder matrices are the pairs' two-coder
    # matrices summed and divided by m - 1, as uα's are: l* and T alike.
    pairs = [cu_and_k([three[a], three[b]]) for a, b in [(0, 1), (0, 2), (1, 2)]]
    for c in ("x", "y"):
        assert ck["T"][c] == sum(p["T"][c] for p in pairs) / 2, c
        for k in ("x", "y"):
            assert ck["observed"][(c, k)] == sum(p["observed"][(c, k)] for p in pairs) / 2
    assert merge_units([("x", 0, 5), ("x", 5, 8), ("x", 7, 9), ("y", 9, 10)]) == \
        [("x", 0, 9), ("y", 9, 10)]
    assert merge_units([("x", 0, 5), ("x", 5, 8)], boundaries=[5]) == \
        [("x", 0, 5), ("x", 5, 8)]
    return fam


if __name__ == "__main__":
    fam = self_check()
    print("uα  =", float(fam["u_alpha"][0]))
    print("|uα =", float(fam["binary_u_alpha"][0]))
    print("cuα =", float(fam["cu_alpha"][0]))
    print("characters as units (not uα):",
          float(characters_as_units_nominal_alpha(ISSUE_CASE, ISSUE_CASE_L)))
    print("self-check passed")
