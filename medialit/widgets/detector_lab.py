"""DetectorLab: the student, a transparent machine (medialit.detector) and the practice key mark the same
paragraphs; each pair is scored with medialit.scoring.span_prf; a "write the spin" box shows the machine's
score of the student's own sentence.

All interaction (marking, the threshold slider, scoring, the rewrite box) happens in detector_lab.js, which
holds the JavaScript twin of the detector and reads the same lexicon data, so the widget works on the static
site with no kernel. Python reads back `selection` (the student's marks, [start, end] offsets into
`case.text`), `threshold` and `rewrite`.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..case import Case, load_case
from ..detector import DEFAULT_THRESHOLD, Mark, detect, detect_paragraphs, load_lexicon, sentence_score
from ..scoring import SpanScore, span_prf
from .highlighter import TECHNIQUE_LABELS, checked_paragraphs, speaker_name, tokenize

HERE = Path(__file__).resolve().parent



class DetectorLab(anywidget.AnyWidget):
    """Compare your marks, the machine's and the key's on practice paragraphs; move the machine's threshold.

    >>> lab = DetectorLab(load_case("deir-ezzor-2018"), paragraphs=[2, 3])
    >>> lab.threshold = 0.3
    >>> lab.machine_score().f1, lab.student_score().f1
    """

    _esm = HERE / "detector_lab.js"
    _css = HERE / "detector_lab.css"

    selection = traitlets.Any([]).tag(sync=True)
    threshold = traitlets.Float(DEFAULT_THRESHOLD).tag(sync=True)
    # Starts as the case's own sentence (loaded_language.yaml `detector_rewrite`), set in __init__.
    rewrite = traitlets.Unicode("").tag(sync=True)
    _data = traitlets.Dict().tag(sync=True)
    # The traits the static site keeps in the browser's storage between visits (widget_runtime.js); in
    # JupyterLab nothing is restored: the kernel's traits are the truth there.
    _keep = traitlets.List(["selection", "threshold", "rewrite", "checked", "_checked_selection"]).tag(sync=True)
    # The course's one answer-guarding rule: scores against the key, and the key itself, open only after a real
    # attempt, a Check with at least one mark. `_checked_selection` holds the marks as checked, so the student's
    # score against the key is the checked one, not a live probe of the key (detector_lab.js).
    checked = traitlets.Bool(False).tag(sync=True)
    _checked_selection = traitlets.Any(None).tag(sync=True)

    def __init__(self, case: Case | str, paragraphs: Iterable[int] | None = None, **kwargs: Any) -> None:
        if isinstance(case, str):
            case = load_case(case)
        self._case = case
        self._numbers = checked_paragraphs(case, paragraphs)
        self._key = [phrase for phrase in case.loaded_language if phrase.paragraph in self._numbers]
        kwargs.setdefault("rewrite", case.detector_rewrite)
        super().__init__(_data=self._payload(), **kwargs)

    @property
    def case(self) -> Case:
        return self._case

    @property
    def paragraphs(self) -> tuple[int, ...]:
        return self._numbers

    @property
    def key_spans(self) -> list[tuple[int, int]]:
        return [phrase.span for phrase in self._key]

    def machine_marks(self) -> list[Mark]:
        """The machine's marks at the current threshold, each with the lexicon entries that fired."""
        return detect_paragraphs(self._case, self._numbers, self.threshold)

    def machine_score(self) -> SpanScore:
        """The machine against the key, with span_prf."""
        return span_prf([m.span for m in self.machine_marks()], self.key_spans, text_length=len(self._case.text))

    def student_score(self) -> SpanScore:
        """The student's marks against the key, with span_prf."""
        return span_prf([tuple(s) for s in self.selection], self.key_spans, text_length=len(self._case.text))

    def machine_vs_student(self) -> SpanScore:
        """The machine's marks scored against the student's, with span_prf (the student as the key)."""
        return span_prf([m.span for m in self.machine_marks()], [tuple(s) for s in self.selection],
                        text_length=len(self._case.text))

    def rewrite_marks(self) -> list[Mark]:
        return detect(self.rewrite, self.threshold)

    def rewrite_score(self) -> float:
        return sentence_score(self.rewrite, self.threshold)

    @traitlets.validate("threshold")
    def _validate_threshold(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if not (math.isfinite(value) and 0 < value <= 1):
            raise ValueError(f"threshold is {value}; it must be more than 0 and at most 1, such as 0.5")
        return value

    @traitlets.validate("selection")
    def _validate_selection(self, proposal: dict[str, Any]) -> list[list[int]]:
        spans = proposal["value"]
        if not isinstance(spans, (list, tuple)):
            raise ValueError("selection must be a list of [start, end] pairs such as [[648, 655]]")
        clean = []
        for number, span in enumerate(spans, start=1):
            if (not isinstance(span, (list, tuple)) or len(span) != 2
                    or not all(type(x) is int for x in span) or not 0 <= span[0] < span[1]):
                raise ValueError(f"selection span {number} (counting from 1) is {span!r}; "
                                 "each must be a [start, end] pair of whole numbers with start < end")
            if not any(self._case.paragraph(n).start <= span[0] and span[1] <= self._case.paragraph(n).end
                       for n in self._numbers):
                raise ValueError(f"selection span {number} (counting from 1) is {list(span)}, which is not inside "
                                 f"one of this widget's paragraphs {list(self._numbers)}")
            clean.append([span[0], span[1]])
        return sorted(clean)

    def _payload(self) -> dict[str, Any]:
        case = self._case
        paragraphs = [{
            "number": n, "start": case.paragraph(n).start, "end": case.paragraph(n).end,
            "text": case.paragraph(n).text,
            "tokens": [[s, e] for s, e in tokenize(case.paragraph(n).text, case.paragraph(n).start)],
        } for n in self._numbers]
        key = [{
            "paragraph": p.paragraph, "start": p.start, "end": p.end, "text": p.text,
            "technique_label": TECHNIQUE_LABELS.get(p.technique, p.technique.replace("_", " ")),
            "speaker": speaker_name(case, p.speaker),
        } for p in self._key]
        lexicon = load_lexicon()
        # The whole word list goes to the browser: the rewrite box must score any word the student types.
        return {"paragraphs": paragraphs, "key": key,
                "lexicon": {"words": lexicon["words"], "sources": lexicon["sources"]}}
