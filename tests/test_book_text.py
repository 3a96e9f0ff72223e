"""The book's text, checked from its Markdown sources (no build needed).

(a) Accuracy: every {article}`...` quotation, and every block quote that reproduces the article, is verbatim in the
    canonical text; a plain quoted string of five or more words that copies the article must use the role; no
    quotation comes only from a graded paragraph (the book does not analyse those).
(b) Balance: the book's own prose uses none of the key's loaded phrases. "Own prose" is everything except
    {article} quotations, code (cells, fenced blocks), front matter, HTML comments and block quotes. Block quotes
    are left out because the book uses them for the article and for sample student answers, which may quote
    loaded words on purpose; a block quote that copies the article with differences still fails (a).
(c) No chapter links to, includes or reads a file in solutions/.
(d) The toc lists every chapter in the agreed order; skill chapters have objectives at the top, a worked example,
    practice, a reflection and a pointer to their graded exercise.
(e) Every chapter is a MyST Markdown notebook (jupytext front matter, kernel python3).
(f) The references page names every outlet the course's facts come from, and the teaching references.
(g) The {article} Sphinx role itself renders a quotation and fails a -W build on a misquotation.

Every failure names the file, the line and the phrase, and says what to change.
"""
from __future__ import annotations

import bisect
import difflib
import re
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml

from medialit import CASE, load_case
from medialit.tooling.book_roles import check_quotation, explain_mismatch

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
TOC = ROOT / "_toc.yml"

# The agreed order of the book (common.md); a chapter appears in the toc once its file exists.
CHAPTER_ORDER = (
    "intro", "check", "article", "loaded-language", "sourcing", "statements", "practice", "machine", "capstone", "my-work", "instructors", "glossary", "guidelines", "references",
)
# Skill chapter -> (nbgrader assignment, widget the practice uses or None).
SKILL_CHAPTERS = {
    "loaded-language": ("loaded-language", "Highlighter"),
    "sourcing": ("sourcing", "ClaimSorter"),
    "statements": ("statements", "StatementComparer"),
    "capstone": ("capstone", None),
}
# Quoted strings of this many words or more that copy the article must use the {article} role. Shorter ones are
# often plain English that the article happens to contain ("claimed the lives of", as an idiom), not quotations.
QUOTE_MIN_WORDS = 5
# A block quote this close to an article paragraph but not verbatim is a misquotation: the share of its characters
# in runs of NEAR_MISS_RUN or more that the paragraph shares. Neutral rewrites in the book score up to about 0.86;
# a copy with a typo or a changed word scores 0.97 or more.
NEAR_MISS = 0.95
NEAR_MISS_RUN = 5

_LOOKALIKES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u2014": "-", "\u2013": "-",
})
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*)$")
# Fenced blocks whose content is code or raw output, not prose.
_CODE_DIRECTIVES = {"code-cell", "code", "code-block", "sourcecode", "literalinclude", "raw", "eval-rst", "math"}
_ROLE = re.compile(r"\{article\}(?P<ticks>`+)(?P<words>.+?)(?P=ticks)", re.DOTALL)
_ANY_ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}(?P<ticks>`+)(?P<body>.+?)(?P=ticks)", re.DOTALL)
_ATTRIBUTION = re.compile(r"^\s*(?:[\u2014\u2013-]+\s*(?:the article|paragraph)|\(paragraph\s+\d+\)\s*$)", re.IGNORECASE)


def fold(text: str) -> str:
    """Case, quotation-mark, dash and whitespace differences removed: for near-miss and phrase matching."""
    return re.sub(r"\s+", " ", text.translate(_LOOKALIKES)).lower()


@cache
def case():
    return load_case(CASE)


@cache
def graded_paragraphs() -> frozenset[int]:
    return frozenset(n for skill in ("loaded_language", "claims", "capstone") for n in case().graded_paragraphs(skill))


def chapter_files() -> list[Path]:
    return sorted(BOOK.glob("*.md"))


@dataclass
class BlockQuote:
    line: int
    text: str  # the quote's text, lines joined with spaces, attribution removed
    raw_span: tuple[int, int]  # offsets of the quote in the file
    attributed: bool  # ends with "— paragraph N" or "(paragraph N)"
    has_role: bool


@dataclass
class Chapter:
    """A chapter split into what the reader sees as the book's words and what is code, quotation or markup."""

    path: Path
    text: str
    markdown: str = ""  # the file with code, front matter and comments blanked out (offsets kept)
    code: list[tuple[int, str]] = field(default_factory=list)  # (line, code line)
    quotes: list[BlockQuote] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"book/{self.path.name}"

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def roles(self) -> list[tuple[int, str, tuple[int, int]]]:
        """(line, normalised words, span) of every {article} quotation outside code."""
        return [
            (self.line(m.start()), re.sub(r"\s+", " ", m.group("words")).strip(), m.span())
            for m in _ROLE.finditer(self.markdown)
        ]


def _blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] with spaces, keeping newlines so offsets and line numbers stay the same."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


@cache
def parse(path: Path) -> Chapter:
    text = path.read_text(encoding="utf-8")
    chapter = Chapter(path, text)
    lines = text.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    chapter._line_starts = starts
    markdown = text

    index = 0
    if lines and lines[0].strip() == "---":  # jupytext front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        assert end is not None, f"{chapter.name}:1: front matter opened with --- is never closed."
        markdown = _blank(markdown, 0, starts[end] + len(lines[end]))
        index = end + 1

    # Fences: code fences are blanked; directive fences keep their content as prose but lose their markup line.
    stack: list[tuple[str, int, bool]] = []  # (fence char, fence length, is code)
    while index < len(lines):
        line = lines[index]
        in_code = bool(stack) and stack[-1][2]
        match = _FENCE.match(line)
        if stack and match and match.group("fence")[0] == stack[-1][0] and len(match.group("fence")) >= stack[-1][1] \
                and not match.group("info").strip():
            stack.pop()
            markdown = _blank(markdown, starts[index], starts[index] + len(line))
        elif match and not in_code:
            fence, info = match.group("fence"), match.group("info").strip()
            directive = re.match(r"\{([\w:.-]+)\}\s*(.*)", info)
            is_code = fence[0] != ":" and (directive is None or directive.group(1) in _CODE_DIRECTIVES)
            if directive is not None and directive.group(1) in _CODE_DIRECTIVES:
                is_code = True
            stack.append((fence[0], len(fence), is_code))
            # Keep a directive's title (what the reader sees, e.g. a dropdown's label); blank the markup before it.
            title_start = starts[index] + (match.start("info") + directive.start(2) if directive else len(line))
            markdown = _blank(markdown, starts[index], title_start if not is_code else starts[index] + len(line))
            # Directive options (":class: tip") right after the opening line are markup.
            while not is_code and index + 1 < len(lines) and re.match(r"^\s*:[\w-]+:(\s|$)", lines[index + 1]):
                index += 1
                markdown = _blank(markdown, starts[index], starts[index] + len(lines[index]))
        elif in_code:
            chapter.code.append((index + 1, line))
            markdown = _blank(markdown, starts[index], starts[index] + len(line))
        index += 1
    assert not stack, f"{chapter.name}: a fenced block ({stack[-1][0] * stack[-1][1]}) is never closed."

    for comment in re.finditer(r"<!--.*?-->", markdown, re.DOTALL):
        markdown = _blank(markdown, *comment.span())
    chapter.markdown = markdown

    # Block quotes: runs of lines starting with ">" (outside code).
    md_lines = markdown.split("\n")
    index = 0
    while index < len(md_lines):
        if not re.match(r"^\s*>", md_lines[index]):
            index += 1
            continue
        first = index
        while index < len(md_lines) and re.match(r"^\s*>", md_lines[index]):
            index += 1
        body = [re.sub(r"^\s*(?:>\s?)+", "", md_lines[i]) for i in range(first, index)]
        attributed = False
        while body and (not body[-1].strip() or _ATTRIBUTION.match(body[-1])):
            attributed = attributed or bool(body[-1].strip())
            body.pop()
        quote_text = re.sub(r"\s+", " ", " ".join(body)).strip()
        span = (starts[first], starts[index - 1] + len(md_lines[index - 1]))
        chapter.quotes.append(BlockQuote(first + 1, quote_text, span, attributed, bool(_ROLE.search(quote_text))))
    return chapter


def article_paragraphs_with(words: str) -> list[int]:
    return [p.number for p in case().paragraphs if words in p.text]


def near_miss(words: str) -> bool:
    """True if `words` look like a copy of the article with small differences."""
    if fold(words) in fold(case().text):
        return True
    if len(words) < 30:
        return False
    for paragraph in case().paragraphs:
        matcher = difflib.SequenceMatcher(None, words, paragraph.text, autojunk=False)
        shared = sum(block.size for block in matcher.get_matching_blocks() if block.size >= NEAR_MISS_RUN)
        if shared / len(words) >= NEAR_MISS:
            return True
    return False


def own_prose(chapter: Chapter) -> str:
    """The chapter's own words: markdown minus {article} quotations and block quotes."""
    prose = chapter.markdown
    for quote in chapter.quotes:
        prose = _blank(prose, *quote.raw_span)
    for _, _, span in chapter.roles():
        prose = _blank(prose, *span)
    return prose


CHAPTERS = chapter_files()
IDS = [path.name for path in CHAPTERS]


def test_the_book_has_chapters():
    assert CHAPTERS, f"no chapters found in {BOOK}"
    assert (BOOK / "intro.md").is_file(), "book/intro.md (Start here, the root of the toc) is missing."


# --- (a) accuracy ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_article_roles_quote_the_article_verbatim(path: Path):
    chapter = parse(path)
    problems = [
        f"{chapter.name}:{line}: {{article}}`{words}` is not verbatim in the article: {check_quotation(words)}"
        for line, words, _ in chapter.roles()
        if check_quotation(words) is not None
    ]
    assert not problems, "\n".join(problems)


_QUOTE_MARKS = "\"'“”‘’"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_article_quotations_are_not_doubled_by_quotation_marks(path: Path):
    """The role renders as <q>, which adds its own marks: “war crime” inside it shows as ““war crime””."""
    chapter = parse(path)
    problems = [
        f"{chapter.name}:{line}: {{article}}`{words}` starts or ends with a quotation mark, so the page shows it "
        f"doubled; quote from the word inside the marks, or include a word before and after them."
        for line, words, _ in chapter.roles()
        if words[:1] in _QUOTE_MARKS or words[-1:] in _QUOTE_MARKS
    ]
    source = path.read_text(encoding="utf-8")
    for match in re.finditer(r"[\"“‘]\{article\}`[^`]*`|\{article\}`[^`]*`[\"”’]", source):
        problems.append(f"{chapter.name}:{source.count(chr(10), 0, match.start()) + 1}: {match.group(0)!r} puts "
                        f"quotation marks around the role, which already shows its own; remove them.")
    assert not problems, "\n".join(problems)


def test_the_doubled_quotation_check_can_fail(tmp_path: Path):
    sample = tmp_path / "sample.md"
    sample.write_text("---\nkernelspec:\n  name: python3\n---\n\n# T\n\nThe marks in {article}`“war crime”`.\n",
                      encoding="utf-8")
    with pytest.raises(AssertionError, match="doubled"):
        test_article_quotations_are_not_doubled_by_quotation_marks(sample)
    sample.write_text("---\nkernelspec:\n  name: python3\n---\n\n# T\n\nThe word “{article}`massacre`”.\n",
                      encoding="utf-8")
    with pytest.raises(AssertionError, match="remove them"):
        test_article_quotations_are_not_doubled_by_quotation_marks(sample)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_block_quotes_of_the_article_are_verbatim(path: Path):
    chapter = parse(path)
    problems = []
    for quote in chapter.quotes:
        if quote.has_role or not quote.text:
            continue  # roles are checked on their own; text outside them is the book's prose
        numbers = article_paragraphs_with(quote.text)
        if numbers:
            continue
        if quote.attributed:
            problems.append(f"{chapter.name}:{quote.line}: block quote attributed to the article is not verbatim: "
                            f"{explain_mismatch(quote.text)} Quote: {quote.text[:80]!r}")
        elif near_miss(quote.text):
            problems.append(f"{chapter.name}:{quote.line}: block quote copies the article with differences "
                            f"({explain_mismatch(quote.text)}); copy it exactly, or wrap it in {{article}}`...`. "
                            f"Quote: {quote.text[:80]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_plain_quotations_of_the_article_use_the_role(path: Path):
    """"..." around the article's words in prose must be {article}`...`, so the build can check them."""
    chapter = parse(path)
    prose = own_prose(chapter)
    problems = []
    for match in re.finditer(r'"([^"\n]+(?:\n[^"\n]+)*)"|\u201c([^\u201d]+)\u201d', prose):
        words = re.sub(r"\s+", " ", match.group(1) or match.group(2)).strip()
        if len(words.split()) < QUOTE_MIN_WORDS or "\n\n" in (match.group(1) or match.group(2)):
            continue
        line = chapter.line(match.start())
        if article_paragraphs_with(words):
            problems.append(f"{chapter.name}:{line}: {words!r} quotes the article in plain quotation marks; "
                            f"write {{article}}`{words}` so the build checks it.")
        elif fold(words) in fold(case().text):
            problems.append(f"{chapter.name}:{line}: {words!r} looks like a quotation of the article but differs "
                            f"from it: {explain_mismatch(words)} Use {{article}}`...` with the exact words.")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_no_quotation_comes_only_from_a_graded_paragraph(path: Path):
    chapter = parse(path)
    graded = graded_paragraphs()
    quotations = [(line, words) for line, words, _ in chapter.roles()]
    quotations += [(q.line, q.text) for q in chapter.quotes if not q.has_role and article_paragraphs_with(q.text)]
    problems = []
    for line, words in quotations:
        numbers = article_paragraphs_with(words)
        if numbers and set(numbers) <= graded:
            problems.append(f"{chapter.name}:{line}: {words!r} occurs only in graded paragraph(s) "
                            f"{', '.join(map(str, numbers))}; the book must not discuss graded paragraphs "
                            f"(see seeds/{CASE}/passages.yaml). Quote a practice paragraph instead.")
    assert not problems, "\n".join(problems)


# --- (b) balance -----------------------------------------------------------------------------------------------------

@cache
def loaded_phrase_patterns() -> list[tuple[str, str, re.Pattern[str]]]:
    """(id, text, pattern) for every loaded phrase in the key: case-insensitive, on word boundaries, any whitespace."""
    patterns = []
    for phrase in case().loaded_language:
        words = fold(phrase.text).strip().split(" ")
        body = r"\s+".join(re.escape(w) for w in words)
        patterns.append((phrase.id, phrase.text, re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)))
    assert patterns, f"seeds/{CASE}/loaded_language.yaml has no phrases: the balance test would check nothing."
    return patterns


def loaded_phrases_in(prose: str) -> list[tuple[int, str, str]]:
    """(offset, record id, key text) of each loaded phrase found in `prose` (quotation marks and dashes folded)."""
    folded = prose.translate(_LOOKALIKES)
    return [(m.start(), pid, text) for pid, text, pattern in loaded_phrase_patterns() for m in pattern.finditer(folded)]


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_own_prose_uses_no_loaded_phrase_from_the_key(path: Path):
    chapter = parse(path)
    hits = sorted(loaded_phrases_in(own_prose(chapter)))
    problems = [
        f"{chapter.name}:{chapter.line(offset)}: the book's own prose uses the loaded phrase {text!r} "
        f"(key record {pid}); quote the article with {{article}}`...` or reword it neutrally."
        for offset, pid, text in hits
    ]
    assert not problems, "\n".join(problems)


def test_balance_check_catches_phrases_the_way_writers_type_them():
    """The checker itself: straight apostrophes, capitals and line breaks must not hide a loaded phrase."""
    samples = {
        "As the article says, the Pentagon's figures are suspect.": "ll-09",
        "Officials PROUDLY\nclaimed to have won.": "ll-06",
        'US Special Forces "advisors" were present.': "ll-16",
        "The So-Called forces.": "ll-13",
    }
    for sample, expected in samples.items():
        found = {pid for _, pid, _ in loaded_phrases_in(sample)}
        assert expected in found, f"the balance check missed {expected} in {sample!r}"
    # Word boundaries: a longer word that contains a key phrase is not that phrase.
    assert not loaded_phrases_in("disallowed, war crimes-free"), "the balance check matched inside longer words"


def test_own_prose_excludes_roles_code_and_block_quotes_but_not_titles(tmp_path: Path):
    sample = tmp_path / "sample.md"
    sample.write_text(
        "---\nkernelspec:\n  name: python3\n---\n\n# T\n\n"
        "Quoted: {article}`proudly claimed`.\n\n"
        "```{code-cell} ipython3\nphrases = ['proudly claimed']\n```\n\n"
        "> {article}`Damascus allowed that`\n\n"
        "> A rewrite that still says so-called forces.\n\n"
        ":::{dropdown} Insisting on a title\nText.\n:::\n",
        encoding="utf-8",
    )
    chapter = parse(sample)
    found = {pid for _, pid, _ in loaded_phrases_in(own_prose(chapter))}
    assert found == {"ll-05"}, f"expected only the dropdown title's 'Insisting' (ll-05), got {found}"
    assert [words for _, words, _ in chapter.roles()] == ["proudly claimed", "Damascus allowed that"]
    assert chapter.code == [(11, "phrases = ['proudly claimed']")]


# --- (c) no links to solutions/ --------------------------------------------------------------------------------------

_SOLUTIONS_PATH = re.compile(r"(?:^|[/\\\"'(<\s])solutions(?:[/\\]|$)")
_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?([^)\s>]+)"),                                       # [text](target)
    re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)", re.MULTILINE),                    # [label]: target
    re.compile(r"<((?:[a-z]+:|\.{0,2}/)[^>\s]+)>"),                          # <autolink>
    re.compile(r"""\b(?:href|src|data)\s*=\s*["']([^"']+)["']""", re.IGNORECASE),  # raw HTML
    re.compile(r"^\s*(?:```+|:::+)\s*\{(?:include|literalinclude|image|figure|download)\}\s*(\S+)", re.MULTILINE),
)


def _role_targets(markdown: str) -> list[tuple[int, str]]:
    targets = []
    for match in _ANY_ROLE.finditer(markdown):
        if match.group("name") in {"download", "doc", "ref", "numref", "file", "any", "link"}:
            body = match.group("body")
            inner = re.search(r"<([^>]+)>\s*$", body)
            targets.append((match.start(), inner.group(1) if inner else body))
    return targets


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_no_chapter_links_to_solutions(path: Path):
    chapter = parse(path)
    problems = []
    targets = [(m.start(1), m.group(1)) for pattern in _LINK_TARGETS for m in pattern.finditer(chapter.text)]
    targets += _role_targets(chapter.markdown)
    for offset, target in targets:
        if _SOLUTIONS_PATH.search(target) or target.startswith("solutions"):
            problems.append(f"{chapter.name}:{chapter.line(offset)}: links to {target!r}; solutions/ holds the "
                            "graded keys and must never be linked from the book. Point to exercises/ instead.")
    for line, code in chapter.code:
        if _SOLUTIONS_PATH.search(code):
            problems.append(f"{chapter.name}:{line}: code refers to solutions/ ({code.strip()!r}); the book's code "
                            "must not read graded material.")
    assert not problems, "\n".join(problems)


def test_the_solutions_link_check_can_fail(tmp_path: Path):
    sample = tmp_path / "links.md"
    sample.write_text(
        "# T\n\nSee [the key](../solutions/capstone/capstone.ipynb).\n\n{download}`key <../solutions/x.zip>`\n\n"
        "```{code-cell} ipython3\nopen('solutions/statements/statements.ipynb')\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError) as failure:
        test_no_chapter_links_to_solutions(sample)
    message = str(failure.value)
    assert "links.md:3: links to '../solutions/capstone/capstone.ipynb'" in message
    assert "links.md:5: links to '../solutions/x.zip'" in message
    assert "links.md:8: code refers to solutions/" in message


# --- (d) toc and chapter structure -----------------------------------------------------------------------------------

def toc_files() -> list[str]:
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return [re.sub(r"\.(md|ipynb)$", "", f) for f in files]


def test_toc_lists_every_chapter_in_the_agreed_order():
    listed = toc_files()
    on_disk = [f"book/{path.stem}" for path in CHAPTERS]
    missing = sorted(set(on_disk) - set(listed))
    assert not missing, f"_toc.yml does not list {missing}: add them (order: {', '.join(CHAPTER_ORDER)})."
    absent = sorted(f for f in listed if not (ROOT / f"{f}.md").is_file() and not (ROOT / f"{f}.ipynb").is_file())
    assert not absent, f"_toc.yml lists {absent}, which do not exist: the -W build would fail."
    unknown = [f for f in listed if f.removeprefix("book/") not in CHAPTER_ORDER]
    assert not unknown, f"_toc.yml lists {unknown}, which are not in the agreed chapter order {CHAPTER_ORDER}."
    expected = [f"book/{stem}" for stem in CHAPTER_ORDER if f"book/{stem}" in listed]
    assert listed == expected, f"_toc.yml order is {listed}; the agreed order is {expected}."
    assert listed[0] == "book/intro", "_toc.yml: the root must be book/intro (Start here)."


def headings(chapter: Chapter) -> list[tuple[int, int, str]]:
    """(line, level, title) of every Markdown heading and directive title outside code (directives as level 0)."""
    found = []
    for number, line in enumerate(chapter.markdown.split("\n"), start=1):
        match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match:
            found.append((number, len(match.group(1)), match.group(2)))
    for number, line in enumerate(chapter.text.split("\n"), start=1):
        match = re.match(r"^\s*(?:`{3,}|:{3,})\s*\{(?:admonition|dropdown|note|tip|important)\}\s*(.+)$", line)
        if match:
            found.append((number, 0, match.group(1).strip()))
    return sorted(found)


@pytest.mark.parametrize("stem", sorted(SKILL_CHAPTERS))
def test_skill_chapters_have_the_agreed_structure(stem: str):
    path = BOOK / f"{stem}.md"
    if not path.is_file():
        pytest.fail(f"book/{stem}.md does not exist yet: every skill chapter is part of the course (issue 4).")
    chapter = parse(path)
    assignment, widget = SKILL_CHAPTERS[stem]
    found = headings(chapter)
    titles = [title.lower() for _, _, title in found]
    sections = [(line, title) for line, level, title in found if level == 2]
    objectives = [line for line, _, title in found if re.fullmatch(r"(learning )?objectives", title.strip().lower())]
    problems = []
    if not objectives:
        problems.append(f"book/{stem}.md: no 'Objectives' or 'Learning objectives' heading (or admonition title); "
                        "put the chapter's objectives at the top under that heading.")
    elif sections and objectives[0] > sections[0][0]:
        problems.append(f"book/{stem}.md:{objectives[0]}: the objectives come after the section "
                        f"{sections[0][1]!r} (line {sections[0][0]}); move them to the top.")
    if not any(t.startswith("reflect") or "reflection" in t for t in titles):
        problems.append(f"book/{stem}.md: no 'Reflection' (or 'Reflect') heading with a reflection prompt.")
    if f"exercises/{assignment}/" not in chapter.markdown:
        problems.append(f"book/{stem}.md: no pointer to the graded exercise (expected the path exercises/{assignment}/).")
    if widget is not None:
        if not any("worked example" in t for t in titles):
            problems.append(f"book/{stem}.md: no 'Worked example' heading.")
        if not any(re.search(rf"\b{widget}\(", code) for _, code in chapter.code):
            problems.append(f"book/{stem}.md: no code cell creates the {widget} widget for practice.")
    assert not problems, "\n".join(problems)


# --- (e) every chapter is a MyST notebook ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_chapters_are_myst_notebooks_with_the_python3_kernel(path: Path):
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, f"book/{path.name}:1: no jupytext front matter (--- ... ---) at the top of the file."
    meta = yaml.safe_load(match.group(1))
    assert meta.get("jupytext", {}).get("text_representation", {}).get("format_name") == "myst", (
        f"book/{path.name}:1: front matter must declare jupytext text_representation format_name: myst.")
    assert meta.get("kernelspec", {}).get("name") == "python3", (
        f"book/{path.name}:1: front matter must declare kernelspec name: python3.")
    title = re.search(r"^# \S", text[match.end():], re.MULTILINE)
    assert title, f"book/{path.name}: no top-level '# Title' heading."


# --- (f) references --------------------------------------------------------------------------------------------------

def outlets_in_later_reports() -> set[str]:
    """Outlet names in statements.yaml's later_reports `reported_by` (dates, links words and the seed left out)."""
    names = set()
    for report in case().later_reports:
        for piece in re.split(r"[;,()]|\bas cited by\b|\bas summarised by\b|\bsummarising\b|\bvia\b|\band others\b",
                              report.reported_by):
            piece = piece.strip()
            if piece and not re.search(r"\d", piece) and piece.lower() != "the seed article":
                names.add(piece)
    return names


def test_references_name_every_outlet_and_teaching_reference():
    text = (BOOK / "references.md").read_text(encoding="utf-8")
    outlets = outlets_in_later_reports()
    assert {"Jerusalem Post", "CNS News", "Axios", "The New York Times"} <= outlets, (
        f"parsing later_reports found only {sorted(outlets)}: the outlet parser needs fixing.")
    teaching = ["Civic Online Reasoning", "SIFT", "Web Literacy for Student Fact-Checkers", "Checkology",
                "Handbook of Journalism", "Associated Press", "SemEval-2020 Task 11", "Da San Martino",
                "Human Rights Data Analysis Group"]
    missing = [name for name in sorted(outlets) + teaching if name not in text]
    assert not missing, f"book/references.md does not name: {', '.join(missing)} (every outside fact's source)."


# --- (g) the {article} Sphinx role -----------------------------------------------------------------------------------

GOOD_PAGE = "# Good\n\nThe verb: {article}`The Syrian Observatory for Human Rights, meanwhile, said`.\n"
BAD_PAGE = "# Bad\n\nLine three.\n\nThe Pentagon said: {article}`the Pentagon's figures are suspect`.\n"


def _build(root: Path, pages: dict[str, str], *, strict: bool) -> tuple[int, Path, str]:
    """Build a small Sphinx project that uses the role; (exit code, output folder, warnings).

    A subprocess, because Sphinx registers nodes process-wide and a second app in this process would warn about it.
    """
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'medialit.tooling.book_roles']\nexclude_patterns = ['_build']\n"
        "root_doc = 'index'\n", encoding="utf-8")
    toctree = "\n".join(name for name in pages if name != "index")
    (src / "index.md").write_text(pages.get("index", "# Index\n") + f"\n```{{toctree}}\n{toctree}\n```\n",
                                  encoding="utf-8")
    for name, body in pages.items():
        if name != "index":
            (src / f"{name}.md").write_text(body, encoding="utf-8")
    out = root / "out"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", *(["-W"] if strict else []), str(src), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    return result.returncode, out, result.stderr


@pytest.fixture(scope="module")
def lenient_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    return _build(tmp_path_factory.mktemp("roles"), {"index": GOOD_PAGE, "bad": BAD_PAGE}, strict=False)


@pytest.mark.slow
def test_article_role_renders_a_checked_quotation(lenient_build: tuple[int, Path, str]):
    code, out, warnings = lenient_build
    assert code == 0, warnings
    assert "index.md" not in warnings, f"the verbatim quotation on the good page drew a warning: {warnings}"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert ('<q class="article-quote" data-paragraph="4" title="From the article, paragraph 4">'
            "The Syrian Observatory for Human Rights, meanwhile, said</q>") in html


@pytest.mark.slow
def test_article_role_warns_with_file_line_and_fix_on_a_misquotation(lenient_build: tuple[int, Path, str]):
    code, out, warnings = lenient_build
    assert "bad.md:5" in warnings, warnings
    assert "the article has 'the Pentagon’s figures are suspect'" in warnings, warnings
    # Without -W the page still renders, as a quotation that names no paragraph.
    assert '<q class="article-quote">' in (out / "bad.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_article_role_fails_a_strict_build_on_a_misquotation(tmp_path: Path):
    code, _, warnings = _build(
        tmp_path, {"index": "# Index\n\n{article}`the Pentagon admitted to have killed 100 pro-government fighters`\n"},
        strict=True)
    assert code != 0, "a -W build with a misquotation succeeded"
    assert "not verbatim" in warnings and "index.md:3" in warnings, warnings


def test_check_quotation_messages_say_what_to_fix():
    assert check_quotation("US warplanes and artillery batteries") is None
    assert "capitalisation" in check_quotation("us warplanes and artillery batteries")
    assert "not what follows" in check_quotation("US warplanes and artillery batteries bombed")
    assert "no part of it" in check_quotation("entirely invented words")
