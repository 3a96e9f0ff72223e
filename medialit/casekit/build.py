"""`medialit case build DIR`: a course folder for one case, from the case and its private graded-spec file.

The course folder (default courses/<case>/ beside seeds/) holds what the usual tools take over from:

* `_config.yml`, `_toc.yml` and `pages/*.md`: the book (`jupyter-book build COURSE_DIR`): the article, a page per
  skill with its widgets on the case's practice paragraphs, practice with hints, and the check if the case has
  items (check.yaml). Every page of an invented case says so at the top.
* `practice/*.ipynb`: the practice notebooks, one per skill with items (public keys).
* `solutions/<assignment>/<assignment>.ipynb` and `nbgrader_config.py`: the nbgrader source notebooks, whose
  keys come only from graded/<case>.yaml and go only into hidden tests (`nbgrader generate_assignment` strips
  them from what students get). Their setup cells call `use_case("<case>")`, and every hidden spec names the
  case, so the graded kernel and the grader need no environment variable.

The case is checked first (medialit.casekit.checks); a case with problems is refused and nothing is written.
"""
from __future__ import annotations

import pprint
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import yaml

from ..case import SEEDS_DIR, Case, load_case
from .caseio import read_graded
from .checks import check_case
from .files import KitError, dump_yaml, readable

REPO = SEEDS_DIR.parent
ASSIGNMENTS = {"loaded_language": "loaded-language", "claims": "sourcing"}
PRACTICE_NOTEBOOKS = {"loaded_language": "loaded-language", "claims": "sourcing", "statements": "statements"}
FRONT = ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n    format_version: 0.13\n"
         "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n")


def _cell(code: str, tags: str = "remove-input") -> str:
    return f"```{{code-cell}} ipython3\n:tags: [{tags}]\n{code.strip()}\n```\n"


def _notice(case: Case) -> str:
    if not case.provenance.get("invented"):
        return ""
    return (":::{important}\n**An invented article.** This case was written for the course's case kit: the outlet, "
            "the places, the people and the event are made up. It is not news.\n:::\n\n")


def _page(case: Case, title: str, body: str) -> str:
    return FRONT + f"# {title}\n\n" + _notice(case) + body


def _load(case: Case) -> str:
    return f'from medialit import load_case\ncase = load_case("{case.name}")'


def _quote_list(case: Case, records: list[Any]) -> str:
    """The key's phrases as {article} quotations: book_roles checks each is verbatim when the book is built."""
    return "".join(f"- paragraph {r.paragraph}: {{article}}`{r.text}`\n" for r in records)


def pages(case: Case, has_check: bool) -> dict[str, str]:
    article = case.article
    ll = case.practice_paragraphs("loaded_language")
    claims = case.practice_paragraphs("claims")
    result = {
        "index": _page(case, article.title, (
            f"A course in reading the news closely, built around one article: *{article.title}* "
            f"({article.author}, {article.outlet}, {article.date.isoformat()}). The pages practise the course's three "
            "skills on it: loaded language, sourcing, and comparing statements.\n\n"
            "Start with [the article](article.md).\n")),
        "article": _page(case, "The article", (
            f"By {article.author}, {article.outlet}, {article.date.isoformat()}. Its paragraphs are numbered: the "
            "exercises refer to them.\n\n" + _cell(
                _load(case) + "\nfrom html import escape\nfrom IPython.display import HTML\n"
                "HTML('<ol class=\"ml-article\">' + ''.join(f'<li>{escape(p.text)}</li>' for p in case.paragraphs)"
                " + '</ol>')"))),
        "loaded-language": _page(case, "Loaded language", (
            "Mark the words that judge rather than describe, then check your marks against the course's key. "
            f"The key's phrases on these paragraphs:\n\n{_quote_list(case, list(case.loaded_language))}\n"
            "## The Highlighter\n\n" + _cell(_load(case) + "\nfrom medialit.widgets import Highlighter\n"
                                               f"Highlighter(case, paragraphs={list(ll)!r})") +
            "\n## The machine and the key\n\n" + _cell(_load(case) + "\nfrom medialit.widgets import DetectorLab\n"
                                                        f"DetectorLab(case, paragraphs={list(ll)!r})"))),
        "sourcing": _page(case, "Sourcing", (
            "For each claim, say who the article gives as its source, how it is attributed, and whether it could be "
            "checked.\n\n" + _cell(_load(case) + "\nfrom medialit.widgets import ClaimSorter\n"
                                   f"ClaimSorter(case, paragraphs={list(claims)!r})"))),
        "statements": _page(case, "Comparing statements", (
            "What each source said on each question, side by side.\n\n" + _cell(
                _load(case) + "\nfrom medialit.widgets import StatementComparer\nStatementComparer(case)"))),
        "practice": _page(case, "Practice with hints", "".join(
            f"## {case.practice_skills[skill]['title']}\n\n" + _cell(
                _load(case) + f"\nfrom medialit.widgets import PracticeSet\nPracticeSet(case, {skill!r})")
            for skill in case.practice_skills if any(i.skill == skill for i in case.practice_items))),
    }
    if has_check:
        result["check"] = _page(case, "Check your reading", _cell(
            f'from medialit.assessment.check import load_check\nfrom medialit.widgets import DiscernmentCheck\n'
            f'DiscernmentCheck(load_check("{case.name}"))'))
    return result


def config(case: Case, names: list[str]) -> tuple[str, str]:
    data = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    data["title"] = case.article.title + (" (an invented article)" if case.provenance.get("invented") else "")
    data["sphinx"]["config"]["medialit_case"] = case.name
    data["sphinx"]["extra_extensions"] = [e for e in data["sphinx"]["extra_extensions"]
                                          if e != "medialit.tooling.downloads"]
    data["sphinx"]["config"]["templates_path"] = [str(REPO / "_templates")]
    data["exclude_patterns"] = [p for p in data["exclude_patterns"] if p != "README.md"] + ["practice"]
    article = case.article
    data["html"]["extra_footer"] = (
        f'<p class="ml-licence">Course text: <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>. '
        f"Code: BSD 3-Clause. The article is {article.author}'s ({article.outlet}, {article.date.isoformat()})"
        + (", invented for teaching." if case.provenance.get("invented") else
           ", reproduced for criticism and teaching, with its source.") + "</p>")
    toc = {"format": "jb-book", "root": "pages/index",
           "chapters": [{"file": f"pages/{n}"} for n in names if n != "index"]}
    return ("# Generated by `medialit case build`: edit the case, not this file.\n" + dump_yaml(data),
            "# Generated by `medialit case build`.\n" + dump_yaml(toc))


def practice_notebook(case: Case, skill: str) -> nbformat.NotebookNode:
    title = case.practice_skills[skill]["title"]
    cells = [nbformat.v4.new_markdown_cell(
        f"# Practice: {title.lower()}\n\n{case.practice_skills[skill]['intro']}\n\nThis notebook is **practice, not "
        f"graded work**: its keys are public (seeds/{case.name}/practice.yaml)."),
        nbformat.v4.new_code_cell(f'from medialit import practice, use_case\n\ncase = use_case("{case.name}")')]
    for number, item in enumerate((i for i in case.practice_items if i.skill == skill), start=1):
        where = "an invented example" if item.invented else f"the article, paragraph {item.paragraph}"
        cells += [nbformat.v4.new_markdown_cell(f"## Item {number}: {where}"),
                  nbformat.v4.new_code_cell(f'practice.show("{item.id}")'),
                  nbformat.v4.new_code_cell(f'answer_{number} = ...  # your answer\n'
                                            f'practice.check("{item.id}", answer_{number}, name="answer_{number}")'),
                  nbformat.v4.new_code_cell(f'# practice.hint("{item.id}")\n# practice.answer("{item.id}")')]
    return _notebook(cells)


def _notebook(cells: list[Any]) -> nbformat.NotebookNode:
    # Fixed cell ids (nbformat draws random ones), so that building the same case twice gives the same bytes.
    for index, cell in enumerate(cells):
        cell.id = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell-{index}"
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    return nb


def _meta(cell: Any, grade_id: str, *, grade: bool = False, solution: bool = False, points: float | None = None) -> Any:
    cell.metadata["nbgrader"] = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
                                 "solution": solution, "task": False, **({"points": points} if points else {})}
    return cell


def _award(task: str, spec: dict[str, Any]) -> str:
    return f"### BEGIN HIDDEN TESTS\ngrading.award({task!r}, {pprint.pformat(spec, width=100, sort_dicts=False)})\n" \
           "### END HIDDEN TESTS"


def graded_notebook(case: Case, skill: str, entries: list[dict[str, Any]]) -> nbformat.NotebookNode:
    name = ASSIGNMENTS[skill]
    prefix = "ll" if skill == "loaded_language" else "src"
    numbers = ", ".join(str(e["paragraph"]) for e in entries)
    intro = (f"# Assignment: {case.practice_skills[skill]['title'].lower()}\n\n"
             + ("**An invented article**, written for teaching: its people and events are made up.\n\n"
                if case.provenance.get("invented") else "")
             + f"You work on paragraphs **{numbers}** of *{case.article.title}*, which the book does not annotate. "
               "Replace each `raise NotImplementedError()` with your answer in plain Python values, then run the "
               "check below it: it checks the form of your answer only.")
    cells = [_meta(nbformat.v4.new_markdown_cell(intro), f"{prefix}-intro"),
             _meta(nbformat.v4.new_code_cell(
                 "import textwrap\n\nfrom medialit import grading, use_case\n\n"
                 f'case = use_case("{case.name}")  # this assignment\'s case: the checks and the grader use it\n\n\n'
                 "def show(*numbers):\n    \"\"\"Print the given paragraphs of the article, numbered as in the book.\"\"\"\n"
                 "    for n in numbers:\n        print(f\"[{n}]\", textwrap.fill(case.paragraph(n).text, 100), \"\\n\")"),
                 f"{prefix}-setup")]
    for entry in entries:
        n, points = entry["paragraph"], entry["points"]
        task = f"{name}/p{n}"
        cells.append(_meta(nbformat.v4.new_code_cell(f"show({n})"), f"{prefix}-show{n}"))
        if skill == "loaded_language":
            cells.insert(-1, _meta(nbformat.v4.new_markdown_cell(
                f"## Paragraph {n} ({points:g} points)\n\nSet `phrases_{n}` to a list of the phrases in paragraph {n} "
                "that carry a judgment or an emotion the plain facts would not. Copy each phrase exactly."),
                f"{prefix}-task{n}"))
            answer = f"phrases_{n} = {[k['phrase'] for k in entry['key']]!r}"
            visible = (f"answer = grading.check_phrases(phrases_{n}, paragraph={n}, name=\"phrases_{n}\")\n"
                       f"grading.submit({task!r}, answer)")
            spec = {"points": points, "kind": "phrases", "paragraphs": [n], "case": case.name,
                    "key": [{"phrase": k["phrase"], "technique": k["technique"], "speaker": k["speaker"],
                             "why": k["why"]} for k in entry["key"]]}
            variable = f"phrases_{n}"
        else:
            claims = {cid: c["text"] for cid, c in entry["key"].items()}
            allowed = {"attribution": ["named", "anonymous", "unsourced"], "kind": ["fact", "interpretation"]}
            cells.insert(-1, _meta(nbformat.v4.new_markdown_cell(
                f"## Paragraph {n} ({points:g} points)\n\nFor each claim in `CLAIMS_{n}`, give its attribution "
                "(named, anonymous or unsourced) and its kind (fact: checkable in principle, or interpretation)."),
                f"{prefix}-task{n}"))
            cells.append(_meta(nbformat.v4.new_code_cell(f"CLAIMS_{n} = {pprint.pformat(claims, width=100)}\n"
                                                         f"ALLOWED = {allowed!r}"), f"{prefix}-given{n}"))
            first = {c: {"attribution": v["attribution"],
                         "kind": v["kind"][0] if isinstance(v["kind"], list) else v["kind"]}
                     for c, v in entry["key"].items()}
            answer = f"answers_{n} = {pprint.pformat(first, width=100, sort_dicts=False)}"
            visible = (f"answer = grading.check_labels(answers_{n}, items=list(CLAIMS_{n}), allowed=ALLOWED, "
                       f"name=\"answers_{n}\")\ngrading.submit({task!r}, answer)")
            key = {}
            for cid, v in entry["key"].items():
                kind = v["kind"]
                key[cid] = {"attribution": v["attribution"],
                            "kind": [{"label": k, "why": v["why"]} for k in kind] if isinstance(kind, list) else kind}
            spec = {"points": points, "kind": "labels", "allowed": allowed, "case": case.name, "key": key}
            variable = f"answers_{n}"
        cells.append(_meta(nbformat.v4.new_code_cell(f"### BEGIN SOLUTION\n{answer}\n### END SOLUTION"),
                           f"{prefix}-answer{n}", solution=True))
        cells.append(_meta(nbformat.v4.new_code_cell(
            f"# Checks the form only: {variable}.\n{visible}\n{_award(task, spec)}"),
            f"{prefix}-check{n}", grade=True, points=points))
    return _notebook(cells)


NBGRADER_CONFIG = '''"""nbgrader configuration for case {case} (generated by `medialit case build`)."""

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "medialit-{case}"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.ExecutePreprocessor.timeout = 60

# Hidden tests leave the notebook before the student's kernel runs; each answer is scored in the grader.
from medialit.grading.nbgrader_steps import configure_nbgrader  # noqa: E402

configure_nbgrader(c)
'''


def build_case(folder: Path, *, out: Path | None = None) -> list[str]:
    """Write the course folder for the case in `folder`; returns the report's lines."""
    folder = folder.resolve()
    problems, _ = check_case(folder)
    if problems:
        raise KitError("the case has problems; nothing was built. Run `medialit case check` and fix:\n"
                       + "\n".join(problems))
    case = load_case(folder.name, root=folder.parent)
    if folder.parent != SEEDS_DIR:
        raise KitError(f"{folder}: build a case from the course's seeds/ folder ({SEEDS_DIR}), where the book's "
                       "pages and the notebooks' kernels load it; move the case folder there first.")
    out = (out or REPO / "courses" / case.name).resolve()
    private = read_graded(folder)
    files: dict[str, str] = {}
    has_check = (folder / "check.yaml").is_file()
    page_texts = pages(case, has_check)
    for name, text in page_texts.items():
        files[f"pages/{name}.md"] = text
    files["_config.yml"], files["_toc.yml"] = config(case, list(page_texts))
    for skill, name in PRACTICE_NOTEBOOKS.items():
        if any(i.skill == skill for i in case.practice_items):
            files[f"practice/{name}.ipynb"] = nbformat.writes(practice_notebook(case, skill)) + "\n"
    for skill, name in ASSIGNMENTS.items():
        entries = private.get(skill) or []
        if entries:
            files[f"solutions/{name}/{name}.ipynb"] = nbformat.writes(graded_notebook(case, skill, entries)) + "\n"
    files["nbgrader_config.py"] = NBGRADER_CONFIG.format(case=case.name)
    for name, text in files.items():
        if name.startswith(("pages/", "practice/", "_")) and "BEGIN HIDDEN TESTS" in text:
            raise KitError(f"{name}: would hold hidden tests outside solutions/; nothing was built.")
    staging = readable(Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=_parent(out))))
    try:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
        for generated in ("pages", "practice", "solutions", "_config.yml", "_toc.yml", "nbgrader_config.py"):
            target = out / generated
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        out.mkdir(parents=True, exist_ok=True)
        for item in staging.iterdir():
            item.rename(out / item.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [f"built {out}: {len(page_texts)} pages, "
            f"{sum(n.startswith('practice/') for n in files)} practice notebooks, "
            f"{sum(n.startswith('solutions/') for n in files)} graded source notebooks",
            f"next: jupyter-book build {out}   and, in {out}: nbgrader generate_assignment '*'"]


def _parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent


__all__ = ["build_case", "graded_notebook", "pages", "practice_notebook"]
