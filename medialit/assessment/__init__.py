"""Evidence of learning: skill apart from suspicion (signal detection), and calibrated confidence.

A share of correct answers rises when a student simply calls everything "loaded" or "unreliable".
Signal-detection theory separates the two: on items where the answer is "yes" (signal) and true
controls where it is "no" (noise), sensitivity d' measures how well the student tells them apart,
and the criterion c measures the lean towards "yes" (negative c: says "yes" more readily).

    discernment(hits, misses, false_alarms, correct_rejections) -> Discernment(d_prime, c, ...)
    brier(confidences, correct) -> mean squared gap between stated confidence and being right

Rates use the log-linear correction (Hautus, 1995): add 0.5 to each count and 1 to each total, so
that a perfect score or an empty category gives finite values.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Discernment:
    """Hit and false-alarm rates (corrected), sensitivity d' and response bias c."""

    hit_rate: float
    false_alarm_rate: float
    d_prime: float
    c: float


def _count(name: str, value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"{name} must be a whole number of answers, 0 or more, not {value!r}")
    return value


def discernment(hits: int, misses: int, false_alarms: int, correct_rejections: int) -> Discernment:
    """d' = z(H) - z(F) and c = -(z(H) + z(F)) / 2 with log-linear corrected rates.

    hits / misses: "yes" items answered yes / no; false_alarms / correct_rejections: "no" items
    (controls) answered yes / no.
    """
    hits, misses = _count("hits", hits), _count("misses", misses)
    false_alarms, correct_rejections = _count("false_alarms", false_alarms), _count("correct_rejections",
                                                                                   correct_rejections)
    if hits + misses == 0 or false_alarms + correct_rejections == 0:
        raise ValueError("discernment needs at least one 'yes' item (hits + misses) and one control item "
                         "(false_alarms + correct_rejections); a form without controls cannot tell skill from bias")
    hit_rate = (hits + 0.5) / (hits + misses + 1)
    false_alarm_rate = (false_alarms + 0.5) / (false_alarms + correct_rejections + 1)
    z_hit, z_false = _NORMAL.inv_cdf(hit_rate), _NORMAL.inv_cdf(false_alarm_rate)
    return Discernment(hit_rate, false_alarm_rate, z_hit - z_false, -(z_hit + z_false) / 2)


def brier(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean of (confidence - outcome)^2, outcome 1 for a right answer and 0 for a wrong one.

    Confidences are probabilities from 0 to 1 (a rating of 75 % is 0.75). 0 is perfect; always
    answering with 50 % confidence scores 0.25 whatever the answers.
    """
    if len(confidences) != len(correct):
        raise ValueError(f"brier needs one confidence per answer: {len(confidences)} confidences, "
                         f"{len(correct)} answers")
    if not confidences:
        raise ValueError("brier needs at least one answer")
    total = 0.0
    for number, (confidence, right) in enumerate(zip(confidences, correct), start=1):
        if not (type(confidence) is int or type(confidence) is float) or not math.isfinite(confidence) or not 0 <= confidence <= 1:
            hint = f" (for {confidence} % give {confidence / 100:g})" if type(confidence) in (int, float) \
                and 1 < confidence <= 100 else ""
            raise ValueError(f"confidence {number} is {confidence!r}; give a probability from 0 to 1{hint}")
        if type(right) is not bool:
            raise ValueError(f"answer {number} must be True (right) or False (wrong), not {right!r}")
        total += (confidence - (1.0 if right else 0.0)) ** 2
    return total / len(confidences)
