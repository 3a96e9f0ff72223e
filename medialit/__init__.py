"""medialit: the code behind the media-literacy course, for whichever case (article) it is configured with.

    from medialit import current_case, load_case
    case = load_case(current_case())
"""
from .article import Article, Paragraph
from .case import Case, CaseDataError, current_case, load_case, use_case
from .records import Actor, Claim, Figure, LaterReport, LoadedPhrase, Statement

# The configured case when medialit was imported, kept for the course's pages and tests that import it; the engine
# itself asks `current_case()` each time, so a notebook's `use_case(...)` or MEDIALIT_CASE takes effect.
CASE = current_case()

__all__ = [
    "CASE", "Actor", "Article", "Case", "CaseDataError", "Claim", "Figure", "LaterReport",
    "LoadedPhrase", "Paragraph", "Statement", "current_case", "load_case", "use_case",
]
