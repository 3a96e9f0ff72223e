"""My work imports its own JSON export into another browser: merged entry by entry, with a preview first.

Browser A does some work (marks, answers, a note, the check's first form) and downloads my-work.json; browser B,
a fresh context with its own storage, has a newer note of its own, previews the import (what is new, what is
older than here), imports, and finds A's work on the chapters and B's newer note kept. A file that is not an
export is refused with a reason and changes nothing.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_saved_work import NOTE, do_some_work

from medialit import CASE
from medialit.assessment.check import load_check

from support.saved_work import new_context, open_page

pytestmark = pytest.mark.browser

NEWER_NOTE = "Written later, in the second browser."


def finish_the_first_form(context, errors, base) -> None:
    check = load_check(CASE)
    page = open_page(context, errors, base("book/check.html"))
    widget = page.locator(".ml-ck")
    for item in check.items("before"):
        box = widget.locator(f'.ml-ck-item[data-item="{item.id}"]')
        box.locator(f"label[for$='-a-{item.answer}']").click()
        box.locator("label[for$='-c-90']").click()
    widget.get_by_role("button", name="Finish and see my results").click()
    expect(widget.locator(".ml-ck-verdicts li").first).to_be_visible()
    page.close()


def test_an_export_imports_into_another_browser_with_a_preview(browser: Browser, site_url: str, tmp_path: Path) -> None:
    base = lambda path: site_url + path  # noqa: E731
    first, errors = new_context(browser, from_disk=False)
    try:
        do_some_work(first, errors, base)
        finish_the_first_form(first, errors, base)
        page = open_page(first, errors, base("book/my-work.html"))
        # The check's results are in My work (and so in both downloads), not just "finished".
        expect(page.locator("#ml-my-work")).to_contain_text("you told loaded texts from the others")
        with page.expect_download() as info:
            page.get_by_role("button", name="Download as JSON").click()
        export = tmp_path / "my-work.json"
        export.write_text(Path(info.value.path()).read_text(encoding="utf-8"), encoding="utf-8")
        data = json.loads(export.read_text(encoding="utf-8"))
        assert any(k.startswith("medialit-check:") for k in data["other"]), "the check's answers are not exported"
        lines = [line for ch in data["chapters"] for item in ch["items"] for line in item.get("summary", [])]
        assert any("Brier score of your confidence" in line for line in lines), "the check's results are not exported"
        page.close()
    finally:
        first.close()
    assert not errors, errors

    second, errors = new_context(browser, from_disk=False)
    try:
        page = open_page(second, errors, base("book/article.html"))
        page.get_by_label(re.compile("Your notes before reading")).fill(NEWER_NOTE)
        page.close()
        page = open_page(second, errors, base("book/my-work.html"))
        work = page.locator("#ml-my-work")

        # A file that is not an export: refused, with the reason, and nothing changes.
        wrong = tmp_path / "notes.json"
        wrong.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Import a JSON export…").click()
        chooser.value.set_files(str(wrong))
        preview = page.locator(".ml-work-import-preview")
        expect(preview).to_contain_text("cannot be imported: it is not a My work export")
        expect(preview.get_by_role("button", name="Import")).to_be_hidden()
        preview.get_by_role("button", name="Close").click()

        # The real export: a preview first, then the merge.
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Import a JSON export…").click()
        chooser.value.set_files(str(export))
        expect(preview).to_be_visible()
        expect(preview).to_contain_text("Nothing changes until you press Import")
        expect(preview.locator(".ml-work-import-add")).to_have_count(5)  # 4 widgets or notes + the check's form
        expect(preview.locator(".ml-work-import-keep")).to_have_count(1)  # the newer note of this browser
        expect(preview.locator(".ml-work-import-keep")).to_contain_text("Older than here")
        expect(work).not_to_contain_text("unprovoked massacre")  # nothing changed yet
        preview.get_by_role("button", name="Import").click()
        expect(page.locator(".ml-work-status")).to_contain_text("Imported 5 items")
        expect(work).to_contain_text("“unprovoked massacre”")
        expect(work).to_contain_text("you told loaded texts from the others")
        page.close()

        page = open_page(second, errors, base("book/loaded-language.html"))
        expect(page.locator(".ml-hl").first.locator(".ml-hl-marklist .ml-hl-quote")).to_have_text(["“unprovoked massacre”"])
        page.close()
        page = open_page(second, errors, base("book/article.html"))
        expect(page.get_by_label(re.compile("Your notes before reading"))).to_have_value(NEWER_NOTE)
        assert NEWER_NOTE != NOTE
        page.close()
        page = open_page(second, errors, base("book/check.html"))
        expect(page.locator("label[for$='-form-before'] .ml-ck-status")).to_have_text("(finished)")
        page.close()
    finally:
        second.close()
    assert not errors, errors
