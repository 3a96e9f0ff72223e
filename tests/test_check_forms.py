"""The discernment check's nbgrader assignments: generated from check.yaml, graded for taking part only.

The check's keys are public (self-learners get feedback on the site), so no graded cell of these
assignments may depend on correctness: the hand-in cell's hidden test is a participation spec with each
item's options and no key, and it scores right and wrong answers alike.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from medialit import CASE
from medialit.assessment.check import load_check
from medialit.assessment.forms import (
    ASSIGNMENTS,
    DEFAULT_POINTS,
    build_notebook,
    committed_points,
    main,
    notebook_path,
    participation_spec,
    render,
)
from medialit.grading import hidden_awards, score_task, split_hidden

REPO = Path(__file__).resolve().parents[1]


def _nb_text(path: Path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(str(path), as_version=4).cells)


@pytest.mark.parametrize("form", ASSIGNMENTS)
def test_committed_notebooks_are_what_the_generator_makes(form: str) -> None:
    path = notebook_path(REPO, form)
    points = committed_points(path)
    assert points is not None, f"{path} is missing: run python -m medialit.assessment.forms"
    assert path.read_text(encoding="utf-8") == render(build_notebook(load_check(CASE), form, points)), (
        f"{path} differs from check.yaml: run `python -m medialit.assessment.forms`, then "
        "`nbgrader generate_assignment 'check-*' --force`, and commit solutions/ and exercises/")


@pytest.mark.parametrize("form", ASSIGNMENTS)
def test_the_forms_show_every_item_with_its_notice_and_hold_no_key(form: str) -> None:
    check = load_check(CASE)
    assignment = ASSIGNMENTS[form]
    source = nbformat.read(str(notebook_path(REPO, form)), as_version=4)
    released = REPO / "exercises" / assignment / f"{assignment}.ipynb"
    for item in check.items(form):
        notice = f"`{item.id}`\n\n*An invented example, not news.*\n\n> {item.text}"
        assert notice in _nb_text(released), item.id
    graded = [c for c in source.cells if c.metadata["nbgrader"]["grade"]]
    assert len(graded) == 1
    (task, spec), = hidden_awards(split_hidden(graded[0].source)[1])
    assert task == f"{assignment}/answers"
    assert spec == participation_spec(check, form, spec["points"]) and "key" not in spec
    for path in (notebook_path(REPO, form), released):
        text = _nb_text(path)
        for item in check.items(form):
            assert item.why not in text, f"{path}: the reason given for {item.id} (the site's feedback) is in the notebook"
    assert "BEGIN HIDDEN TESTS" not in _nb_text(released)


def _record(check, form: str, choose) -> dict:
    return {"form": form, "edition": check.edition,
            "items": {i.id: {"answer": choose(i), "confidence": 80} for i in check.items(form)}}


def test_participation_scores_right_and_wrong_answers_the_same_and_unanswered_less() -> None:
    check = load_check(CASE)
    spec = participation_spec(check, "before", 2)
    right = _record(check, "before", lambda i: i.answer)
    wrong = _record(check, "before", lambda i: next(o.value for o in check.questions[i.skill].options
                                                     if o.value != i.answer))
    assert score_task(spec, right).points == score_task(spec, wrong).points == 2
    assert "whatever you chose" in score_task(spec, wrong).feedback
    for text in (score_task(spec, right).feedback, score_task(spec, wrong).feedback):
        assert "right" not in text.replace("whatever", "") and "wrong" not in text
    fewer = _record(check, "before", lambda i: i.answer)
    first, second, third = list(fewer["items"])[:3]
    del fewer["items"][first]
    fewer["items"][second]["answer"] = "maybe"     # not an option
    fewer["items"][third]["confidence"] = 0.8       # not 50-100
    result = score_task(spec, fewer)
    assert result.points == pytest.approx(int(2 * 21 / 24 * 100) / 100) and result.points < 2
    assert f"{first}, {second}, {third}" in result.feedback and "You answered 21 of 24" in result.feedback
    assert score_task(spec, {"form": "before", "items": {}}).points == 0
    other_form = score_task(spec, _record(check, "after", lambda i: i.answer))
    assert other_form.points == 0 and "another form's notebook" in other_form.feedback


def test_participation_may_weigh_nothing_and_never_takes_a_key() -> None:
    check = load_check(CASE)
    nothing = score_task(participation_spec(check, "after", 0), _record(check, "after", lambda i: i.answer))
    assert nothing.points == 0 and nothing.max_points == 0 and "Points: 0 of 0" in nothing.feedback
    with pytest.raises(ValueError, match="has no key"):
        score_task({**participation_spec(check, "after", 1), "key": {}}, {})
    with pytest.raises(ValueError, match="positive number"):
        score_task({"kind": "labels", "points": 0, "key": {}, "allowed": []}, {})


def test_the_weight_is_the_instructors_choice_and_is_kept(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--root", str(tmp_path)]) == 0
    assert {committed_points(notebook_path(tmp_path, f)) for f in ASSIGNMENTS} == {DEFAULT_POINTS}
    assert main(["--root", str(tmp_path), "--points", "0"]) == 0
    assert main(["--root", str(tmp_path)]) == 0  # regenerating after check.yaml changes keeps the weight
    assert {committed_points(notebook_path(tmp_path, f)) for f in ASSIGNMENTS} == {0}
    assert "carries no points" in _nb_text(notebook_path(tmp_path, "before"))
    with pytest.raises(SystemExit):
        main(["--root", str(tmp_path), "--points", "-1"])


def _run(cells: list[str]) -> nbformat.NotebookNode:
    check = load_check(CASE)
    setup = build_notebook(check, "before").cells[1].source
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup)] + [nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    return nb


def _shown(cell: nbformat.NotebookNode) -> str:
    return "\n".join(o.get("text", "") + "\n".join(o.get("traceback", [])) + str(o.get("data", {}).get("text/plain", ""))
                     for o in cell.outputs)


def test_a_student_sees_what_to_fix_and_never_whether_an_answer_is_right() -> None:
    check = load_check(CASE)
    item = next(i for i in check.items("before") if i.skill == "loaded_language")
    nb = _run([f'answer("{item.id}", "lodaed", confidence=80)',
               f'answer("{item.id}", "loaded", confidence=0.8)',
               f'answer("{item.id}", ..., confidence=...)',
               'answer("x-ll-99", "loaded", confidence=80)',
               f'answer("{item.id}", "Loaded", confidence=80)',
               "form.submit()"])
    bad_option, bad_confidence, template, bad_item, good, handed_in = nb.cells[1:]
    for cell, hint in ((bad_option, '\'lodaed\' is not one of the answers; use one of "loaded", "neutral"'),
                       (bad_confidence, "write 80, not 0.8"),
                       (template, 'put your answer in place of the first `...`: one of "loaded", "neutral"'),
                       (bad_item, "'x-ll-99' is not an item of this form")):
        shown = _shown(cell)
        assert "Check your answer" in shown and "Traceback" not in shown, shown
        assert hint in " ".join(shown.replace("│", " ").split()), shown
    assert _shown(good).startswith(f"Recorded for {item.id}: 'loaded', 80 % sure (1 of 24 items answered).")
    text = _shown(good) + _shown(handed_in)
    assert "Not answered yet:" in text and "has the right form and is recorded" in text
    text = text.replace("has the right form", "")  # grading.submit's note on the form, not on the answer
    for word in ("right", "wrong", "correct", item.why):
        assert word not in text, word
