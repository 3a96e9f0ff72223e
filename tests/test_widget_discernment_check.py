"""DiscernmentCheck (Python side): the browser gets the item bank, and answers read back score as medialit.assessment."""
from __future__ import annotations

import pytest

from medialit import CASE
from medialit.assessment.check import FORMS, load_check, score_form
from medialit.widgets.discernment_check import DiscernmentCheck


def test_payload_is_the_item_bank() -> None:
    widget = DiscernmentCheck(CASE)
    check = load_check(CASE)
    assert widget._data == check.payload()
    assert set(widget._data["forms"]) == set(FORMS)
    assert widget._data["edition"] == check.edition and widget._data["notice"] == check.notice
    assert widget.form == "before" and widget.responses == {form: {} for form in FORMS}


def test_answers_from_the_browser_score_as_python() -> None:
    widget = DiscernmentCheck(CASE, form="after")
    check = widget.check
    responses = {i.id: {"answer": i.answer if n % 3 else next(o.value for o in check.questions[i.skill].options
                                                             if o.value != i.answer),
                        "confidence": 0.7} for n, i in enumerate(check.items("after"))}
    widget.responses = {"before": {}, "after": responses, "delayed": {}}
    assert widget.scores("after") == score_form(check, "after", responses)
    assert widget.scores("before") == {}  # nothing answered: no score, rather than a made-up one


def test_bad_arguments_say_what_to_give() -> None:
    with pytest.raises(ValueError, match="form must be one of: before, after, delayed; not 'pre'"):
        DiscernmentCheck(CASE, form="pre")
    with pytest.raises(ValueError, match="needs a case name"):
        DiscernmentCheck(42)  # type: ignore[arg-type]
