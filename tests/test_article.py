"""The canonical article is the seed with only the documented repairs, and the seed is untouched."""
import hashlib
from pathlib import Path

import pytest
import yaml

from medialit import CASE, load_case

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_acff1dda6b78f74e.txt"
# The digest of the file as received; any edit to the seed fails here.
SEED_SHA256 = "79212d491a8ca8ce4ff1b0da6cd279eb7d07b81a4833c7e7b4d727509a9bbe6a"


def test_seed_is_exactly_as_received():
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def rebuild_from_seed(repairs: list[dict]) -> tuple[dict, list[str]]:
    """Apply the repairs listed in article.yaml to the seed's blank-line-separated blocks."""
    blocks = [b for b in SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    kinds = [r["kind"] for r in repairs]
    assert kinds.count("heading_to_metadata") == 1 and kinds.count("drop_footer") == 1
    heading, byline = blocks[0], blocks[1]
    body = blocks[2:]
    # The footer is the last two blocks: the contact line and the link.
    assert body[-2].startswith("To contact the WSWWS") and body[-1] == "<http://www.wsws.org>"
    body = body[:-2]
    for repair in (r for r in repairs if r["kind"] == "rejoin"):
        matches = [i for i in range(len(body) - 1)
                   if body[i].endswith(repair["before"]) and body[i + 1].startswith(repair["after"])]
        assert len(matches) == 1, f"repair {repair} must match exactly one break in the seed"
        i = matches[0]
        body[i:i + 2] = [body[i] + " " + body[i + 1]]
    author_line, date_line = byline.split("\n")
    metadata = {"title": heading.removeprefix("# "), "author": author_line.removeprefix("By ").strip(), "date": date_line}
    return metadata, body


def test_canonical_paragraphs_are_the_seed_with_only_documented_repairs():
    data = yaml.safe_load((ROOT / "seeds" / CASE / "article.yaml").read_text(encoding="utf-8"))
    metadata, body = rebuild_from_seed(data["repairs"])
    assert data["paragraphs"] == body
    assert data["title"] == metadata["title"]
    assert data["author"] == metadata["author"]
    assert metadata["date"] == "9 February 2018" and str(data["date"]) == "2018-02-09"
    assert len([r for r in data["repairs"] if r["kind"] == "rejoin"]) == 2


def test_loaded_article_numbers_paragraphs_and_indexes_the_text():
    case = load_case(CASE)
    assert len(case.paragraphs) == 24
    for number, paragraph in enumerate(case.paragraphs, start=1):
        assert paragraph.number == number
        assert case.text[paragraph.start:paragraph.end] == paragraph.text
    assert "vast disparity" in case.paragraph(14).text
    assert "province's strategically vital" in case.paragraph(19).text
    assert "WSWWS" not in case.text and "Socialist Equality Party" not in case.text


@pytest.mark.parametrize("bad", [0, 25, "3", True])
def test_paragraph_lookup_rejects_numbers_outside_the_article(bad):
    with pytest.raises(ValueError, match="paragraphs 1 to 24"):
        load_case(CASE).paragraph(bad)
