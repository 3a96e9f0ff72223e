"""Nothing a student writes runs in a grader's browser; nothing a student prints makes a page huge.

Formgrader (nbgrader's server extension) and ``nbgrader generate_feedback`` both render the autograded
notebook with nbconvert's ``HTMLExporter``, which pastes student HTML into the page as it is (its own
``sanitize_html`` left an ``onerror`` handler in place). ``configure_html(c)``, called once from
``configure_nbgrader``, closes that in layers:

1. ``SanitizeForHTML`` (an exporter preprocessor, so it runs for both pages) rebuilds every cell and
   output from scratch with only what the templates may print: text/html cleaned by nh3 (the ammonia
   sanitizer, no regexes), images validated, SVG only ever shown through ``<img>`` (where it cannot run
   script), LaTeX shown as source, JavaScript, widget views and any unknown type dropped with a visible
   note, raw cells cleaned, metadata cut to validated nbgrader fields (a grade_id lands in HTML
   attributes, so it must match ``SAFE_ID``), and every output and cell capped in size.
2. ``markdown2html`` is replaced by ``safe_markdown2html``: nbconvert's own mistune renderer, then nh3.
   Markdown is rendered exactly once (the preprocessor never touches markdown source except to cap it),
   so nothing sanitized is parsed again into new HTML.
3. Formgrader's submission page gets a Content-Security-Policy (``SafeSubmissionHandler``): scripts only
   with a per-request nonce, given to the template's own script tags, which all come before the notebook.
4. ``CapOutputs`` runs in ``nbgrader autograde`` right after nbgrader's LimitOutput (which counts lines,
   so a 30 MB one-line print passed it), so the autograded notebook itself stays small.

Feedback pages also say "not graded yet" for written answers nobody has graded (``FeedbackHTMLExporter``,
``MarkPending``), and Formgrader shows each written answer's rubric under it (rubric.py).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import jinja2
import nbformat
import nh3
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from . import rubric

# --- limits -------------------------------------------------------------------------------------------

MAX_OUTPUT_CHARS = 100_000  # one text output (a stream, a text/html, a traceback line list)
MAX_IMAGE_CHARS = 2_000_000  # one image, as base64 (a plot is tens of kB)
MAX_CELL_CHARS = 2_500_000  # everything one cell's outputs keep, images included
MAX_SOURCE_CHARS = 200_000  # one cell's source as rendered (nobody writes 200 kB of answer)
SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")  # grade_ids and cell ids that may go into attributes
SAFE_LANGUAGE = re.compile(r"[A-Za-z0-9_+#-]{1,32}")
SAFE_KERNEL_NAME = re.compile(r"[A-Za-z0-9_.+-]{1,64}")
NOTE_PREFIX = "medialit:"

# --- nh3 (ammonia) policy -----------------------------------------------------------------------------

# ammonia's defaults, minus image maps (hrefs on areas); scripts, styles, forms, frames, objects, SVG and
# MathML are not in the allow list at all, and <script>/<style> are dropped with their content.
_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS}
_ATTRIBUTES.setdefault("th", set()).update({"colspan", "rowspan"})
_ATTRIBUTES.setdefault("td", set()).update({"colspan", "rowspan"})
_PYGMENTS_CLASSES = {"highlight", "hll", "c", "err", "k", "l", "n", "o", "p", "ch", "cm", "cp", "cpf", "c1", "cs",
                     "gd", "ge", "gr", "gh", "gi", "go", "gp", "gs", "gu", "gt", "kc", "kd", "kn", "kp", "kr", "kt",
                     "ld", "m", "s", "na", "nb", "nc", "no", "nd", "ni", "ne", "nf", "nl", "nn", "nx", "py", "nt",
                     "nv", "ow", "w", "mb", "mf", "mh", "mi", "mo", "sa", "sb", "sc", "dl", "sd", "s2", "se", "sh",
                     "si", "sx", "sr", "s1", "ss", "bp", "fm", "vc", "vg", "vi", "vm", "il"}
# Classes only from these lists: a free class could borrow the grading page's own styles (a fixed
# navbar, a fake score box) to mislead the grader.
_CLASSES = {"span": _PYGMENTS_CLASSES, "div": {"highlight"}, "code": set(), "table": {"dataframe"}}
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,([A-Za-z0-9+/=\s]+)")
_URL_SCHEMES = {"http", "https", "mailto", "data"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Images only from inline data (a markdown attachment): a remote src would tell a third party when
    # the grader looked, and a server-relative one would make the grader's browser fetch course files.
    if tag == "img" and attribute == "src":
        return value if _valid_data_image(value) else None
    # data: stays for images only; links keep http(s) and mailto (nh3 has already dropped other schemes).
    if attribute in {"href", "cite", "src"} and value.strip().lower().startswith("data:"):
        return None
    return value


def _valid_data_image(url: str) -> bool:
    match = _DATA_IMAGE.fullmatch(url.strip())
    return match is not None and _valid_image(match.group(1), match.group(2))


def clean_html(html: str) -> str:
    """Student HTML with everything that could run, fetch or restyle the grading page removed (nh3)."""
    return nh3.clean(html, tags=_TAGS, clean_content_tags={"script", "style"}, attributes=_ATTRIBUTES,
                     attribute_filter=_attribute_filter, url_schemes=_URL_SCHEMES, url_relative="deny",
                     allowed_classes=_CLASSES, strip_comments=True, link_rel="noopener noreferrer nofollow")


@jinja2.pass_context
def safe_markdown2html(context: Any, source: str) -> str:
    """Drop-in for HTMLExporter's markdown2html filter: nbconvert's renderer, then nh3 on the result."""
    cell = context.get("cell", {}) or {}
    attachments = cell.get("attachments", {}) if hasattr(cell, "get") else {}
    return markdown_to_safe_html(source, attachments)


def markdown_to_safe_html(source: str, attachments: Any = None) -> str:
    """Markdown rendered by nbconvert's own mistune renderer, then cleaned by nh3."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    attachments = attachments or {}
    source, _ = _cut(str(source or ""), MAX_SOURCE_CHARS)
    # Anchor links are left out: their ids would land in the page's id space next to Formgrader's own
    # inputs (and nh3 drops ids anyway).
    renderer = IPythonRenderer(escape=False, attachments=attachments, embed_images=False, path="",
                               anchor_link_text="", exclude_anchor_links=True)
    return clean_html(MarkdownWithMath(renderer=renderer).render(source))


# --- size caps (shared by autograde and rendering) ----------------------------------------------------

def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


_CUT_NOTE = f"[{NOTE_PREFIX} output cut here: "


def _cut(text: str, limit: int) -> tuple[str, bool]:
    """Keep the first four fifths and the last fifth of ``limit`` characters, with a note between: the end
    of an output (nbgrader's "Output truncated", a final error line) matters as much as its start."""
    # Text already cut (autograde capped it, the page caps again) keeps its first note instead of a second.
    if len(text) <= limit or (len(text) <= limit + 120 and _CUT_NOTE in text):
        return text, False
    head = limit * 4 // 5
    tail = limit - head
    # One line break only: nbgrader's own tests and LimitOutput count lines.
    note = f"\n{_CUT_NOTE}{len(text) - limit:,} characters were not kept] "
    return text[:head] + note + (text[-tail:] if tail else ""), True


def _valid_image(kind: str, data: Any) -> bool:
    """Base64 that decodes and starts like the image type it claims to be."""
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", _text(data)), validate=True)
    except (binascii.Error, ValueError):
        return False
    magic = {"png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff", "gif": b"GIF8"}[kind]
    return raw.startswith(magic)


def cap_outputs(cell: Any) -> list[str]:
    """Cut every output of a code cell to MAX_OUTPUT_CHARS (images: MAX_IMAGE_CHARS) and the cell to
    MAX_CELL_CHARS, in place, keeping each output's type (nbgrader reads errors and results from it).
    Returns what was cut, for the log."""
    cuts: list[str] = []
    used = 0
    for index, output in enumerate(cell.get("outputs", [])):
        kind = output.get("output_type")
        room = max(0, MAX_CELL_CHARS - used)
        if kind == "stream":
            output["text"], was_cut = _cut(_text(output.get("text", "")), min(MAX_OUTPUT_CHARS, room))
            used += len(output["text"])
        elif kind == "error":
            lines = [_text(line) for line in output.get("traceback", [])]
            kept, size, was_cut = [], 0, False
            for line in lines:
                line, line_cut = _cut(line, max(0, min(MAX_OUTPUT_CHARS, room) - size))
                kept.append(line)
                size += len(line)
                was_cut = was_cut or line_cut
                if line_cut:
                    break
            output["traceback"] = kept
            output["evalue"], evalue_cut = _cut(_text(output.get("evalue", "")), 1000)
            was_cut = was_cut or evalue_cut or len(kept) < len(lines)
            used += size
        elif kind in {"display_data", "execute_result"}:
            was_cut = False
            for mime in list(output.get("data", {})):
                value = output["data"][mime]
                if mime.startswith("image/") and mime != "image/svg+xml":
                    size = len(_text(value))
                    if size > min(MAX_IMAGE_CHARS, room):
                        del output["data"][mime]
                        output["data"].setdefault("text/plain", f"[{NOTE_PREFIX} a {mime} image of {size:,} "
                                                                "characters was too large to keep]")
                        was_cut = True
                    else:
                        used += size
                    continue
                if not isinstance(value, (str, list)):  # JSON data: measure it as text, drop it when too big
                    import json

                    size = len(json.dumps(value))
                    if size > min(MAX_OUTPUT_CHARS, room):
                        del output["data"][mime]
                        output["data"].setdefault("text/plain", f"[{NOTE_PREFIX} {mime} data of {size:,} "
                                                                "characters was too large to keep]")
                        was_cut = True
                    else:
                        used += size
                    continue
                output["data"][mime], mime_cut = _cut(_text(value), min(MAX_OUTPUT_CHARS, room))
                used += len(output["data"][mime])
                was_cut = was_cut or mime_cut
        else:
            was_cut = False
        if was_cut:
            cuts.append(f"output {index} ({kind})")
    return cuts


class CapOutputs(Preprocessor):
    """nbgrader autograde step, after LimitOutput: no output or cell keeps more than the caps above."""

    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless told otherwise

    def preprocess_cell(self, cell: Any, resources: dict[str, Any], index: int) -> tuple[Any, dict[str, Any]]:
        if cell.cell_type == "code":
            cuts = cap_outputs(cell)
            if cuts:
                grade_id = (cell.metadata.get("nbgrader", {}) or {}).get("grade_id", f"cell {index}")
                info = resources.get("nbgrader", {})
                self.log.warning("medialit: student %s, %s: %s output cut to the size cap: %s",
                                 info.get("student"), info.get("assignment"), grade_id, ", ".join(cuts))
        return cell, resources


# --- rendering: one notebook rebuilt from what the templates may print --------------------------------

# What nbconvert's HTML templates render, in the exporter's priority order; anything else is dropped.
_RENDERED = ("text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png", "image/jpeg", "text/plain")
# Rendered by the exporter but never on a grading page: they run code or need a widget manager.
_NEVER = ("application/javascript", "application/vnd.jupyter.widget-view+json",
          "application/vnd.jupyter.widget-state+json", "text/vnd.mermaid")


def _note(text: str) -> Any:
    return nbformat.v4.new_output("stream", name="stderr", text=f"[{NOTE_PREFIX} {text}]\n")


def _safe_data(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for mime, value in data.items():
        if mime in {"text/plain", "text/markdown"}:  # escaped, or rendered by safe_markdown2html
            kept[mime] = _text(value)
        elif mime == "text/html":
            kept[mime] = clean_html(_text(value))
        elif mime == "text/latex":
            # Shown as source text (in <pre>, which MathJax skips), never typeset in the grader's page.
            kept.setdefault("text/plain", _text(value))
        elif mime == "image/svg+xml":
            # The template shows SVG only as <img src="data:...">, where its scripts never run
            # (configure_html keeps HTMLExporter.skip_svg_encoding off).
            kept[mime] = _text(value)
        elif mime in {"image/png", "image/jpeg"}:
            if _valid_image(mime.split("/")[1], value):
                kept[mime] = re.sub(r"\s+", "", _text(value))
            else:
                dropped.append(f"{mime} (not a valid image)")
        elif mime.endswith("+json") and mime not in _NEVER:
            continue  # data for tools (answer records, ...): templates never render it
        else:
            dropped.append(mime)
    if "text/plain" in data and "text/latex" in data:
        kept["text/plain"] = _text(data["text/plain"])
    return kept, dropped


def _safe_output(output: Any) -> list[Any]:
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in {"stdout", "stderr"} else "stdout"
        return [nbformat.v4.new_output("stream", name=name, text=_text(output.get("text", "")))]
    if kind == "error":
        return [nbformat.v4.new_output("error", ename=_text(output.get("ename", ""))[:200],
                                       evalue=_text(output.get("evalue", "")),
                                       traceback=[_text(line) for line in output.get("traceback", []) or []])]
    if kind in {"display_data", "execute_result"}:
        data = output.get("data", {})
        kept, dropped = _safe_data(data if isinstance(data, dict) else {})
        made = []
        if dropped:
            made.append(_note(f"an output of type {', '.join(sorted(dropped))} was removed: grading pages never "
                              "show scripts, widgets or unknown types"))
        if kept:
            if kind == "execute_result":
                count = output.get("execution_count")
                made.append(nbformat.v4.new_output("execute_result", data=kept,
                                                   execution_count=count if isinstance(count, int) else None))
            else:
                made.append(nbformat.v4.new_output("display_data", data=kept))
        return made
    return [_note(f"an output of unknown kind {str(kind)[:40]!r} was removed")]


def _safe_nbgrader_meta(meta: Any) -> dict[str, Any] | None:
    """The nbgrader fields templates and GetGrades use, type-checked; None if the grade_id is unsafe."""
    if not isinstance(meta, dict):
        return None
    grade_id = meta.get("grade_id")
    if not isinstance(grade_id, str) or not SAFE_ID.fullmatch(grade_id):
        return None
    safe: dict[str, Any] = {"grade_id": grade_id}
    for flag in ("grade", "solution", "locked", "task"):
        if isinstance(meta.get(flag), bool):
            safe[flag] = meta[flag]
    points = meta.get("points")
    if isinstance(points, (int, float)) and not isinstance(points, bool):
        safe["points"] = points
    if isinstance(meta.get("schema_version"), int):
        safe["schema_version"] = meta["schema_version"]
    return safe


def _safe_attachments(attachments: Any) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    if not isinstance(attachments, dict):
        return safe
    for name, bundle in attachments.items():
        if not (isinstance(name, str) and SAFE_ID.fullmatch(name) and isinstance(bundle, dict)):
            continue
        for mime in ("image/png", "image/jpeg"):
            value = bundle.get(mime)
            if value is not None and len(_text(value)) <= MAX_IMAGE_CHARS and _valid_image(mime.split("/")[1], value):
                safe[name] = {mime: re.sub(r"\s+", "", _text(value))}
                break
    return safe


def sanitize_notebook(nb: Any, log: Any = None) -> Any:
    """A copy-safe rebuild of ``nb`` in place: only validated metadata, cleaned raw cells, safe outputs,
    every source and output capped. Returns ``nb``."""
    language = nb.get("metadata", {}).get("language_info", {}).get("name", "python")
    kernel = nb.get("metadata", {}).get("kernelspec", {}) or {}
    metadata: dict[str, Any] = {"language_info": {"name": language if isinstance(language, str)
                                                  and SAFE_LANGUAGE.fullmatch(language) else "python"}}
    if isinstance(kernel.get("name"), str) and SAFE_KERNEL_NAME.fullmatch(kernel["name"]):
        metadata["kernelspec"] = {"name": kernel["name"], "display_name": kernel["name"],
                                  "language": metadata["language_info"]["name"]}
    nb.metadata = nbformat.from_dict(metadata)  # no title, no widget state, nothing else a template prints
    cells = []
    for index, cell in enumerate(nb.cells):
        kind = cell.get("cell_type")
        source, _ = _cut(_text(cell.get("source", "")), MAX_SOURCE_CHARS)
        cell_meta: dict[str, Any] = {}
        nbgrader_meta = _safe_nbgrader_meta((cell.get("metadata", {}) or {}).get("nbgrader"))
        if nbgrader_meta is not None:
            cell_meta["nbgrader"] = nbgrader_meta
        elif (cell.get("metadata", {}) or {}).get("nbgrader") and log is not None:
            log.warning("medialit: cell %d has an unsafe or missing nbgrader grade_id; shown as a plain cell", index)
        cell_id = cell.get("id")
        if kind == "code":
            new = nbformat.v4.new_code_cell(source)
            outputs = [made for output in cell.get("outputs", []) or [] for made in _safe_output(output)]
            new.outputs = outputs
            cap_outputs(new)
            count = cell.get("execution_count")
            new.execution_count = count if isinstance(count, int) else None
        elif kind == "markdown":
            new = nbformat.v4.new_markdown_cell(source)
            attachments = _safe_attachments(cell.get("attachments"))
            if attachments:
                new.attachments = nbformat.from_dict(attachments)
        else:  # raw cells are pasted into the page as HTML by the template: clean them like HTML
            new = nbformat.v4.new_raw_cell(clean_html(source))
        new.metadata = nbformat.from_dict(cell_meta)
        new.id = cell_id if isinstance(cell_id, str) and SAFE_ID.fullmatch(cell_id) else f"cell-{index}"
        cells.append(new)
    nb.cells = cells
    return nb


class SanitizeForHTML(Preprocessor):
    """HTMLExporter preprocessor (Formgrader and generate_feedback): render only safe, capped content."""

    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless told otherwise

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        sanitize_notebook(nb, self.log)
        # The template of the exporter that runs us says which page this is; rubrics go to Formgrader only,
        # and then only while SafeSubmissionHandler renders (rubric.FORMGRADER_COURSE is set).
        if getattr(self.parent, "template_name", None) == "formgrade":
            escape_resources(resources)  # the template prints the student's id and name unescaped
            rubric.insert_rubrics(nb, resources, self.log)
        return nb, resources


# --- feedback: "not graded yet" ------------------------------------------------------------------------

TEMPLATES = Path(__file__).with_name("templates")


class FeedbackHTMLExporter(HTMLExporter):
    """generate_feedback's exporter: nbgrader's feedback template with pending manual grades shown as such.

    Its own class so its template can be configured apart from Formgrader's HTMLExporter."""


class MarkPending(Preprocessor):
    """After nbgrader's GetGrades: mark each answer still waiting for manual grading, and warn about them."""

    enabled = Bool(True)  # nbconvert registers preprocessors disabled unless told otherwise

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        from nbgrader.api import Gradebook, MissingEntry

        from .late import late_text

        info = resources["nbgrader"]
        pending: list[str] = []
        with Gradebook(info["db_url"]) as gb:
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if not (meta.get("grade") or meta.get("task")):
                    continue
                try:
                    grade = gb.find_grade(meta["grade_id"], info["notebook"], info["assignment"], info["student"])
                except MissingEntry:
                    continue
                if grade.needs_manual_grade:
                    meta["medialit_pending"] = True
                    pending.append(meta["grade_id"])
            try:  # lateness in the course's one wording (late.late_text), as report and the exports show it
                submission = gb.find_submission(info["assignment"], info["student"])
                info["medialit_late"] = late_text(submission.total_seconds_late, info.get("late_penalty"))
            except MissingEntry:
                info["medialit_late"] = ""
        info["medialit_pending"] = pending
        if pending:
            self.log.warning("medialit: feedback for student %s, %s/%s is provisional: %d answer(s) not graded yet "
                             "(%s); grade them in Formgrader and run generate_feedback again",
                             info["student"], info["assignment"], info["notebook"], len(pending), ", ".join(pending))
        return nb, resources


# --- Formgrader: a Content-Security-Policy on the submission page --------------------------------------

_BODY_MARK = 'id="notebook-container"'  # the template's own markup ends here; the student's notebook follows
_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
# The templates' inline event handlers (the show/hide-name eye icons of the submission page, the gradebook's
# "Show All Names" button), allowed by hash only.
_TEMPLATE_HANDLERS = ("toggle_name(true);", "toggle_name(false);", "toggleAllNames()")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def submission_csp(nonce: str) -> str:
    """The policy of a Formgrader submission page: only the template's nonce'd scripts run, images only
    from the server or inline data, no plugins, no frames, no <base>, forms post only to the server."""
    scripts = " ".join([f"'nonce-{nonce}'", "'unsafe-hashes'", *(_hash(h) for h in _TEMPLATE_HANDLERS)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # nbconvert's inline CSS; no script can run from a style
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",  # JupyterLab shows Formgrader in an iframe of its own origin
    ])


def _stamp_scripts(html: str, nonce: str) -> str:
    """Give every <script> tag of ``html`` the nonce, except scripts from other hosts (MathJax's CDN)."""

    def stamp(match: re.Match[str]) -> str:
        tail = html[match.end():match.end() + 300]
        if re.match(r"""[^>]*\bsrc\s*=\s*["']?(https?:)?//""", tail, re.IGNORECASE):
            return match.group(0)
        return f'{match.group(0)} nonce="{nonce}"'

    return _SCRIPT_OPEN.sub(stamp, html)


def add_nonce(html: str, nonce: str) -> str:
    """Give the template's script tags (all before the notebook container) the nonce; scripts from other
    hosts (MathJax from a CDN) get none, so no request leaves for them. Anything after the container mark
    is the student's notebook and gets nothing, so even a script the sanitizer missed would not run."""
    cut = html.find(_BODY_MARK)
    if cut < 0:
        return html
    head, rest = html[:cut], html[cut:]
    head = _stamp_scripts(head, nonce)
    # formgrade.js waits for MathJax's startup signal and throws "MathJax is not defined" without it (stock
    # nbgrader does the same offline). MathJax comes from a CDN, which this policy blocks, so say at once
    # that it has started: the page works, formulas stay as source text.
    stub = (f'<script nonce="{nonce}">window.MathJax = window.MathJax || {{Hub: {{Queue: function () {{}}, '
            'Startup: {signal: {Interest: function (callback) { setTimeout(function () { callback("End"); }, 0); }}}}};'
            '</script>\n')
    at = head.find("</head>")
    if at >= 0:
        head = head[:at] + stub + head[at:]
    return head + rest


# Fields of the submission page's resources that nbconvert's formgrade template prints unescaped, in HTML and
# inside the template's own <script> (``var assignment_id = "{{ resources.assignment_id }}"``).
_RESOURCE_TEXT = ("student", "first_name", "last_name", "assignment_id", "notebook_id", "notebook_path", "filename")


def escape_resources(resources: dict[str, Any]) -> None:
    """HTML-escape the ids and names a Formgrader page prints, in place: safe both in HTML and inside the
    template's script strings (where a quote becomes ``&#34;`` text and cannot end the string)."""
    import markupsafe

    for key in _RESOURCE_TEXT:
        if isinstance(resources.get(key), str):
            resources[key] = str(markupsafe.escape(resources[key]))


_ESCAPING_ENVS: dict[int, Any] = {}


def _escaping_env(env: Any) -> Any:
    """nbgrader's Formgrader jinja environment with autoescape on (it prints ids with ``{{ student_id }}``)."""
    if env is None:
        raise RuntimeError("Formgrader's jinja environment is missing")
    if id(env) not in _ESCAPING_ENVS:
        _ESCAPING_ENVS[id(env)] = jinja2.Environment(loader=env.loader, autoescape=True)
    return _ESCAPING_ENVS[id(env)]


def page_csp(nonce: str) -> str:
    """The policy of every other Formgrader page: the template's own scripts by nonce, nothing inline."""
    return submission_csp(nonce)


class _SafePage:
    """Mixed into each of nbgrader's Formgrader page handlers: autoescaped templates and a nonce-based CSP."""

    _medialit_nonce = ""
    settings: dict[str, Any]  # tornado's, from the handler this is mixed into

    @property
    def content_security_policy(self) -> str:
        if not self._medialit_nonce:
            self._medialit_nonce = secrets.token_urlsafe(18)
        return page_csp(self._medialit_nonce)

    def render(self, name: str, **ns: Any) -> str:
        if isinstance(ns.get("resources"), dict):  # formgrade_404.tpl prints the submission's resources
            escape_resources(ns["resources"])
        return _escaping_env(self.settings.get("nbgrader_jinja2_env")).get_template(name).render(**ns)

    def write(self, chunk: Any) -> None:
        if isinstance(chunk, str) and self._medialit_nonce and not getattr(self, "_medialit_submission", False):
            chunk = _stamp_scripts(chunk, self._medialit_nonce)
        super().write(chunk)  # type: ignore[misc]  # the handler's write (tornado's RequestHandler)


def _handler_classes() -> tuple[type, type]:
    from nbgrader.server_extensions.formgrader import handlers

    class SafeSubmissionHandler(_SafePage, handlers.SubmissionHandler):
        """nbgrader's submission page, with a nonce-based CSP and, for rubric.py, the course directory."""

        _medialit_nonce = ""
        _medialit_submission = True  # only the template's part before the notebook gets the nonce (add_nonce)

        @property
        def content_security_policy(self) -> str:
            if not self._medialit_nonce:
                self._medialit_nonce = secrets.token_urlsafe(18)
            return submission_csp(self._medialit_nonce)

        def get(self, submission_id: str) -> Any:
            token = rubric.FORMGRADER_COURSE.set(self.coursedir)
            boxes = rubric.RUBRIC_BOXES.set({})
            try:
                return super().get(submission_id)
            finally:
                rubric.FORMGRADER_COURSE.reset(token)
                rubric.RUBRIC_BOXES.reset(boxes)

        def write(self, chunk: Any) -> None:
            if isinstance(chunk, str) and self._medialit_nonce:
                chunk = add_nonce(chunk, self._medialit_nonce)
                # The rubric boxes go in last, after the student's content was rendered and sanitized (rubric.py).
                chunk = rubric.place_boxes(chunk, rubric.RUBRIC_BOXES.get() or {})
            super().write(chunk)

    class SafeSubmissionFilesHandler(handlers.SubmissionFilesHandler):
        """Files next to a submission (images a notebook links) are served with scripts off entirely."""

        @property
        def content_security_policy(self) -> str:
            return "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"

    return SafeSubmissionHandler, SafeSubmissionFilesHandler


_SAFE_PAGES: dict[type, type] = {}


def _safe_page_class(handler: type) -> type:
    """``handler`` with _SafePage mixed in (one class per nbgrader handler, so reloading the config is idempotent)."""
    if handler not in _SAFE_PAGES:
        _SAFE_PAGES[handler] = type(f"Safe{handler.__name__}", (_SafePage, handler),
                                    {"__doc__": f"nbgrader's {handler.__name__}, autoescaped, with a nonce CSP."})
    return _SAFE_PAGES[handler]


def install_formgrader_handlers() -> bool:
    """Swap nbgrader's Formgrader page handlers for safe ones in its route list, before the formgrader
    extension registers them (it reads nbgrader_config.py first): the submission page and its files as
    before, and every other page (Manage Students, the gradebook, ...) autoescaped with a nonce CSP.
    Returns whether the submission routes were found."""
    from nbgrader.server_extensions.formgrader import handlers
    from nbgrader.server_extensions.formgrader.base import BaseHandler

    safe_page, safe_files = _handler_classes()
    made = set(_SAFE_PAGES.values())
    found = 0
    for index, route in enumerate(handlers.default_handlers):
        handler = route[1]
        if handler is handlers.SubmissionHandler or getattr(handler, "__name__", "") == "SafeSubmissionHandler":
            handlers.default_handlers[index] = (route[0], safe_page, *route[2:])
            found += 1
        elif handler is handlers.SubmissionFilesHandler or getattr(handler, "__name__", "") == \
                "SafeSubmissionFilesHandler":
            handlers.default_handlers[index] = (route[0], safe_files, *route[2:])
            found += 1
        elif (isinstance(handler, type) and issubclass(handler, BaseHandler) and handler not in made
              and not issubclass(handler, _SafePage)):
            handlers.default_handlers[index] = (route[0], _safe_page_class(handler), *route[2:])
    return found == 2


# --- the one call -------------------------------------------------------------------------------------

def configure_html(c: Any) -> None:
    """Sanitize Formgrader and feedback pages, cap outputs in autograde, CSP on Formgrader; from configure_nbgrader."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from nbgrader.preprocessors import GetGrades, LimitOutput

    # Autograde: cap right after nbgrader's LimitOutput, keeping whatever configure_nbgrader set before.
    steps = c.Autograde.get("autograde_preprocessors") or list(Autograde.class_traits()["autograde_preprocessors"].default())
    steps = [s for s in steps if s is not CapOutputs]
    if LimitOutput not in steps:
        raise RuntimeError("nbgrader's autograde steps no longer include LimitOutput; update medialit.grading.sanitize")
    steps.insert(steps.index(LimitOutput) + 1, CapOutputs)
    c.Autograde.autograde_preprocessors = steps

    # Both grading pages (Formgrader's HTMLExporter and generate_feedback's subclass of it).
    c.HTMLExporter.preprocessors = [SanitizeForHTML]
    c.HTMLExporter.filters = {"markdown2html": safe_markdown2html}
    c.HTMLExporter.skip_svg_encoding = False  # SVG only as <img src="data:...">, where it cannot script
    c.HTMLExporter.sanitize_html = False  # superseded by the preprocessor and filter above (and weaker)

    # Feedback: its own exporter class, so the "not graded yet" template does not reach Formgrader.
    feedback_steps = list(GenerateFeedback.class_traits()["preprocessors"].default())
    if GetGrades not in feedback_steps:
        raise RuntimeError("nbgrader's generate_feedback steps no longer include GetGrades; update medialit.grading.sanitize")
    feedback_steps.insert(feedback_steps.index(GetGrades) + 1, MarkPending)
    c.GenerateFeedback.preprocessors = feedback_steps
    c.GenerateFeedback.exporter_class = FeedbackHTMLExporter
    nbgrader_templates = Path(str(sys.modules["nbgrader"].__file__)).parent / "server_extensions" / "formgrader" / "templates"
    c.FeedbackHTMLExporter.template_name = "medialit_feedback"
    c.FeedbackHTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    # Roots for {% extends 'feedback/index.html.j2' %}, plus the Bootstrap CSS folder that GenerateFeedback
    # puts in HTMLExporter.extra_template_paths (this class's setting replaces that one, so repeat it).
    bootstrap = nbgrader_templates.parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    c.FeedbackHTMLExporter.extra_template_paths = [str(bootstrap), str(nbgrader_templates)]

    # Formgrader (only when this config is read by the Jupyter server that runs it).
    if "nbgrader.server_extensions.formgrader.formgrader" in sys.modules:
        if not install_formgrader_handlers():
            raise RuntimeError("nbgrader's formgrader routes changed: the submission page would have no "
                               "Content-Security-Policy; update medialit.grading.sanitize")


__all__ = ["CapOutputs", "FeedbackHTMLExporter", "MarkPending", "SanitizeForHTML", "add_nonce", "cap_outputs",
           "clean_html", "configure_html", "safe_markdown2html", "sanitize_notebook", "submission_csp"]
