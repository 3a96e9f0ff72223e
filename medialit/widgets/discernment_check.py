"""Discernment check: the before / after / delayed forms of the course's check, with a confidence rating.

All interaction, scoring and drawing happens in discernment_check.js, so the check also works on the
static site where no kernel runs; the reader's answers are kept in the browser (localStorage, one key
per case, edition and form). Python supplies the item bank (medialit.assessment.check.load_check)
and reads answers back as `widget.responses`; `widget.scores(form)` scores them with
medialit.assessment, the same formulas the browser uses.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..assessment.check import FORMS, Check, SkillScore, load_check, score_form

HERE = Path(__file__).resolve().parent


class DiscernmentCheck(anywidget.AnyWidget):
    """The three forms of the discernment check, for self-learners (book/check.md).

    >>> widget = DiscernmentCheck()                      # the course's case, "before" form shown first
    >>> widget.responses["before"]["b-ll-01"]            # {'answer': 'neutral', 'confidence': 0.8}
    >>> widget.scores("before")["claims"].d_prime
    """

    _esm = HERE / "discernment_check.js"
    _css = HERE / "discernment_check.css"

    # The form shown: before, after or delayed. Written by the browser when the reader switches.
    form = traitlets.Unicode("before").tag(sync=True)
    # {form: {item id: {"answer": option value, "confidence": 0.5-1.0}}}, written by the browser.
    responses = traitlets.Dict().tag(sync=True)
    # The forms the reader has handed in (their answers and reasons are then shown).
    finished: traitlets.List[str] = traitlets.List().tag(sync=True)
    _data = traitlets.Dict().tag(sync=True)
    # The traits the static site's runtime keeps in the browser's storage and lists on the My work page
    # (widget_runtime.js). The widget also keeps each form under its own key (discernment_check.js), which
    # JupyterLab uses too; on the site both hold the same answers, and "Start over" clears both (work.js).
    _keep = traitlets.List(["responses", "finished"]).tag(sync=True)

    def __init__(self, case: Check | str | None = None, form: str = "before", **kwargs: Any) -> None:
        check = load_check(case) if case is None or isinstance(case, str) else case
        if not isinstance(check, Check):
            raise ValueError(f"DiscernmentCheck needs a case name such as 'deir-ezzor-2018' or a Check, "
                             f"not {type(case).__name__}.")
        if form not in FORMS:
            raise ValueError(f"form must be one of: {', '.join(FORMS)}; not {form!r}.")
        self._check = check
        super().__init__(_data=check.payload(), form=form,
                         responses=kwargs.pop("responses", {f: {} for f in FORMS}), **kwargs)

    @property
    def check(self) -> Check:
        return self._check

    def scores(self, form: str) -> dict[str, SkillScore]:
        """d', c, hits, false alarms and Brier score per skill for the reader's answers to `form`."""
        return score_form(self._check, form, self.responses.get(form, {}))
