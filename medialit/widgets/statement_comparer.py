"""Statement comparer: what each source said on each question, a chart of the casualty figures, and prompts.

The browser module (statement_comparer.js) draws the matrix (a table on wide screens, cards on a phone), the chart
with its sort control, the later reports with every figure on a date axis, and each prompt's model answer once the
student has written in its box; it handles sorting, filtering and the reveal, so it all works on the static site
with no kernel. Python receives the student's written
answers in `.answers` (prompt id -> text) and whether the later reports were revealed in `.revealed`.
Every actor, the article's own voice ("author") included, gets the same layout and the same prompts.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..case import Case
from ..records import Figure

_HERE = Path(__file__).resolve().parent

# The same questions for every source: what can be checked, what each gains, what would verify it.
PROMPTS: dict[str, str] = {
    "checkable": "Which of these figures could someone check, and who would be able to check them?",
    "gains": "What might each source, the article's own voice included, gain from the figure or words it gave?",
    "verify": "What evidence would verify or rule out each claim? Name the kind of record, witness or document.",
}


class StatementAnswerError(traitlets.TraitError, ValueError):
    """A bad value for `StatementComparer.answers` (a TraitError so traitlets rolls it back, a ValueError by the
    course's rule for bad input)."""


class _AnswerDict(traitlets.Dict):
    """A Dict trait whose wrong-type error is a StatementAnswerError (so a ValueError)."""

    def validate(self, obj: Any, value: Any) -> Any:
        if not isinstance(value, dict):
            ids = ", ".join(p["id"] for p in obj.prompts)
            raise StatementAnswerError(f"answers must be a dict of prompt id -> text (the prompts are: {ids}), "
                                       f"not {type(value).__name__}.")
        return super().validate(obj, value)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _figure(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {"kind": figure.kind, "side": figure.side, "low": figure.low, "high": figure.high,
            "label": figure.label, "reading": figure.reading}


def comparer_data(case: Case, *, later_reports: bool = True) -> dict[str, Any]:
    """The public statement data the browser draws, as plain JSON values."""
    return {
        "questions": [{"id": qid, "text": text} for qid, text in case.questions.items()],
        "actors": [{"id": a.id, "name": a.name, "role": a.role} for a in case.actors],
        "statements": [
            {"id": s.id, "actor": s.actor, "question": s.question, "paragraph": s.paragraph, "words": s.words,
             "verbatim": s.verbatim, "date": _iso(s.date), "date_note": s.date_note, "source_note": s.source_note,
             "figure": _figure(s.figure), "article_use": s.article_use}
            for s in case.statements
        ],
        "later_reports": [
            {"date": _iso(r.date), "who": r.who, "what": r.what, "reported_by": r.reported_by,
             "figure": _figure(r.figure)}
            for r in case.later_reports
        ] if later_reports else [],
    }


def model_answers_for(case: Case, prompts: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The case's model answers for the prompts in use, as JSON values: prompt id -> {"rubric": [...], "answer"}.

    A model answer belongs to the course's own question, so a custom prompt gets one only when it asks exactly
    the question (same id and same text) the model was written for."""
    return {m.prompt: {"rubric": list(m.rubric), "answer": m.answer}
            for m in case.model_answers if prompts.get(m.prompt) == PROMPTS.get(m.prompt)}


class StatementComparer(anywidget.AnyWidget):
    """Actors by questions, a casualty chart with a table alternative, prompts, and an optional later-reports reveal.

    >>> comparer = StatementComparer(load_case("deir-ezzor-2018"))
    >>> comparer.answers    # {"checkable": "...", "gains": "...", "verify": "..."} as the student types
    >>> comparer.revealed   # True once the student pressed "Reveal what later reports said"

    Each prompt with a model answer in the case data (`model_answers`) offers it once the student has written
    something in that prompt's box.
    """

    _esm = _HERE / "statement_comparer.js"
    _css = _HERE / "statement_comparer.css"

    data = traitlets.Dict().tag(sync=True)
    prompts = traitlets.List(traitlets.Dict()).tag(sync=True)
    model_answers = traitlets.Dict().tag(sync=True)
    answers = _AnswerDict().tag(sync=True)
    revealed = traitlets.Bool(False).tag(sync=True)
    # The traits the static site keeps in the browser's storage between visits (widget_runtime.js); in
    # JupyterLab nothing is restored: the kernel's traits are the truth there.
    _keep = traitlets.List(["answers", "revealed"]).tag(sync=True)

    def __init__(self, case: Case, *, prompts: Mapping[str, str] | None = None, later_reports: bool = True,
                 **kwargs: Any) -> None:
        if not isinstance(case, Case):
            raise ValueError("StatementComparer needs a case from medialit.load_case, e.g. "
                             f"StatementComparer(load_case('deir-ezzor-2018')), not {type(case).__name__}.")
        if type(later_reports) is not bool:
            raise ValueError(f"later_reports must be True or False, not {later_reports!r}.")
        chosen = PROMPTS if prompts is None else prompts
        if not isinstance(chosen, Mapping) or not chosen:
            raise ValueError("prompts must be a non-empty dict of prompt id -> question, "
                             "e.g. {'checkable': 'Which figures could be checked?'}.")
        for prompt_id, text in chosen.items():
            if not isinstance(prompt_id, str) or not prompt_id.strip() or not isinstance(text, str) or not text.strip():
                raise ValueError(f"prompts: {prompt_id!r} -> {text!r} is not valid; "
                                 "each prompt needs a non-empty string id and a non-empty question.")
        if not case.statements:
            raise ValueError(f"case {case.name!r} has no statements to compare; add them to statements.yaml.")
        super().__init__(
            data=comparer_data(case, later_reports=later_reports),
            prompts=[{"id": k, "text": v} for k, v in chosen.items()],
            model_answers=model_answers_for(case, chosen),
            **kwargs,
        )

    @traitlets.validate("answers")
    def _validate_answers(self, proposal: dict[str, Any]) -> dict[str, str]:
        value = proposal["value"]
        ids = [p["id"] for p in self.prompts]
        for prompt_id, text in value.items():
            if prompt_id not in ids:
                raise StatementAnswerError(f"answers: there is no prompt {prompt_id!r}; the prompts are: {', '.join(ids)}.")
            if not isinstance(text, str):
                raise StatementAnswerError(f"answers[{prompt_id!r}] must be text (a string), not {type(text).__name__}.")
        return dict(value)
