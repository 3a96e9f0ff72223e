"""No graded answer is released: not in exercises/, seeds/, the medialit package, or the built site.

The keys are read from where they live, the hidden-test regions of solutions/ (the literal spec of each
``grading.award(task, spec)`` call) and the instructors' rubric cells (the sample answers). Each becomes
one or more *records* to search for. The article itself is public and appears on the site (the article
page shows every paragraph), so a bare key phrase such as "carve out" proves nothing by itself being
there. The scan is designed around that:

* Records that never occur in the article are searched everywhere, after normalising case, quotes, HTML
  tags and entities, JSON string escapes and whitespace: the explanation written for every key item
  ("why"), every rubric sample answer, the character offsets of every key span (as ``[start, end]`` or
  ``"start": s, "end": e``), every label record written as data (``"p18-a": "Loaded_Language"``,
  ``"claim-6a": {"attribution": ...``, ``"lowest_killed": 20``), and every key phrase within 200
  characters of its technique label spelt as in the key (``Loaded_Language``).
* Key phrases of the span tasks are also searched as text, in the human-readable files (HTML pages,
  notebooks, Markdown, YAML). An occurrence counts as a leak unless it is part of a longer verbatim
  quotation of the article (the three words before or the three words after it continue the article's
  text), because that is how the article page, `show(13)` and claim lists legitimately contain them.
  Limit: a leak that quotes the phrase together with three article words around it is not caught by
  this part; the records above still catch a key copied as data.

The built site must exist (``bash scripts/setup`` builds it); the test fails, rather than skips, without it.
"""
from __future__ import annotations

import pytest

from medialit import CASE, load_case
from medialit.detector import load_lexicon

from support.key_scan import (
    PAGE_SUFFIXES,
    REPO,
    SITE,
    article_sentences,
    key_records,
    normalise,
    read_normalised,
    released_files,
    scan_text,
)


def test_the_site_has_been_built() -> None:
    assert (SITE / "index.html").is_file(), (
        f"{SITE} does not exist: build the site with `bash scripts/setup` (this check must not be skipped)."
    )


def test_every_assignment_has_key_records_to_scan_for() -> None:
    from medialit.assessment.forms import ASSIGNMENTS as CHECK_FORMS

    records = key_records()
    assert set(records) == {"loaded-language", "sourcing", "statements", "machine", "capstone", *CHECK_FORMS.values()}
    # The check's forms are graded for taking part: their hidden tests hold no key, so there is nothing to scan for.
    assert all(records.pop(name) == [] for name in CHECK_FORMS.values())
    for name, found in records.items():
        kinds = {r.what.split(":")[0] for r in found}
        assert len(found) >= 10, f"{name}: only {len(found)} key records; is the hidden-test parser broken?"
        assert any(r.what.startswith("rubric sample") for r in found), f"{name}: no rubric samples found"
        assert kinds, name


def test_a_lexicon_entry_is_not_a_leak_but_the_same_word_elsewhere_is() -> None:
    article = article_sentences()
    words = load_lexicon()["words"]
    # A single-word key phrase that the lexicon rates (there are such words: the scan of the site relies on it).
    phrase = next(r for found in key_records().values() for r in found
                  if r.bare_phrase and " " not in r.needle and r.needle in words["vader"])
    value = words["vader"][phrase.needle]
    entry = f'<script>{{"words": {{"vader": {{"abandon": -1.9, "{phrase.needle}": {value}}}, "textblob": {{}}}}}}</script>'
    assert not scan_text(entry, [phrase], page=True, article=article)
    assert scan_text(entry + f"<p>Mark {phrase.needle} here.</p>", [phrase], page=True, article=article)
    assert scan_text(f'<p>"{phrase.needle}": is the answer</p>', [phrase], page=True, article=article)
    # The word as a key with any other number (a count, a score) is not the lexicon's entry, and is checked.
    assert scan_text(f'<script>{{"{phrase.needle}": {value + 0.25}}}</script>', [phrase], page=True, article=article)


def test_the_scanner_finds_a_planted_key() -> None:
    """Without this, a scanner that never matches would pass the real scan."""
    article = article_sentences()
    records = [r for found in key_records().values() for r in found]
    phrase_records = [r for r in records if r.bare_phrase]
    label_records = [r for r in records if r.label]
    compact_records = [r for r in records if r.compact]
    prose = [r for r in records if not r.compact and not r.label and not r.bare_phrase]
    planted = normalise(
        f"<p>The key: “{phrase_records[0].needle}” is {label_records[0].label}.</p>"
        f"<script>{{{compact_records[0].needle}}}</script><p>{prose[0].needle}</p>", markup=True)
    hits = scan_text(planted, records, page=True, article=article)
    for record in (phrase_records[0], label_records[0], compact_records[0], prose[0]):
        assert any(h.startswith(record.what) for h in hits), f"planted {record.what!r} was not found"
    # ...and a verbatim quotation of the article is not a leak.
    quote = normalise(load_case(CASE).paragraph(13).text)
    assert not scan_text(quote, [r for r in records if r.bare_phrase], page=True, article=article)


def test_contested_readings_are_key_records() -> None:
    """Every accepted answer of a contested item, and the case for it, is searched for like any key."""
    records = [r for found in key_records().values() for r in found]
    readings = [r for r in records if " accepts " in r.what or ": the case for " in r.what]
    assert len([r for r in readings if ": the case for " in r.what]) >= 8, "contested readings not read"
    article = article_sentences()
    for record in readings:
        planted = normalise("<pre>" + ("{" + record.needle + "}" if record.compact else record.needle) + "</pre>",
                            markup=True)
        assert any(h.startswith(record.what) for h in scan_text(planted, records, page=True, article=article)), \
            f"planted {record.what!r} was not found"


def test_no_key_record_is_released() -> None:
    assert (SITE / "index.html").is_file(), f"{SITE} is missing: run `bash scripts/setup` first."
    article = article_sentences()
    records = [r for found in key_records().values() for r in found]
    leaks = []
    files = released_files()
    assert any(p.is_relative_to(REPO / "exercises") for p in files), "exercises/ is empty"
    for path in files:
        text = read_normalised(path)
        if text is None:
            continue
        page = path.suffix in PAGE_SUFFIXES
        for hit in scan_text(text, records, page=page, article=article):
            leaks.append(f"{path.relative_to(REPO)}: {hit}")
    assert not leaks, "graded keys found in released files:\n" + "\n".join(sorted(set(leaks)))


@pytest.mark.parametrize("marker", ["BEGIN HIDDEN TESTS", "grading.award(", "Rubric (instructors only"])
def test_exercises_carry_no_hidden_tests_or_rubrics(marker: str) -> None:
    looped = list(sorted((REPO / "exercises").rglob("*.ipynb")))
    assert looped, "nothing to check: sorted((REPO / 'exercises').rglob('*.ipynb')) is empty"
    for path in looped:
        assert marker not in path.read_text(encoding="utf-8"), f"{path.relative_to(REPO)} contains {marker!r}"
