"""The one scorer used by the book, the widgets, the exercises and the tests.

Four public functions:

* :func:`span_prf` scores highlighted character spans against a key with the
  SemEval-2020 Task 11 span-identification metric (docs/DESIGN.md section 3).
* :func:`score_labels` scores labelled items (claims, statements), one point
  per label, with per-item feedback.
* :func:`phrase_credit` turns a span F1 into the share of a task's points it
  earns: the one mapping every graded phrase task uses.
* :func:`phrases_to_spans` turns phrases a student typed into character spans
  over the article text, so students may answer with words instead of offsets.

Every bad input raises :class:`ValueError` with a message that says what to fix.
Inputs are copied into fresh ``int``/``str``/``tuple`` values (exact types only,
so ``bool`` and subclasses are refused) before anything is computed: an object
with a rigged ``__eq__``, ``__hash__`` or ``__int__`` cannot change a score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "Span",
    "KeySpanFeedback",
    "SpanScore",
    "LabelItem",
    "LabelScore",
    "merge_spans",
    "span_prf",
    "phrase_credit",
    "FULL_CREDIT_F1",
    "NO_CREDIT_F1",
    "score_labels",
    "CLAIM_MISTAKES",
    "claim_mistake",
    "claim_words",
    "phrases_to_spans",
]

Span = tuple[int, int]
"""A half-open character range ``[start, end)`` over the canonical text."""

Status = Literal["found", "partly found", "missed"]


# --------------------------------------------------------------------------
# Spans: validation and merging
# --------------------------------------------------------------------------

_NOUNS = {int: "", bool: " (a bool)", float: " (a float)", str: " (a string)"}


def _describe(value: object) -> str:
    # Never call repr() on an unknown object: it could be rigged or huge.
    if value is None:
        return "None"
    if type(value) in _NOUNS:
        text = repr(value)
        text = text if len(text) <= 40 else text[:37] + "..."
        return text + _NOUNS[type(value)]
    return f"a {type(value).__name__}"


def _clean_spans(spans: object, name: str, text_length: int | None) -> list[Span]:
    """Copy ``spans`` into a fresh list of ``(int, int)`` tuples, or raise."""
    if not isinstance(spans, (list, tuple)):
        raise ValueError(
            f"{name} must be a list of (start, end) pairs such as [(10, 20), (35, 41)], "
            f"not {_describe(spans)}"
        )
    items = list(spans)  # read the container exactly once
    if len(items) == 2 and all(type(x) is int for x in items):
        a, b = items
        raise ValueError(
            f"{name} is ({a}, {b}), which looks like a single span; "
            f"wrap it in a list: [({a}, {b})]"
        )
    clean: list[Span] = []
    for number, item in enumerate(items, start=1):
        where = f"{name}: span {number} (counting from 1)"
        if not isinstance(item, (list, tuple)):
            raise ValueError(
                f"{where} is {_describe(item)}; each span must be a (start, end) pair such as (10, 20)"
            )
        pair = list(item)
        if len(pair) != 2:
            raise ValueError(
                f"{where} has {len(pair)} items; each span must have exactly two: (start, end)"
            )
        for label, value in zip(("start", "end"), pair):
            if type(value) is not int:
                raise ValueError(
                    f"{where} has {'a' if label == 'start' else 'an'} {label} of {_describe(value)}; "
                    f"the {label} must be a whole number (int) such as 12"
                )
        start, end = int(pair[0]), int(pair[1])
        if start < 0:
            raise ValueError(f"{where} is ({start}, {end}): the start must be 0 or more")
        if start == end:
            raise ValueError(
                f"{where} is ({start}, {end}): it is empty because the start equals the end; "
                f"remove it or make the end larger than the start"
            )
        if start > end:
            raise ValueError(
                f"{where} is ({start}, {end}): the start must be smaller than the end"
            )
        if text_length is not None and end > text_length:
            raise ValueError(
                f"{where} is ({start}, {end}): it goes past the end of the text, "
                f"which has {text_length} characters"
            )
        clean.append((start, end))
    return clean


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sort valid spans and join those that share at least one character.

    Touching spans such as ``(0, 5)`` and ``(5, 9)`` share no character and stay
    separate: the official scorer merges two spans only when their character
    sets intersect (see :func:`span_prf`). Identical and nested spans merge.
    """
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


# --------------------------------------------------------------------------
# Span scoring
# --------------------------------------------------------------------------

def _percent_of_printed(x: float) -> str:
    """The percentage that goes with x printed to two decimals ("0.47" -> "47%"), so the words and the number
    agree (rounding x itself to a whole percent could say 48% beside 0.47). highlighter.js does the same."""
    return f"{int(f'{x:.2f}'.replace('.', ''))}%"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


@dataclass(frozen=True)
class KeySpanFeedback:
    """How much of one (merged) key span the student covered."""

    start: int
    end: int
    status: Status
    covered_chars: int
    covered: float  # covered_chars / (end - start)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "covered_chars": self.covered_chars,
            "covered": self.covered,
        }


@dataclass(frozen=True)
class SpanScore:
    """Result of :func:`span_prf`; all span lists are merged and sorted."""

    precision: float
    recall: float
    f1: float
    student_spans: tuple[Span, ...]
    key_spans: tuple[Span, ...]
    key_feedback: tuple[KeySpanFeedback, ...]
    unmatched: tuple[Span, ...]  # student spans that share no character with any key span
    marked: int  # number of spans the student gave, before merging

    def summary(self) -> str:
        """Explain the score in plain words for the student."""
        n_student, n_key = len(self.student_spans), len(self.key_spans)
        if n_student == 0 and n_key == 0:
            return ("There is nothing to mark in this passage, and you marked nothing: "
                    "a perfect score (precision, recall and F1 are all 1).")
        if n_student == 0:
            return (f"You have not marked anything yet. The key has {_plural(n_key, 'phrase')}, "
                    "so precision, recall and F1 are 0. Mark the words you think belong, "
                    "then check again.")
        lines: list[str] = []
        joined = ""
        if self.marked > n_student:
            joined = (f" (some of your {self.marked} marks overlapped, so they were "
                      f"joined into {n_student})")
        if n_key == 0:
            return (f"You marked {_plural(n_student, 'phrase')}{joined}, but the key has "
                    "nothing to mark in this passage, so precision, recall and F1 are 0. "
                    "It is fine to leave a passage unmarked when nothing in it fits.")
        overlapping = n_student - len(self.unmatched)
        if n_student == 1:
            verdict = "it overlaps the key" if overlapping else "it does not overlap the key"
        elif overlapping == n_student:
            verdict = f"all {n_student} overlap the key"
        elif overlapping == 0:
            verdict = "none of them overlaps the key"
        else:
            missing = len(self.unmatched)
            verdict = (f"{overlapping} {'overlaps' if overlapping == 1 else 'overlap'} the key and "
                       f"{missing} {'does' if missing == 1 else 'do'} not")
        lines.append(f"You marked {_plural(n_student, 'phrase')}{joined}; {verdict}.")
        counts = [(sum(1 for k in self.key_feedback if k.status == status), text)
                  for status, text in (("found", "found {} in full"),
                                       ("partly found", "found {} in part"),
                                       ("missed", "missed {}"))]
        parts = [text.format(n) for n, text in counts if n]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        lines.append(f"The key has {_plural(n_key, 'phrase')}: you {listed}.")
        lines.append(
            f"Precision {self.precision:.2f} means that, on average, "
            f"about {_percent_of_printed(self.precision)} of each phrase you marked lies inside a key phrase."
        )
        lines.append(
            f"Recall {self.recall:.2f} means that, on average, you covered "
            f"about {_percent_of_printed(self.recall)} of each key phrase."
        )
        lines.append(f"F1 {self.f1:.2f} combines the two (1 is a perfect match).")
        if self.precision < 1:
            lines.append("To raise precision, mark fewer extra words: only the words that do the work.")
        if self.recall < 1:
            lines.append("To raise recall, look again for phrases, or parts of phrases, you left out.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy, including the summary text."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "student_spans": [list(s) for s in self.student_spans],
            "key_spans": [list(s) for s in self.key_spans],
            "key_feedback": [k.to_dict() for k in self.key_feedback],
            "unmatched": [list(s) for s in self.unmatched],
            "marked": self.marked,
            "summary": self.summary(),
        }


def span_prf(student_spans: object, key_spans: object, *,
             text_length: int | None = None) -> SpanScore:
    """Score the student's spans against the key's spans.

    Spans are half-open ``(start, end)`` pairs of plain ``int`` with
    ``0 <= start < end`` (and ``end <= text_length`` when it is given).
    The metric is that of the SemEval-2020 Task 11 span-identification scorer
    run with merging (``task-SI_scorer.py -m``; read in
    aschern/semeval2020_task11, tools/task-SI_scorer.py, by Da San Martino):

    * Spans on each side that share a character are merged first. The official
      scorer turns each span into ``set(range(start, end))`` and merges two
      spans when ``len(a.intersection(b)) > 0``, so touching spans
      ``[a, b)`` and ``[b, c)`` are *not* merged; neither are they here.
    * ``P = (1/|S|) sum_s sum_t |s & t| / |s|`` and
      ``R = (1/|T|) sum_s sum_t |s & t| / |t|``; ``F1 = 2PR / (P + R)``,
      and 0 when P or R is 0.
    * Exactly one side empty: the official ``compute_prec_rec_f1`` sets P to 0
      when there are no predictions and R to 0 when there is no gold span; the
      other value has a zero numerator. So P = R = F1 = 0, as here.
    * Both sides empty: the official scorer reports F1 = 1 but leaves P = R = 0.
      Here P = R = F1 = 1, because "nothing to find, nothing marked" is a
      perfect answer and a student should not see precision 0 for it
      (docs/DESIGN.md section 3 fixes only F1 = 1).

    Returns a :class:`SpanScore` with the scores, per-key-span feedback and the
    student spans that touch no key span.
    """
    if text_length is not None and (type(text_length) is not int or text_length < 0):
        raise ValueError(
            f"text_length must be a whole number of characters (0 or more) or None, "
            f"not {_describe(text_length)}"
        )
    student_raw = _clean_spans(student_spans, "student_spans", text_length)
    student = merge_spans(student_raw)
    key = merge_spans(_clean_spans(key_spans, "key_spans", text_length))

    # Both lists are sorted and internally disjoint, so one sweep finds every
    # overlapping pair.
    student_overlap = [0] * len(student)
    key_overlap = [0] * len(key)
    i = j = 0
    while i < len(student) and j < len(key):
        (s0, s1), (t0, t1) = student[i], key[j]
        shared = min(s1, t1) - max(s0, t0)
        if shared > 0:
            student_overlap[i] += shared
            key_overlap[j] += shared
        if s1 <= t1:
            i += 1
        else:
            j += 1

    if not student and not key:
        precision = recall = f1 = 1.0
    else:
        # fsum keeps the sums correctly rounded, so results do not depend on order.
        precision = (math.fsum(o / (e - s) for o, (s, e) in zip(student_overlap, student))
                     / len(student)) if student else 0.0
        recall = (math.fsum(o / (e - s) for o, (s, e) in zip(key_overlap, key))
                  / len(key)) if key else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision > 0 and recall > 0 else 0.0

    feedback = []
    for covered_chars, (s, e) in zip(key_overlap, key):
        status: Status = ("found" if covered_chars == e - s
                          else "partly found" if covered_chars else "missed")
        feedback.append(KeySpanFeedback(s, e, status, covered_chars, covered_chars / (e - s)))
    unmatched = tuple(span for o, span in zip(student_overlap, student) if o == 0)
    return SpanScore(precision, recall, f1, tuple(student), tuple(key), tuple(feedback),
                     unmatched, len(student_raw))


# --------------------------------------------------------------------------
# Credit for a span F1
# --------------------------------------------------------------------------

FULL_CREDIT_F1 = 0.6
"""An F1 at or above this earns the whole task: the book calls 0.6 against the key good work."""

NO_CREDIT_F1 = 0.3
"""An F1 at or below this earns nothing: marking whole paragraphs of the graded tasks scores under it."""


def phrase_credit(f1: object) -> float:
    """The share of a phrase task's points that a span F1 earns (0 to 1).

    The one mapping from F1 to credit, used by every graded phrase task and stated in the
    book, the notebooks and the rubric:

    * F1 >= 0.6 earns full credit (the book: "an F1 of 0.6 against this course's key is
      good work"; trained annotators agree only moderately, so above 0.6 differences are
      mostly about where a phrase starts and ends);
    * F1 <= 0.3 earns nothing (marking a whole paragraph of any graded task scores less);
    * in between, credit rises evenly: ``(F1 - 0.3) / 0.3``.

    Worked cases: 1.0 -> 1; 0.6 -> 1; 0.45 -> 0.5; 0.4 -> 1/3; 0.3 -> 0; 0.1 -> 0.
    The plateau above 0.6 keeps short keys stable: one extra neighbouring word on a phrase
    of a key only a few words long changes F1 a lot but not the credit.
    """
    if not (type(f1) is int or type(f1) is float) or not math.isfinite(f1) or not 0 <= f1 <= 1:
        raise ValueError(f"an F1 must be a number from 0 to 1, not {_describe(f1)}")
    if f1 >= FULL_CREDIT_F1:
        return 1.0
    if f1 <= NO_CREDIT_F1:
        return 0.0
    return (f1 - NO_CREDIT_F1) / (FULL_CREDIT_F1 - NO_CREDIT_F1)


# --------------------------------------------------------------------------
# Label scoring
# --------------------------------------------------------------------------

def _norm_label(label: str) -> str:
    # Students may type "Named " for "named": case and spacing carry no meaning.
    return " ".join(label.split()).casefold()


def _show(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class LabelItem:
    """One scored point: an item, or one field of a multi-field item."""

    item: str
    field: str | None  # None for single-label items
    given: str | None  # None when no answer was given
    expected: str  # the first accepted answer
    correct: bool
    explanation: str | None
    message: str
    accepted: tuple[str, ...] = ()  # every accepted answer, ``expected`` first
    reasons: tuple[str | None, ...] = ()  # the case for each accepted answer (None for a plain label)

    @property
    def contested(self) -> bool:
        """True when more than one reading is defensible, so more than one answer earns the point."""
        return len(self.accepted) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "field": self.field,
            "given": self.given,
            "expected": self.expected,
            "accepted": list(self.accepted),
            "reasons": list(self.reasons),
            "contested": self.contested,
            "correct": self.correct,
            "explanation": self.explanation,
            "message": self.message,
        }


@dataclass(frozen=True)
class LabelScore:
    """Result of :func:`score_labels`; ``score`` is ``correct / total``."""

    score: float
    correct: int
    total: int
    items: tuple[LabelItem, ...]

    def summary(self) -> str:
        """Explain the result in plain words for the student."""
        lines = [f"You got {self.correct} of {self.total} right ({self.score:.0%})."]
        fields = [f for f in dict.fromkeys(i.field for i in self.items) if f is not None]
        if fields:
            parts = []
            for name in fields:
                mine = [i for i in self.items if i.field == name]
                parts.append(f"{name}: {sum(i.correct for i in mine)} of {len(mine)}")
            lines.append("By question: " + "; ".join(parts) + ".")
        missing = sum(1 for i in self.items if i.given is None)
        if missing:
            lines.append(f"{_plural(missing, 'answer')} {'was' if missing == 1 else 'were'} left blank.")
        wrong = [i for i in self.items if not i.correct]
        if wrong:
            names = [i.item if i.field is None else f"{i.item} ({i.field})" for i in wrong]
            lines.append("Look again at: " + ", ".join(names) + ".")
        else:
            lines.append("Every answer matches the key.")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy, including the summary text."""
        return {
            "score": self.score,
            "correct": self.correct,
            "total": self.total,
            "items": [i.to_dict() for i in self.items],
            "summary": self.summary(),
        }


def _copy_mapping(value: object, what: str, example: str) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a dict such as {example}, not {_describe(value)}")
    return dict(value.items())  # read once; later checks work on this copy


def _clean_allowed(allowed: object, fields: list[str] | None) -> tuple[dict[str, str] | None, dict[str, dict[str, str]]]:
    """Return (labels for every field, labels per field), each as norm -> canonical."""
    def one(labels: object, what: str) -> dict[str, str]:
        if not isinstance(labels, (list, tuple, set, frozenset)):
            raise ValueError(f"{what} must be a list of labels such as ['fact', 'interpretation'], "
                             f"not {_describe(labels)}")
        out: dict[str, str] = {}
        # A set has no order; sort it so error messages read the same every run.
        for label in sorted(labels, key=str) if isinstance(labels, (set, frozenset)) else list(labels):
            if type(label) is not str or not label.strip():
                raise ValueError(f"{what} must contain only non-empty strings, not {_describe(label)}")
            out[_norm_label(label)] = " ".join(label.split())
        if not out:
            raise ValueError(f"{what} is empty; list the labels a student may choose")
        return out

    if allowed is None:
        return None, {}
    if isinstance(allowed, Mapping):
        if fields is None:
            raise ValueError("allowed is a dict of fields, but the key gives one label per item; "
                             "pass a list of labels instead")
        per_field: dict[str, dict[str, str]] = {}
        for name, labels in list(allowed.items()):
            if type(name) is not str:
                raise ValueError(f"allowed: field names must be strings, not {_describe(name)}")
            per_field[name] = one(labels, f"allowed[{name!r}]")
        for name in fields:
            if name not in per_field:
                raise ValueError(f"allowed has no labels for the field {name!r}; "
                                 f"give labels for each of: {', '.join(fields)}")
        return None, per_field
    return one(allowed, "allowed"), {}


def _clean_accepted(entries: object, item_id: str, name: str | None) -> list[tuple[str, str | None]]:
    """A contested item's accepted answers as (label, reason) pairs, or raise."""
    where = f"item {item_id!r}" if name is None else f"item {item_id!r}, field {name!r}"
    example = "[{'label': 'fact', 'why': 'the reason'}, {'label': 'interpretation', 'why': 'the reason'}]"
    items = list(entries)  # type: ignore[call-overload]
    if not items:
        raise ValueError(f"key: {where} has an empty list of accepted answers; give at least one, "
                         f"like {example}")
    out: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for number, entry in enumerate(items, start=1):
        what = f"key: {where}, accepted answer {number} (counting from 1)"
        if not isinstance(entry, Mapping) or set(entry) != {"label", "why"}:
            raise ValueError(f"{what} must be a dict with exactly the keys 'label' and 'why' "
                             f"(the answer and the reason it is accepted), like {example}")
        label, why = entry["label"], entry["why"]
        if type(label) is not str or not label.strip():
            raise ValueError(f"{what} needs a non-empty string 'label', not {_describe(label)}")
        if type(why) is not str or not why.strip():
            raise ValueError(f"{what} needs a non-empty string 'why' giving the case for {label!r}")
        if _norm_label(label) in seen:
            raise ValueError(f"key: {where} accepts {label!r} twice; list each answer once")
        seen.add(_norm_label(label))
        out.append((" ".join(label.split()), why))
    return out


def score_labels(answers: object, key: object, *, allowed: object = None,
                 explanations: object = None) -> LabelScore:
    """Score labelled answers against a key, one point per label.

    Single-label items: ``answers`` and ``key`` map item ids to labels, e.g.
    ``{"c1": "named", "c2": "unsourced"}``. Multi-field items: the key maps each
    id to a dict of fields, e.g. ``{"c1": {"attribution": "named", "kind": "fact"}}``,
    the answers use the same shape, and every field is its own point.

    Contested items: where more than one reading is defensible, the key gives,
    in place of one label, a list of every accepted answer with the reason for
    each, e.g. ``{"c7": [{"label": "fact", "why": "..."}, {"label":
    "interpretation", "why": "..."}]}`` (or the same list as one field of a
    multi-field item). Each accepted answer earns the full point; the first is
    reported as ``expected``, all of them in ``accepted`` with ``reasons``.

    ``allowed`` is either a list of labels (for every item and field) or, for
    multi-field keys, a dict ``{field: [labels]}`` naming every field.
    ``explanations`` maps item ids to a string, or (multi-field) to a dict
    ``{field: string}``; it is shown with each item's feedback.

    Labels compare ignoring case and runs of spaces (``" Named"`` equals
    ``"named"``). A missing item, ``None`` or a blank string counts as wrong with
    the message "no answer given". Unknown ids, unknown fields, labels outside
    ``allowed`` and non-string labels raise :class:`ValueError`.
    """
    key_map = _copy_mapping(key, "key", "{'c1': 'named'}")
    if not key_map:
        raise ValueError("the key has no items to score")
    multi: bool | None = None
    expected: dict[str, dict[str | None, str]] = {}
    accepted_of: dict[tuple[str, str | None], list[tuple[str, str | None]]] = {}
    fields_of: dict[Any, Any]  # field name (None for single-label items) -> label or accepted answers
    for item_id, value in key_map.items():
        if type(item_id) is not str:
            raise ValueError(f"key: item ids must be strings, not {_describe(item_id)}")
        if type(value) is str or isinstance(value, (list, tuple)):
            shape, fields_of = False, {None: value}
        elif isinstance(value, Mapping):
            shape, fields_of = True, dict(value.items())
            if not fields_of:
                raise ValueError(f"key: item {item_id!r} has no fields")
        else:
            raise ValueError(f"key: item {item_id!r} must be a label, a list of accepted answers "
                             f"or a dict of fields, not {_describe(value)}")
        if multi is not None and shape != multi:
            raise ValueError("key: every item must have the same shape (all labels, or all dicts of fields)")
        multi = shape
        for name, label in fields_of.items():
            if shape and type(name) is not str:
                raise ValueError(f"key: item {item_id!r} has a field name that is not a string")
            if isinstance(label, (list, tuple)):
                accepted_of[(item_id, name)] = _clean_accepted(label, item_id, name)
                fields_of[name] = accepted_of[(item_id, name)][0][0]
            elif type(label) is not str or not label.strip():
                raise ValueError(f"key: item {item_id!r} needs a non-empty string label, or a list of "
                                 f"accepted answers such as [{{'label': 'fact', 'why': '...'}}], "
                                 f"not {_describe(label)}")
            else:
                accepted_of[(item_id, name)] = [(label, None)]
        expected[item_id] = fields_of

    field_names = list(dict.fromkeys(f for v in expected.values() for f in v if f is not None)) if multi else None
    common, per_field = _clean_allowed(allowed, field_names)

    def allowed_for(name: str | None) -> dict[str, str] | None:
        return per_field.get(name) if per_field and name is not None else common

    def where(item_id: str, name: str | None) -> str:
        return f"item {item_id!r}" if name is None else f"item {item_id!r}, field {name!r}"

    for item_id, fields_of in expected.items():
        for name in fields_of:
            labels = allowed_for(name)
            for label, _ in accepted_of[(item_id, name)]:
                if labels is not None and _norm_label(label) not in labels:
                    raise ValueError(f"key: {where(item_id, name)} has the label {label!r}, which is "
                                     f"not one of the allowed labels: {', '.join(labels.values())}")

    notes: dict[str, str | dict[str, str]] = {}
    if explanations is not None:
        raw = _copy_mapping(explanations, "explanations", "{'c1': 'The article names the Pentagon.'}")
        for item_id, note in raw.items():
            if type(item_id) is not str or item_id not in expected:
                raise ValueError(f"explanations: {_describe(item_id)} is not an item of the key")
            if multi and isinstance(note, Mapping):
                note = dict(note.items())
                if not all(type(k) is str and type(v) is str for k, v in note.items()):
                    raise ValueError(f"explanations: item {item_id!r} must map field names to strings")
            elif type(note) is not str:
                raise ValueError(f"explanations: item {item_id!r} must be a string, not {_describe(note)}")
            notes[item_id] = note

    given_map = _copy_mapping(answers, "answers", "{'c1': 'named'}" if not multi
                              else "{'c1': {'attribution': 'named', 'kind': 'fact'}}")
    given: dict[str, dict[str | None, str | None]] = {}
    for item_id, value in given_map.items():
        if type(item_id) is not str:
            raise ValueError(f"answers: item ids must be strings such as 'c1', not {_describe(item_id)}")
        if item_id not in expected:
            raise ValueError(f"answers: there is no item {item_id!r}; the items are: "
                             f"{', '.join(expected)}")
        fields_of = expected[item_id]
        if not multi:
            given[item_id] = {None: value}
        elif value is None:
            given[item_id] = {}
        elif isinstance(value, Mapping):
            given[item_id] = dict(value.items())
            for name in given[item_id]:
                if type(name) is not str or name not in fields_of:
                    raise ValueError(f"answers: item {item_id!r} has no field {_describe(name)}; "
                                     f"its fields are: {', '.join(str(f) for f in fields_of)}")
        else:
            example = ", ".join(f"{f!r}: ..." for f in fields_of)
            raise ValueError(f"answers: item {item_id!r} needs a dict with one answer per field, "
                             f"like {{{example}}}, not {_describe(value)}")
        for name, label in given[item_id].items():
            if label is None:
                continue
            if type(label) is not str:
                raise ValueError(f"answers: {where(item_id, name)} must be a string label "
                                 f"such as 'named', not {_describe(label)}")
            labels = allowed_for(name)
            if label.strip() and labels is not None and _norm_label(label) not in labels:
                raise ValueError(f"answers: {where(item_id, name)} is {_show(label)!r}, which is not "
                                 f"one of the allowed labels: {', '.join(labels.values())}")

    items: list[LabelItem] = []
    for item_id, fields_of in expected.items():
        for name, label in fields_of.items():
            answer = given.get(item_id, {}).get(name)
            if answer is not None and not answer.strip():
                answer = None
            note_of = notes.get(item_id)
            # A dict of notes only comes with multi-field items, whose fields all have names.
            item_note = (note_of.get(name) if name is not None else None) if isinstance(note_of, dict) else note_of
            accepted = accepted_of[(item_id, name)]
            if answer is None:
                ok, message = False, "no answer given"
            else:
                labels = allowed_for(name)
                answer = labels[_norm_label(answer)] if labels is not None else " ".join(answer.split())
                ok = _norm_label(answer) in {_norm_label(a) for a, _ in accepted}
                if len(accepted) == 1:
                    message = "correct" if ok else f"you answered {_show(answer)!r}; the key says {label!r}"
                else:
                    readings = " ".join(f"The case for {a!r}: {why}" for a, why in accepted)
                    message = (("correct; " if ok else f"you answered {_show(answer)!r}; ")
                               + f"more than one reading is defensible here, and the key accepts each. {readings}")
            items.append(LabelItem(item_id, name, answer, label, ok, item_note, message,
                                   tuple(a for a, _ in accepted), tuple(why for _, why in accepted)))
    correct = sum(1 for i in items if i.correct)
    return LabelScore(correct / len(items), correct, len(items), tuple(items))


# --------------------------------------------------------------------------
# The kind of mistake in a claim label
# --------------------------------------------------------------------------

CLAIM_MISTAKES = (
    "anonymous-for-named", "unsourced-for-named", "named-for-anonymous", "unsourced-for-anonymous",
    "named-for-unsourced", "anonymous-for-unsourced", "interpretation-for-fact", "fact-for-interpretation",
    "verb-near-miss", "verb-in-claim", "verb-missing", "verb-not-attributing",
)
"""Every kind of wrong claim label; claims.yaml gives each its message (its schema lists the same ids)."""

_NO_VERB = "none"


def claim_words(text: str) -> list[str]:
    """The words of a claim as the Claim sorter shows them, without the punctuation stuck to their edges
    (quotation marks and commas cling to words in the text: "“war" is the word "war")."""
    return [w for w in (re.sub(r"^[\W_]+|[\W_]+$", "", t) for t in text.split()) if w]


def _words(text: str) -> list[str]:
    return [w.casefold() for w in claim_words(text)]


def _runs(wanted: list[str], words: list[str]) -> list[range]:
    return [range(i, i + len(wanted)) for i in range(len(words) - len(wanted) + 1) if words[i:i + len(wanted)] == wanted]


def claim_mistake(field: str, given: str | None, expected: str | None, claim_text: str) -> str | None:
    """The kind of mistake (one of :data:`CLAIM_MISTAKES`) in one label of a claim, or None when the label is
    right or not given.

    ``field`` is ``attribution``, ``kind`` or ``reporting_verb``. Attribution and kind: ``"<given>-for-<key>"``,
    e.g. ``anonymous-for-named``. Reporting verb (``"none"`` or None for no verb in the key): ``verb-missing``
    (the student chose no verb), ``verb-not-attributing`` (the key has none), ``verb-near-miss`` (the chosen
    words overlap the key's in the claim, as "claimed" overlaps "proudly claimed"), else ``verb-in-claim``.
    claim_sorter.js classifies with the same rules, so the site and the notebook say the same thing.
    """
    if field not in ("attribution", "kind", "reporting_verb"):
        raise ValueError(f"field must be 'attribution', 'kind' or 'reporting_verb', not {_describe(field)}")
    if given is None or not given.strip():
        return None
    given = _norm_label(given)
    if field != "reporting_verb":
        if expected is None:
            raise ValueError(f"the key has no {field} label to compare with")
        expected = _norm_label(expected)
        if given == expected:
            return None
        mistake = f"{given}-for-{expected}"
        if mistake not in CLAIM_MISTAKES:
            raise ValueError(f"{field}: {given!r} or {expected!r} is not a label of this field")
        return mistake
    key = _NO_VERB if expected is None else _norm_label(expected)
    if given == key:
        return None
    if key == _NO_VERB:
        return "verb-not-attributing"
    if given == _NO_VERB:
        return "verb-missing"
    words = _words(claim_text)
    mine, theirs = _runs(_words(given), words), _runs(_words(key), words)
    if any(set(a) & set(b) for a in mine for b in theirs):
        return "verb-near-miss"
    return "verb-in-claim"


# --------------------------------------------------------------------------
# Phrases to spans
# --------------------------------------------------------------------------

# Straight and curly forms are the same character to a reader.
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})


def _loose(text: str) -> tuple[str, list[int]]:
    """Fold quotes and case, squeeze whitespace runs; map each output char back."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":  # casefold never makes a space, so this came from one
                continue
            out.append(" ")
            origin.append(index)
            continue
        for folded in char.translate(_QUOTES).casefold():
            out.append(folded)
            origin.append(index)
    return "".join(out), origin


def _find_all(haystack: str, needle: str) -> list[int]:
    # Overlapping hits count: "aa" occurs twice in "aaa", so it is ambiguous.
    hits, at = [], haystack.find(needle)
    while at != -1:
        hits.append(at)
        at = haystack.find(needle, at + 1)
    return hits


def phrases_to_spans(phrases: object, text: object, *, within: object = None,
                     where: str | None = None) -> list[Span]:
    """Find each phrase in ``text`` and return its ``(start, end)`` span, in order.

    ``within`` limits the search to the half-open region ``(start, end)`` of
    ``text`` (e.g. one paragraph); ``where`` names that region in error
    messages (e.g. ``"paragraph 4"``).

    Matching: surrounding whitespace of the phrase is dropped, then the phrase
    is looked up exactly. If it does not occur exactly, it is looked up again
    ignoring case, treating curly and straight quotes and apostrophes as equal
    (’ = ', “ = ") and any run of whitespace as one space. The span returned
    always covers the exact characters of ``text``. A phrase that occurs nowhere
    or more than once (overlapping hits included) in the region raises
    :class:`ValueError`, as do empty phrases and non-strings.
    """
    if type(text) is not str:
        raise ValueError(f"text must be a string, not {_describe(text)}")
    if type(phrases) is str:
        raise ValueError("phrases must be a list of strings, e.g. ['first phrase', 'second phrase'], "
                         "not a single string")
    if not isinstance(phrases, (list, tuple)):
        raise ValueError(f"phrases must be a list of strings, not {_describe(phrases)}")
    if where is not None and type(where) is not str:
        raise ValueError(f"where must be a string such as 'paragraph 4', not {_describe(where)}")
    if within is None:
        lo, hi = 0, len(text)
        place = where or "the text"
    else:
        if not isinstance(within, (list, tuple)) or len(pair := list(within)) != 2 \
                or not all(type(x) is int for x in pair):
            raise ValueError("within must be a (start, end) pair of whole numbers, such as (120, 560)")
        lo, hi = int(pair[0]), int(pair[1])
        if not 0 <= lo < hi <= len(text):
            raise ValueError(f"within is ({lo}, {hi}); it must satisfy 0 <= start < end <= {len(text)}, "
                             "the length of the text")
        place = where or f"characters {lo} to {hi} of the text"
    region = text[lo:hi]
    loose_region: tuple[str, list[int]] | None = None

    spans: list[Span] = []
    for number, phrase in enumerate(list(phrases), start=1):
        if type(phrase) is not str:
            raise ValueError(f"phrase {number} (counting from 1) is {_describe(phrase)}; "
                             "each phrase must be a string in quotes")
        wanted = phrase.strip()
        if not wanted:
            raise ValueError(f"phrase {number} (counting from 1) is empty; type the words you mean "
                             "or remove it")
        hits = _find_all(region, wanted)
        if hits:
            found = [(lo + h, lo + h + len(wanted)) for h in hits]
        else:
            if loose_region is None:
                loose_region = _loose(region)
            folded, origin = loose_region
            needle = _loose(wanted)[0]
            # A set: hits inside one folded character (ß -> ss) map to the same span.
            found = sorted({(lo + origin[h], lo + origin[h + len(needle) - 1] + 1)
                            for h in _find_all(folded, needle)})
        if not found:
            raise ValueError(f"'{_show(wanted)}' does not occur in {place}; "
                             "copy the words exactly as they appear")
        if len(found) > 1:
            raise ValueError(f"'{_show(wanted)}' occurs {len(found)} times in {place}, so it is "
                             "ambiguous; include a few neighbouring words so it matches only one place")
        spans.append(found[0])
    return spans
