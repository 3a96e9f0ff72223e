"""Load and validate a case: the canonical article plus its public practice annotations.

`load_case(name)` is the one loader for the book, the widgets, the exercises and the tests. Every file in
`seeds/<name>/` is checked against its JSON Schema (medialit/schemas/) and then against the article itself;
any problem raises `CaseDataError` naming the file, the record and the fix.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ._imports import import_jsonschema
from .article import Article, Paragraph, build_paragraphs
from .records import (
    LOADED,
    NOT_LOADED,
    SKILLS,
    Actor,
    Claim,
    Decision,
    Figure,
    LaterReport,
    LoadedPhrase,
    ModelAnswer,
    PracticeItem,
    PracticeMistake,
    PracticeOption,
    PracticePhrase,
    Reading,
    Statement,
)
from .scoring import phrases_to_spans
from .techniques import techniques as all_techniques

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
CASE_FILES = ("article", "provenance", "passages", "loaded_language", "claims", "statements", "practice", "decisions")

# Which case the course teaches is configuration, read only by `current_case()`: a case chosen in this process
# (`use_case`, which a generated notebook's setup cell calls with its own case id), else the environment variable,
# else `sphinx.config.medialit_case` in the book's _config.yml, else the case the course was written around.
CASE_ENV = "MEDIALIT_CASE"
CONFIG_FILE = SEEDS_DIR.parent / "_config.yml"
FALLBACK_CASE = "deir-ezzor-2018"  # only when neither the variable nor _config.yml names a case
CASE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_chosen: list[str] = []  # the case `use_case` chose in this process (at most one entry)


class CaseDataError(ValueError):
    """A case file is malformed or disagrees with the article. The message names file, record and fix."""

    def __init__(self, file: Path, record: str, problem: str, fix: str) -> None:
        self.file, self.record, self.problem, self.fix = file, record, problem, fix
        super().__init__(f"{file}: {record}: {problem} Fix: {fix}")


@dataclass(frozen=True)
class Case:
    name: str
    article: Article
    provenance: dict[str, Any]
    practice: dict[str, tuple[int, ...]]
    graded: dict[str, tuple[int, ...]]
    loaded_language: tuple[LoadedPhrase, ...]
    claims: tuple[Claim, ...]
    questions: dict[str, str]
    actors: tuple[Actor, ...]
    statements: tuple[Statement, ...]
    later_reports: tuple[LaterReport, ...]
    # Practice sets with a ladder of help (practice.yaml): the items, the notice shown on invented examples,
    # and each skill's title and one-line introduction.
    practice_items: tuple[PracticeItem, ...] = ()
    practice_notice: str = ""
    practice_skills: dict[str, dict[str, str]] = field(default_factory=dict)
    model_answers: tuple[ModelAnswer, ...] = ()  # to the Statement comparer's prompts
    # The Claim sorter's message for each kind of wrong answer (claims.yaml `mistakes`), by mistake id.
    claim_mistakes: dict[str, str] = field(default_factory=dict)
    # The Detector lab's starting sentence for its rewrite box (loaded_language.yaml `detector_rewrite`).
    detector_rewrite: str = ""
    # The decisions register (decisions.yaml): one decision per device, which every key is checked against.
    decisions: tuple[Decision, ...] = ()
    span_rule: str = ""
    rejected_reasons: tuple[tuple[str, str], ...] = ()  # (words no key's reason may use, what to say instead)
    _text: str = field(repr=False, default="")

    @property
    def text(self) -> str:
        """The canonical body text; every span in the course indexes this string."""
        return self._text

    def practice_item(self, item_id: str) -> PracticeItem:
        for item in self.practice_items:
            if item.id == item_id:
                return item
        known = ", ".join(i.id for i in self.practice_items)
        raise ValueError(f"There is no practice item {item_id!r}; the items are: {known}.")

    def practice_set(self, skill: str) -> tuple[PracticeItem, ...]:
        """The practice items of one skill, in the file's order."""
        items = tuple(i for i in self.practice_items if i.skill == skill)
        if not items:
            known = ", ".join(self.practice_skills)
            raise ValueError(f"There is no practice set for {skill!r}; the practice sets are: {known}.")
        return items

    def decision(self, decision_id: str) -> Decision:
        for entry in self.decisions:
            if entry.id == decision_id:
                return entry
        known = ", ".join(d.id for d in self.decisions)
        raise ValueError(f"There is no decision {decision_id!r} in decisions.yaml; the decisions are: {known}.")

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self.article.paragraphs

    def paragraph(self, number: int) -> Paragraph:
        return self.article.paragraph(number)

    def practice_paragraphs(self, skill: str) -> tuple[int, ...]:
        return self.practice.get(_check_skill(skill), ())

    def graded_paragraphs(self, skill: str) -> tuple[int, ...]:
        return self.graded.get(_check_skill(skill), ())

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        known = ", ".join(a.id for a in self.actors)
        raise ValueError(f"Unknown actor {actor_id!r}; the actors are: {known}.")

    def speaker_name(self, speaker_id: str) -> str:
        """A display name for a record's speaker or source ("author" included)."""
        return self.actor(speaker_id).name


def _check_skill(skill: str) -> str:
    if skill not in SKILLS:
        raise ValueError(f"Unknown skill {skill!r}; choose one of: {', '.join(SKILLS)}.")
    return skill


class _DatesAsTextLoader(yaml.SafeLoader):
    """Keeps 2018-02-09 as text so the JSON Schema sees what the author wrote; we parse dates ourselves."""


_DatesAsTextLoader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_case_file(path: Path) -> dict[str, Any]:
    """One YAML file of a case, parsed (CaseDataError names the file and the fix when it is missing or bad)."""
    if not path.is_file():
        raise CaseDataError(path, "file", "is missing.", f"create it (see the other cases in {SEEDS_DIR}).")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsTextLoader)
    except yaml.YAMLError as error:
        raise CaseDataError(path, "file", f"is not valid YAML ({error}).", "correct the YAML syntax.") from None
    if not isinstance(data, dict):
        raise CaseDataError(path, "file", "must be a mapping at the top level.", "start the file with `schema: ...`.")
    return data


@lru_cache(maxsize=None)
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def _record_label(data: dict[str, Any], path: list[Any]) -> str:
    """'phrases[3] (id ll-04)' for a schema error deep in a list of records."""
    if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int):
        items = data.get(path[0])
        label = f"{path[0]}[{path[1]}]"
        if isinstance(items, list) and path[1] < len(items) and isinstance(items[path[1]], dict):
            record_id = items[path[1]].get("id")
            if record_id is not None:
                label += f" (id {record_id})"
        rest = path[2:]
        return label + ("" if not rest else " field " + ".".join(str(p) for p in rest))
    return "field " + ".".join(str(p) for p in path) if path else "top level"


def validate_schema(path: Path, data: dict[str, Any], schema_name: str) -> None:
    """Check `data` (read from `path`) against medialit/schemas/<schema_name>.schema.json, or raise CaseDataError."""
    validator = import_jsonschema().Draft202012Validator(_schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        where = _record_label(data, list(error.absolute_path))
        allowed = error.schema.get("enum") if isinstance(error.schema, dict) else None
        fix = (
            f"use one of: {', '.join(map(str, allowed))}."
            if allowed
            else f"make it match medialit/schemas/{schema_name}.schema.json."
        )
        raise CaseDataError(path, where, f"{error.message}.", fix)


def _check_unique_ids(path: Path, records: list[dict[str, Any]], kind: str) -> None:
    seen: set[str] = set()
    for record in records:
        if record["id"] in seen:
            raise CaseDataError(path, f"{kind} id {record['id']}", "is used twice.", "give every record its own id.")
        seen.add(record["id"])


def _check_span(path: Path, record: dict[str, Any], article: Article, text: str) -> None:
    label, start, end = f"record {record['id']}", record["start"], record["end"]
    if start >= end:
        problem = "is empty" if start == end else "is inverted"
        raise CaseDataError(
            path, label, f"span [{start}, {end}) {problem}.", "end must be greater than start (spans are [start, end))."
        )
    if end > len(text):
        raise CaseDataError(
            path, label, f"span [{start}, {end}) ends past the article (length {len(text)}).",
            "recompute the offsets with `python -m medialit.tooling.locate`.",
        )
    actual = text[start:end]
    if actual != record["text"]:
        raise CaseDataError(
            path, label, f"text {record['text']!r} does not match the article at [{start}, {end}), which reads {actual!r}.",
            "recompute the offsets with `python -m medialit.tooling.locate <paragraph> \"<phrase>\"`.",
        )
    paragraph = article.paragraph(record["paragraph"]) if record["paragraph"] <= len(article.paragraphs) else None
    if paragraph is None or not (paragraph.start <= start and end <= paragraph.end):
        raise CaseDataError(
            path, label, f"span [{start}, {end}) is not inside paragraph {record['paragraph']}.",
            "set `paragraph` to the paragraph that contains the phrase.",
        )


def _parse_date(value: str | None, path: Path, label: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CaseDataError(path, label, f"{value!r} is not a real date.", "write it as YYYY-MM-DD.") from None


def _required_date(value: str, path: Path, label: str) -> date:
    """A date the schema requires (so never None here)."""
    parsed = _parse_date(value, path, label)
    if parsed is None:
        raise CaseDataError(path, label, "the date is missing.", "write it as YYYY-MM-DD.")
    return parsed


def _figure(raw: dict[str, Any] | None, path: Path, label: str) -> Figure | None:
    if raw is None:
        return None
    low, high = raw["low"], raw["high"]
    if low is None and high is None:
        raise CaseDataError(path, label, "figure has neither bound.", "give low, high or both (null for an open end).")
    if low is not None and high is not None and low > high:
        raise CaseDataError(path, label, f"figure low {low} is above high {high}.", "swap or correct the bounds.")
    return Figure(raw["kind"], raw["side"], low, high, raw["label"], raw.get("reading"))


def _load_article(folder: Path) -> Article:
    path = folder / "article.yaml"
    data = read_case_file(path)
    validate_schema(path, data, "article")
    return Article(
        title=data["title"],
        author=data["author"],
        date=_required_date(data["date"], path, "field date"),
        outlet=data["outlet"],
        outlet_url=data.get("outlet_url"),
        paragraphs=build_paragraphs(data["paragraphs"]),
        repairs=tuple(data["repairs"]),
    )


def _load_passages(folder: Path, article: Article) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    path = folder / "passages.yaml"
    data = read_case_file(path)
    validate_schema(path, data, "passages")
    practice = {skill: tuple(numbers) for skill, numbers in data["practice"].items()}
    graded = {skill: tuple(numbers) for skill, numbers in data["graded"].items()}
    for group_name, group in (("practice", practice), ("graded", graded)):
        for skill, numbers in group.items():
            for number in numbers:
                if number > len(article.paragraphs):
                    raise CaseDataError(
                        path, f"{group_name}.{skill}", f"paragraph {number} does not exist.",
                        f"use paragraph numbers 1 to {len(article.paragraphs)}.",
                    )
    all_practice = {n for numbers in practice.values() for n in numbers}
    for skill, numbers in graded.items():
        clash = sorted(set(numbers) & all_practice)
        if clash:
            raise CaseDataError(
                path, f"graded.{skill}", f"paragraphs {clash} are also practice paragraphs.",
                "graded passages must differ from practice passages: move them to one list only.",
            )
    return practice, graded


def _load_annotations(
    folder: Path, file_stem: str, list_key: str, article: Article, text: str,
    practice: tuple[int, ...], graded: dict[str, tuple[int, ...]], speakers: set[str], speaker_field: str,
) -> list[dict[str, Any]]:
    path = folder / f"{file_stem}.yaml"
    data = read_case_file(path)
    validate_schema(path, data, file_stem)
    records = data[list_key]
    _check_unique_ids(path, records, list_key)
    graded_anywhere = {n for numbers in graded.values() for n in numbers}
    for record in records:
        _check_span(path, record, article, text)
        label = f"record {record['id']}"
        if record["paragraph"] in graded_anywhere:
            raise CaseDataError(
                path, label, f"sits in paragraph {record['paragraph']}, which is kept for graded exercises.",
                "graded keys belong only in hidden tests in solutions/: remove this record.",
            )
        if record["paragraph"] not in practice:
            raise CaseDataError(
                path, label, f"paragraph {record['paragraph']} is not a practice paragraph for this skill.",
                "add the paragraph to passages.yaml practice list, or move the record.",
            )
        if record[speaker_field] not in speakers:
            raise CaseDataError(
                path, label, f"{speaker_field} {record[speaker_field]!r} is not a known actor.",
                f"use one of: {', '.join(sorted(speakers))} (actors are listed in statements.yaml).",
            )
    return records


def _loaded_phrase(path: Path, record: dict[str, Any]) -> LoadedPhrase:
    """A phrase record, with its contested readings (``also_accepted``) as :class:`Reading` values."""
    fields = dict(record)
    readings = tuple(Reading(r["technique"], r["reason"]) for r in fields.pop("also_accepted", ()))
    techniques = [fields["technique"], *(r.technique for r in readings)]
    if len(set(techniques)) != len(techniques):
        raise CaseDataError(path, f"record {fields['id']}", f"accepts a technique twice: {', '.join(techniques)}.",
                            "list each accepted technique once: the key's in `technique`, others in `also_accepted`.")
    return LoadedPhrase(**fields, also_accepted=readings)


def _claim(path: Path, record: dict[str, Any]) -> Claim:
    """A claim record; each of its notes must be for a mistake a student can make on this claim."""
    fields = dict(record)
    notes = tuple(fields.pop("notes", {}).items())
    verb_key = "verb" if fields["reporting_verb"] is not None else "none"
    possible = {"verb-near-miss": "verb", "verb-in-claim": "verb", "verb-missing": "verb", "verb-not-attributing": "none"}
    for mistake, _ in notes:
        if mistake.startswith("verb-"):
            fits = possible[mistake] == verb_key
            why = ("the key has a reporting verb" if verb_key == "verb" else "the key has no reporting verb")
        else:
            key_label = mistake.split("-for-")[1]
            fits = key_label in (fields["attribution"], fields["kind"])
            why = f"the key's labels are {fields['attribution']} and {fields['kind']}"
        if not fits:
            raise CaseDataError(path, f"record {fields['id']}", f"has a note for {mistake!r}, a mistake no one can "
                                f"make on this claim ({why}).", "remove the note, or key it to a mistake this claim allows.")
    return Claim(**fields, notes=notes)


def _load_statements(folder: Path, article: Article) -> tuple[dict[str, str], tuple[Actor, ...], tuple[Statement, ...], tuple[LaterReport, ...], tuple[ModelAnswer, ...]]:
    path = folder / "statements.yaml"
    data = read_case_file(path)
    validate_schema(path, data, "statements")
    _check_unique_ids(path, data["actors"], "actors")
    _check_unique_ids(path, data["statements"], "statements")
    actors = tuple(Actor(a["id"], a["name"], a["role"]) for a in data["actors"])
    actor_ids = {a.id for a in actors}
    statements = []
    for raw in data["statements"]:
        label = f"record {raw['id']}"
        if raw["actor"] not in actor_ids:
            raise CaseDataError(path, label, f"actor {raw['actor']!r} is not listed under actors.",
                                f"use one of: {', '.join(sorted(actor_ids))}.")
        if raw["question"] not in data["questions"]:
            raise CaseDataError(path, label, f"question {raw['question']!r} is not listed under questions.",
                                f"use one of: {', '.join(data['questions'])}, or add it to questions.")
        number = raw.get("paragraph")
        if raw["verbatim"]:
            if number is None:
                raise CaseDataError(path, label, "is marked verbatim but names no paragraph.",
                                    "give the paragraph the words are quoted from, or set verbatim: false.")
            if raw["words"] not in article.paragraph(number).text:
                raise CaseDataError(path, label, f"words {raw['words']!r} do not occur in paragraph {number}.",
                                    "copy the words exactly from the canonical article (quotation marks included).")
        statements.append(Statement(
            id=raw["id"], actor=raw["actor"], question=raw["question"], paragraph=number, words=raw["words"],
            verbatim=raw["verbatim"], date=_parse_date(raw["date"], path, label), date_note=raw.get("date_note"),
            source_note=raw["source_note"], figure=_figure(raw["figure"], path, label), article_use=raw["article_use"],
        ))
    reports = tuple(
        LaterReport(_required_date(r["date"], path, f"later_reports[{i}]"), r["who"], r["what"], r["reported_by"],
                    _figure(r["figure"], path, f"later_reports[{i}]"))
        for i, r in enumerate(data["later_reports"])
    )
    models = tuple(ModelAnswer(m["prompt"], tuple(m["rubric"]), m["answer"], m.get("works_on"))
                   for m in data.get("model_answers", ()))
    prompts = [m.prompt for m in models]
    repeated = sorted({p for p in prompts if prompts.count(p) > 1})
    if repeated:
        raise CaseDataError(path, f"model_answers for prompt {repeated[0]!r}", "appears more than once.",
                            "give each prompt one model answer; merge the two entries.")
    return dict(data["questions"]), actors, tuple(statements), reports, models


def _configured_case() -> str | None:
    if not CONFIG_FILE.is_file():
        return None
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8")) or {}
    value = ((config.get("sphinx") or {}).get("config") or {}).get("medialit_case")
    return value if isinstance(value, str) and value else None


def current_case() -> str:
    """The id of the case the course teaches: the one place the engine learns it (see CASE_ENV above)."""
    if _chosen:
        return _chosen[0]
    name = os.environ.get(CASE_ENV) or _configured_case() or FALLBACK_CASE
    if not re.match(CASE_ID_PATTERN, name):
        raise ValueError(f"{CASE_ENV} or _config.yml's medialit_case is {name!r}, which is not a case id: "
                         "use the name of a folder in seeds/ (lower-case letters, digits and hyphens).")
    return name


def use_case(name: str) -> Case:
    """Load case `name` and make it this process's case (the generated notebooks' setup cells call this)."""
    case = load_case(name)
    _chosen[:] = [name]
    return case


def load_case(name: str, *, root: Path | str | None = None) -> Case:
    """Load, validate and return the case `seeds/<name>/` (or `<root>/<name>/`)."""
    if not isinstance(name, str) or not name:
        raise ValueError("load_case needs the case name as a string, e.g. load_case('deir-ezzor-2018').")
    return _load_case_cached(name, str(Path(root).resolve()) if root is not None else str(SEEDS_DIR))


def _practice_options(path: Path, label: str, raw: dict[str, Any]) -> tuple[PracticeOption, ...]:
    if raw.get("options_from") == "techniques":
        return tuple(PracticeOption(t.label, t.name) for t in all_techniques() if t.in_course)
    options = tuple(PracticeOption(o["value"], o["label"]) for o in raw["options"])
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        raise CaseDataError(path, label, f"lists an option value twice: {', '.join(values)}.",
                            "give every option its own value.")
    return options


def _load_practice(
    folder: Path, article: Article, text: str,
    practice: dict[str, tuple[int, ...]], graded: dict[str, tuple[int, ...]],
) -> tuple[str, dict[str, dict[str, str]], tuple[PracticeItem, ...]]:
    """practice.yaml: items on free paragraphs (neither graded nor practice-keyed) or invented examples."""
    path = folder / "practice.yaml"
    data = read_case_file(path)
    validate_schema(path, data, "practice")
    _check_unique_ids(path, data["items"], "items")
    keyed = {n for numbers in practice.values() for n in numbers}
    kept = {n for numbers in graded.values() for n in numbers}
    items = []
    for raw in data["items"]:
        label = f"record {raw['id']}"
        passage = raw.get("passage")
        if passage is not None:
            number = passage["paragraph"]
            if number in kept:
                raise CaseDataError(path, label, f"quotes paragraph {number}, which is kept for graded exercises.",
                                    "graded passages never appear in practice: choose a free paragraph or an invented example.")
            if number in keyed:
                raise CaseDataError(path, label, f"quotes paragraph {number}, which already has a practice key.",
                                    "practice sets use paragraphs that are neither graded nor practice-keyed "
                                    "(see passages.yaml), or invented examples.")
            _check_span(path, {"id": raw["id"], **passage}, article, text)
            shown = passage["text"]
        else:
            shown = raw["text"]
        options = _practice_options(path, label, raw) if raw["answer_type"] == "choose" else ()
        values = {o.value for o in options}
        accepted = tuple((a["answer"], a["why"]) for a in raw.get("accepted", ()))
        for answer, _ in accepted:
            if answer not in values:
                raise CaseDataError(path, label, f"accepts {answer!r}, which is not one of its options.",
                                    f"use one of: {', '.join(sorted(values))}.")
        if len({a for a, _ in accepted}) != len(accepted):
            raise CaseDataError(path, label, "accepts an answer twice.", "list each accepted answer once.")
        phrases = []
        for phrase in raw.get("phrases", ()):
            try:
                phrases_to_spans([phrase["text"]], shown, where=f"the passage of {raw['id']}")
            except ValueError as error:
                raise CaseDataError(path, label, f"phrase: {error}.",
                                    "copy each phrase exactly from the passage, once.") from None
            accepted_labels = {True: (LOADED,), False: (NOT_LOADED,), "either": (LOADED, NOT_LOADED)}[phrase["loaded"]]
            phrases.append(PracticePhrase(phrase["text"], accepted_labels, phrase["why"]))
        if phrases and len({p.text for p in phrases}) != len(phrases):
            raise CaseDataError(path, label, "lists a phrase twice.", "list each phrase once.")
        by_text = {p.text: p for p in phrases}
        mistakes = []
        for entry in raw["mistakes"]:
            kind = next(k for k in ("chose", "marked", "missed") if k in entry)
            value = entry[kind]
            if kind == "chose" and (raw["answer_type"] != "choose" or value not in values):
                raise CaseDataError(path, label, f"has a hint for choosing {value!r}, which is not one of its options.",
                                    f"use one of: {', '.join(sorted(values)) or '(a choose item only)'}.")
            if kind == "chose" and value in {a for a, _ in accepted}:
                raise CaseDataError(path, label, f"has a mistake hint for {value!r}, an accepted answer.",
                                    "hints are for wrong answers: remove it or stop accepting the answer.")
            if kind in ("marked", "missed"):
                phrase = by_text.get(value)
                if phrase is None:
                    raise CaseDataError(path, label, f"has a hint for the phrase {value!r}, which it does not list.",
                                        "name one of the item's phrases exactly.")
                # Marking a phrase reads it as loaded, leaving it unmarked as not loaded: a mistake only if the
                # item does not accept that reading.
                reading = LOADED if kind == "marked" else NOT_LOADED
                if reading in phrase.accepted:
                    raise CaseDataError(path, label, f"calls it a mistake to have {kind} {value!r}, "
                                        "which the item accepts.", "aim mistake hints at wrong answers only.")
            mistakes.append(PracticeMistake(kind, value, entry["hint"]))
        items.append(PracticeItem(
            id=raw["id"], skill=raw["skill"], question=raw["question"], answer_type=raw["answer_type"], text=shown,
            paragraph=passage["paragraph"] if passage else None, invented=passage is None, options=options,
            accepted=accepted, phrases=tuple(phrases), mistakes=tuple(mistakes), hint=raw["hint"],
            bigger_hint=raw["bigger_hint"], answer=raw["answer"],
        ))
    return data["invented_notice"], {k: dict(v) for k, v in data["skills"].items()}, tuple(items)


def _load_decisions(folder: Path, public_ids: set[str]) -> tuple[tuple[Decision, ...], str, tuple[tuple[str, str], ...]]:
    """decisions.yaml: the register of decisions; each example must be a public record that exists.

    A case without the file (a new case, before its editor has decided anything) has an empty register."""
    path = folder / "decisions.yaml"
    if not path.is_file():
        return (), "", ()
    data = read_case_file(path)
    validate_schema(path, data, "decisions")
    _check_unique_ids(path, data["devices"], "devices")
    owners: dict[tuple[str, str], str] = {}
    entries = []
    for raw in data["devices"]:
        label = f"device {raw['id']}"
        for example in raw.get("examples", ()):
            if example not in public_ids:
                raise CaseDataError(path, label, f"example {example!r} is not a public record of this case.",
                                    "name an id from loaded_language.yaml, claims.yaml or practice.yaml "
                                    "(graded keys name their decision in their own hidden test).")
        for word in raw.get("words", ()):
            other = owners.setdefault((raw["skill"], word.casefold()), raw["id"])
            if other != raw["id"]:
                raise CaseDataError(path, label, f"the word {word!r} is already listed under {other!r}.",
                                    "give each word one device: merge the two entries or drop the word from one.")
        fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
        entries.append(Decision(**fields))
    rejected = tuple((r["words"], r["instead"]) for r in data["rejected_reasons"])
    return tuple(entries), data["span_rule"], rejected


@lru_cache(maxsize=8)
def _load_case_cached(name: str, root: str) -> Case:
    folder = Path(root) / name
    if not folder.is_dir():
        known = sorted(p.name for p in Path(root).iterdir() if p.is_dir()) if Path(root).is_dir() else []
        raise ValueError(f"No case {name!r} in {root}. Known cases: {', '.join(known) or 'none'}.")
    article = _load_article(folder)
    text = article.text
    provenance_path = folder / "provenance.yaml"
    provenance = read_case_file(provenance_path)
    validate_schema(provenance_path, provenance, "provenance")
    practice, graded = _load_passages(folder, article)
    questions, actors, statements, later_reports, model_answers = _load_statements(folder, article)
    speakers = {a.id for a in actors} | {"author"}
    phrases = _load_annotations(folder, "loaded_language", "phrases", article, text,
                                practice.get("loaded_language", ()), graded, speakers, "speaker")
    claims = _load_annotations(folder, "claims", "claims", article, text,
                               practice.get("claims", ()), graded, speakers, "source")
    notice, skills, practice_items = _load_practice(folder, article, text, practice, graded)
    claim_mistakes = read_case_file(folder / "claims.yaml")["mistakes"]
    public_ids = {r["id"] for r in phrases} | {r["id"] for r in claims} | {i.id for i in practice_items}
    decisions, span_rule, rejected = _load_decisions(folder, public_ids)
    return Case(
        name=name, article=article, provenance=provenance, practice=practice, graded=graded,
        practice_items=practice_items, practice_notice=notice, practice_skills=skills,
        loaded_language=tuple(_loaded_phrase(folder / "loaded_language.yaml", r) for r in phrases),
        claims=tuple(_claim(folder / "claims.yaml", r) for r in claims),
        questions=questions, actors=actors, statements=statements, later_reports=later_reports,
        model_answers=model_answers, claim_mistakes=dict(claim_mistakes),
        detector_rewrite=read_case_file(folder / "loaded_language.yaml").get("detector_rewrite", ""), decisions=decisions,
        span_rule=span_rule, rejected_reasons=rejected, _text=text,
    )
