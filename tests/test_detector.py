"""medialit.detector: one definition (the committed lexicon equals a fresh export), fixed marks on the article's
own text, clear errors, and the JavaScript twin in medialit/widgets/detector_lab.js marking exactly the same spans
as Python on every paragraph (run with node)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from medialit import CASE, load_case
from medialit.detector import (
    DEFAULT_THRESHOLD,
    LEXICON_PATH,
    detect,
    detect_paragraphs,
    export_lexicon,
    load_lexicon,
    score_paragraphs,
    sentence_score,
)
from medialit.scoring import span_prf

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "medialit" / "widgets" / "detector_lab.js"
THRESHOLDS = (0.2, 0.3, 0.45, 0.5, 0.55, 0.7, 0.9, 1.0)


@pytest.fixture(scope="module")
def case():
    return load_case(CASE)


def spans_of(case, phrase_text: str, paragraph: int) -> tuple[int, int]:
    p = case.paragraph(paragraph)
    i = p.text.index(phrase_text)
    return (p.start + i, p.start + i + len(phrase_text))


def marked(marks, span) -> bool:
    return any(m.start < span[1] and span[0] < m.end for m in marks)


def test_committed_lexicon_is_a_fresh_export():
    # The data the site ships must be exactly what the pinned packages give; re-export if this fails.
    assert json.loads(LEXICON_PATH.read_text(encoding="utf-8")) == export_lexicon(), (
        "medialit/lexicons/detector_lexicon.json differs from the installed packages' lexicons: "
        "run `python -m medialit.detector export` and commit the file"
    )


def test_every_mark_explains_itself():
    marks = detect("The brutal massacre of innocent people was a terrible crime.")
    assert [m.text for m in marks] == ["brutal", "innocent", "terrible crime"]
    crime = marks[-1]
    assert {(h.entry, h.source) for h in crime.hits} >= {("terrible", "vader"), ("crime", "vader")}
    assert crime.strength == max(h.strength for h in crime.hits)
    vader_crime = next(h for h in crime.hits if h.entry == "crime" and h.source == "vader")
    assert vader_crime.strength == abs(load_lexicon()["words"]["vader"]["crime"]) / 4
    assert "terrible" in crime.explain() and "vader" in crime.explain()


def test_threshold_moves_marks():
    text = "The attack killed dozens and caused massive damage."
    low, high = detect(text, 0.2), detect(text, 0.9)
    assert len(high) < len(low)
    assert all(m.strength >= 0.9 for m in high)
    assert detect("", 0.5) == []


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, "0.5", True, float("nan"), None])
def test_bad_thresholds_are_clear_errors(bad):
    with pytest.raises(ValueError, match="threshold"):
        detect("a brutal attack", bad)


def test_graded_paragraphs_have_no_score():
    with pytest.raises(ValueError, match="practice paragraphs"):
        score_paragraphs(CASE, [13])


def test_score_is_span_prf_of_the_marks_against_the_key(case):
    numbers = case.practice_paragraphs("loaded_language")
    marks = detect_paragraphs(case, numbers)
    key = [p.span for p in case.loaded_language if p.paragraph in numbers]
    expected = span_prf([m.span for m in marks], key)
    got = score_paragraphs(case)
    assert (got.precision, got.recall, got.f1) == (expected.precision, expected.recall, expected.f1)
    assert 0 < got.f1 < 1


# The blind spots the lab chapter names, each on the article's own text at the default threshold.

def test_blind_spot_speaker(case):
    # Damascus's words in paragraph 2 are marked exactly as the writer's own would be: a mark has no speaker.
    marks = detect_paragraphs(case, [2])
    for phrase in ("war crime", "terrorism"):
        assert marked(marks, spans_of(case, phrase, 2)), phrase
    assert not hasattr(marks[0], "speaker")
    # ...while the writer's own "aggression" (paragraph 5) stays under the default threshold.
    aggression = spans_of(case, "aggression", 5)
    assert not marked(detect_paragraphs(case, [5]), aggression)
    assert marked(detect_paragraphs(case, [5], threshold=0.3), aggression)


def test_blind_spot_scare_quotes_and_attribution_verbs(case):
    marks = detect_paragraphs(case, [2, 3, 8])
    for text, paragraph in (("so-called", 8), ("“advisors”", 8), ("claimed to", 3), ("insisting", 2), ("allowed", 3)):
        assert not marked(marks, spans_of(case, text, paragraph)), text
    # ...while the adverb next to the verb is marked: "proudly" fires, "claimed" does not.
    assert marked(marks, spans_of(case, "proudly", 3))


def test_blind_spot_fact_words(case):
    # "killed" reports the event in paragraph 3; VADER scores it -3.5, so it is marked, and the key has no span there.
    marks = detect_paragraphs(case, [3])
    span = spans_of(case, "killed", 3)
    assert marked(marks, span)
    assert not any(p.start < span[1] and span[0] < p.end for p in case.loaded_language)


def test_blind_spot_omission():
    # The chapter's own pair (book/machine.md): naming the figure's source, or leaving it out, changes nothing.
    plain = ("US warplanes and artillery batteries carried out an attack that caused the deaths of up to 100 "
             "pro-government troops.")
    sourced = plain[:-1] + ", according to a US official speaking on condition of anonymity."
    assert plain in (ROOT / "book" / "machine.md").read_text(encoding="utf-8")
    assert sentence_score(plain) == sentence_score(sourced) > 0
    assert [m.text for m in detect(plain)] == [m.text for m in detect(sourced)] == ["attack"]


# Python and JavaScript: one definition, the same spans.

def run_node(script: str, tmp_path: Path) -> object:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; the tests need Node.js (see README.md)")
    module = tmp_path / "detector_lab.mjs"  # .mjs: node reads it as an ES module, as the browser does
    module.write_text(JS.read_text(encoding="utf-8"), encoding="utf-8")
    runner = tmp_path / "run.mjs"
    runner.write_text(script, encoding="utf-8")
    done = subprocess.run([node, str(runner)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_python_and_javascript_mark_the_same_spans(case, tmp_path):
    inputs = tmp_path / "inputs.json"
    paragraphs = [{"number": p.number, "start": p.start, "text": p.text} for p in case.paragraphs]
    # Texts a student might type in the rewrite box, with what the article lacks: hyphen-joined loaded words,
    # curly apostrophes, capitals, punctuation between marked words, non-ASCII letters.
    extras = ["A brutal-evil war-crime; terrible, horrible. Don’t HATE the killer’s cruel—vicious plan!",
              "Café naïve über-awful attack 😀 disaster - catastrophe", ""]
    paragraphs += [{"number": 0, "start": 0, "text": text} for text in extras]
    inputs.write_text(json.dumps({"paragraphs": paragraphs, "thresholds": THRESHOLDS}), encoding="utf-8")
    lexicon = LEXICON_PATH.as_posix()
    got = run_node(f"""
import {{ readFileSync }} from "node:fs";
import {{ detect, sentenceScore }} from "./detector_lab.mjs";
const words = JSON.parse(readFileSync({json.dumps(lexicon)}, "utf8")).words;
const inputs = JSON.parse(readFileSync("inputs.json", "utf8"));
const out = [];  // in the order of THRESHOLDS (JSON object keys would turn 1.0 into "1")
for (const t of inputs.thresholds) {{
  out.push(inputs.paragraphs.map((p) => detect(p.text, words, t, p.start).map((m) =>
    [m.start, m.end, m.text, m.strength, m.hits.map((h) => [h.source, h.entry, h.value, h.strength])])));
  out.push(inputs.paragraphs.map((p) => sentenceScore(p.text, words, t)));
}}
console.log(JSON.stringify(out));
""", tmp_path)
    total = 0
    texts = [*[p.text for p in case.paragraphs], *extras]
    for threshold, js_scores in zip(THRESHOLDS, got[1::2], strict=True):
        assert js_scores == [sentence_score(x, threshold) for x in texts], threshold  # the very same floats
    for threshold, js_marks in zip(THRESHOLDS, got[::2], strict=True):
        expected = [[[m.start, m.end, m.text, m.strength, [[h.source, h.entry, h.value, h.strength] for h in m.hits]]
                     for m in detect(p.text, threshold, p.start)] for p in [*case.paragraphs, *(type("P", (), {"text": x, "start": 0}) for x in extras)]]
        assert js_marks == expected, threshold
        total += sum(map(len, expected))
    assert len(case.paragraphs) == 24 and total > 100  # the comparison covered real marks, not empty lists


def test_javascript_span_scorer_matches_span_prf(tmp_path):
    cases = json.loads((ROOT / "tests" / "fixtures" / "span_cases.json").read_text(encoding="utf-8"))
    got = run_node("""
import { readFileSync } from "node:fs";
import { spanPrf } from "./detector_lab.mjs";
const cases = JSON.parse(readFileSync(process.argv[2] ?? "cases.json", "utf8"));
console.log(JSON.stringify(cases.map((c) => spanPrf(c.student, c.key))));
""".replace('process.argv[2] ?? "cases.json"', json.dumps((ROOT / "tests" / "fixtures" / "span_cases.json").as_posix())),
        tmp_path)
    assert len(got) == len(cases)
    for item, js in zip(cases, got):
        py = span_prf([tuple(s) for s in item["student"]], [tuple(s) for s in item["key"]])
        for name in ("precision", "recall", "f1"):
            assert js[name] == pytest.approx(getattr(py, name), abs=1e-9), (item["name"], name)


def test_default_threshold_is_the_middle():
    assert DEFAULT_THRESHOLD == 0.5
