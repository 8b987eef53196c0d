"""The merge rule for small units (pure, no database)."""
from __future__ import annotations

from collections import Counter

from pulse.grouping import groups


def _tree():
    # region → HSF (1) → Akut (2), PV (3), Lab (4); RS (5)
    return {1: None, 2: 1, 3: 1, 4: 1, 5: None}


def test_small_units_are_merged_into_their_parent():
    answers = {2: 6, 3: 2, 4: 5, 5: 7}
    own = {u: Counter({(10, 0): n}) for u, n in answers.items()}
    rows = [(g.unit_id, g.rest, g.answers) for g in groups(own, answers, _tree(), 5)]
    # PV (2 answers) alone would be too small; with it, "other units of HSF" would be 2 → Lab is merged too.
    assert rows == [(None, False, 20), (1, False, 13), (2, False, 6), (1, True, 7), (5, False, 7)]


def test_no_row_is_below_the_minimum_and_nothing_can_be_subtracted():
    answers = {2: 5, 3: 1, 5: 3, None: 0}
    own = {u: Counter({(10, 1): n}) for u, n in answers.items()}
    rows = groups(own, answers, _tree(), 5)
    assert all(g.answers >= 5 for g in rows if g.unit_id is not None)
    # RS (3) is too small; showing HSF (6) would let anyone compute RS as region − HSF, so HSF goes too.
    assert [(g.unit_id, g.rest, g.answers) for g in rows] == [(None, False, 9)]
