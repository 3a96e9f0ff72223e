"""span_prf against a brute-force character-set reference.

The reference follows the official SemEval-2020 Task 11 scorer literally: every
span becomes ``set(range(start, end))``, spans whose sets intersect are merged
until none do, and the sums are taken over set intersections, in exact
fractions. It shares no code with medialit.scoring.

The same reference generates tests/fixtures/span_cases.json, which the
JavaScript port of the scorer is tested against. Regenerate it from the repository
root with
``PYTHONPATH=. python3 tests/test_scoring_properties.py --write`` (the test below fails
whenever the committed file and the reference disagree).
"""

from __future__ import annotations

import json
import random
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medialit.scoring import span_prf

FIXTURE = Path(__file__).parent / "fixtures" / "span_cases.json"
TOLERANCE = 1e-12


# ---------------------------------------------------------------- reference

def reference_merge(spans: list[list[int]]) -> list[set[int]]:
    """Merge character sets that intersect, as the official scorer does, sorted by start."""
    groups = [set(range(s, e)) for s, e in spans]
    changed = True
    while changed:
        changed = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if groups[i] & groups[j]:
                    groups[i] |= groups.pop(j)
                    changed = True
                    break
            if changed:
                break
    return sorted(groups, key=min)


def as_span(chars: set[int]) -> list[int]:
    start, end = min(chars), max(chars) + 1
    assert chars == set(range(start, end)), "a merged span has a hole"
    return [start, end]


def reference_score(student: list[list[int]], key: list[list[int]]) -> dict:
    S, T = reference_merge(student), reference_merge(key)
    if not S and not T:
        p = r = f1 = Fraction(1)
    else:
        p = sum((Fraction(len(s & t), len(s)) for s in S for t in T), Fraction(0)) / len(S) if S else Fraction(0)
        r = sum((Fraction(len(s & t), len(t)) for s in S for t in T), Fraction(0)) / len(T) if T else Fraction(0)
        f1 = 2 * p * r / (p + r) if p and r else Fraction(0)
    marked = set().union(*S) if S else set()
    feedback = []
    for t in T:
        covered = len(t & marked)
        status = "found" if covered == len(t) else "partly found" if covered else "missed"
        feedback.append({**dict(zip(("start", "end"), as_span(t))), "status": status,
                         "covered": float(Fraction(covered, len(t)))})
    unmatched = [as_span(s) for s in S if not any(s & t for t in T)]
    return {"precision": float(p), "recall": float(r), "f1": float(f1),
            "key_feedback": feedback, "unmatched": unmatched}


def assert_agrees(student: list[list[int]], key: list[list[int]], expected: dict) -> None:
    got = span_prf(student, key)
    for name in ("precision", "recall", "f1"):
        assert abs(getattr(got, name) - expected[name]) <= TOLERANCE, (name, student, key)
    assert [{"start": k.start, "end": k.end, "status": k.status} for k in got.key_feedback] == \
           [{"start": k["start"], "end": k["end"], "status": k["status"]} for k in expected["key_feedback"]]
    for mine, theirs in zip(got.key_feedback, expected["key_feedback"]):
        assert abs(mine.covered - theirs["covered"]) <= TOLERANCE
    assert [list(s) for s in got.unmatched] == expected["unmatched"]


# ---------------------------------------------------------------- reference sanity

def test_reference_reproduces_design_worked_cases() -> None:
    # Guards the reference itself, so agreement with it means something.
    assert reference_score([[15, 25]], [[10, 20]])["f1"] == 0.5
    overmark = reference_score([[0, 1000]], [[0, 100]])
    assert (overmark["precision"], overmark["recall"]) == (0.1, 1.0)
    assert overmark["f1"] == float(Fraction(2, 11))
    assert reference_merge([[0, 2], [2, 4]]) == [{0, 1}, {2, 3}]
    assert reference_merge([[0, 3], [2, 4], [6, 8], [1, 2]]) == [{0, 1, 2, 3}, {6, 7}]


# ---------------------------------------------------------------- properties

span = st.tuples(st.integers(0, 120), st.integers(1, 30)).map(lambda p: [p[0], p[0] + p[1]])
span_lists = st.lists(span, max_size=8)


@settings(max_examples=3000, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(student=span_lists, key=span_lists)
def test_span_prf_matches_character_set_reference(student, key) -> None:
    assert_agrees(student, key, reference_score(student, key))


@settings(max_examples=500, derandomize=True, deadline=None)
@given(student=span_lists, key=span_lists, data=st.data())
def test_order_and_duplicates_do_not_change_the_score(student, key, data) -> None:
    base = span_prf(student, key)
    shuffled = data.draw(st.permutations(student + student[:2]))
    again = span_prf([tuple(s) for s in shuffled], list(reversed(key)))
    assert (again.precision, again.recall, again.f1) == (base.precision, base.recall, base.f1)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(student=span_lists, key=span_lists)
def test_swapping_sides_swaps_precision_and_recall(student, key) -> None:
    forward, backward = span_prf(student, key), span_prf(key, student)
    assert abs(forward.precision - backward.recall) <= TOLERANCE
    assert abs(forward.recall - backward.precision) <= TOLERANCE
    assert 0.0 <= forward.f1 <= 1.0


# ---------------------------------------------------------------- shared fixture

NAMED_CASES: list[tuple[str, list[list[int]], list[list[int]]]] = [
    ("design: half overlap", [[15, 25]], [[10, 20]]),
    ("design: over-marking", [[0, 1000]], [[0, 100]]),
    ("design: under-marking", [[45, 47]], [[40, 60]]),
    ("exact match", [[5, 10]], [[5, 10]]),
    ("both empty", [], []),
    ("student empty", [], [[3, 9]]),
    ("key empty", [[3, 9]], []),
    ("disjoint", [[20, 30]], [[0, 10]]),
    ("touching student spans are not merged", [[0, 2], [2, 10]], [[0, 2]]),
    ("touching key spans are not merged", [[0, 10]], [[0, 5], [5, 10]]),
    ("overlapping student spans merge", [[0, 6], [4, 10]], [[0, 10]]),
    ("nested student span merges", [[0, 10], [2, 3]], [[0, 10]]),
    ("duplicate student spans merge", [[4, 8], [4, 8], [4, 8]], [[4, 8]]),
    ("overlapping key spans merge", [[0, 12]], [[0, 6], [3, 12]]),
    ("chain of overlaps merges into one", [[0, 3], [2, 5], [4, 8]], [[0, 8]]),
    ("one student span covers two key spans", [[0, 15]], [[0, 5], [10, 15]]),
    ("several key spans, partly found", [[5, 25], [45, 50], [60, 70]], [[0, 10], [20, 30], [40, 50]]),
    ("unsorted input", [[30, 40], [0, 5]], [[0, 5], [30, 35]]),
    ("single characters", [[7, 8], [9, 10]], [[7, 8], [8, 9]]),
    ("tiny marks inside a long key span", [[0, 1], [50, 51], [99, 100]], [[0, 100]]),
]


def build_span_cases(random_cases: int = 20, seed: int = 20180207) -> list[dict]:
    """The fixture content: named cases, then seeded random ones, with reference results."""
    rng = random.Random(seed)
    cases = list(NAMED_CASES)
    for number in range(1, random_cases + 1):
        def spans() -> list[list[int]]:
            out = []
            for _ in range(rng.randint(0, 6)):
                start = rng.randint(0, 150)
                out.append([start, start + rng.randint(1, 40)])
            return out
        cases.append((f"random {number}", spans(), spans()))
    return [{"name": name, "student": student, "key": key, **reference_score(student, key)}
            for name, student, key in cases]


def write_fixture() -> None:
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    # One case per line keeps diffs readable.
    lines = ",\n".join("  " + json.dumps(case) for case in build_span_cases())
    FIXTURE.write_text("[\n" + lines + "\n]\n", encoding="utf-8")


def test_committed_fixture_equals_reference_output() -> None:
    assert FIXTURE.exists(), "run: python3 tests/test_scoring_properties.py --write"
    committed = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert committed == build_span_cases()
    assert len(committed) == 40


@pytest.mark.parametrize("case", json.loads(FIXTURE.read_text(encoding="utf-8")) if FIXTURE.exists() else [],
                         ids=lambda case: case["name"])
def test_span_prf_matches_fixture_case(case: dict) -> None:
    assert_agrees(case["student"], case["key"], case)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python3 tests/test_scoring_properties.py --write")
    write_fixture()
    print(f"wrote {FIXTURE}")
