"""A synthetic class for the discernment check: students in two groups with planted true d prime and c per skill,
answering the real forms (shared by the class report tests, the check assignments test and its browser test).
"""
from __future__ import annotations

import random
from statistics import NormalDist

from medialit.assessment.check import Check

N = NormalDist()
PLANTED_D = {"A": {"loaded_language": 0.8, "claims": 0.0, "statements": 0.0},
             "B": {"loaded_language": 0.0, "claims": 0.0, "statements": 0.0}}
PLANTED_C = {"A": 0.0, "B": -0.6}


def synthetic_class(check: Check, per_group: int = 200, seed: int = 14, d_spread: float = 0.35,
                    forms: tuple[str, ...] = ("before", "after")) -> tuple[list[dict], dict]:
    """Rows of answers, and each student's true (d', c) per form and skill (d' spread: its sd between students).

    A delayed form, when asked for, keeps half of each planted change (partial retention)."""
    rng = random.Random(seed)
    rows, truth = [], {}
    for group in ("A", "B"):
        for k in range(per_group):
            student = f"{group}{k:03d}"
            base = {skill: (max(0.0, rng.gauss(0.9, d_spread)), rng.gauss(0.0, 0.25)) for skill in check.skills}
            for form in forms:
                for skill in check.skills:
                    d, c = base[skill]
                    kept = {"before": 0.0, "after": 1.0, "delayed": 0.5}[form]
                    d, c = d + kept * PLANTED_D[group][skill], c + kept * PLANTED_C[group]
                    truth[student, form, skill] = (d, c)
                for item in check.items(form):
                    d, c = truth[student, form, item.skill]
                    p_yes = N.cdf(d / 2 - c) if item.signal else N.cdf(-d / 2 - c)
                    options = check.questions[item.skill].options
                    yes = rng.random() < p_yes
                    choices = [o.value for o in options if o.signal is yes]
                    answer = item.answer if item.answer in choices else rng.choice(choices)
                    rows.append({"student": student, "group": group, "form": form, "item": item.id,
                                 "answer": answer, "confidence": rng.choice([50, 60, 70, 80, 90, 100])})
    return rows, truth
