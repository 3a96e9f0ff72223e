"""medialit: the code behind the Deir Ezzor media-literacy course.

    from medialit import load_case
    case = load_case("deir-ezzor-2018")
"""
from .article import Article, Paragraph
from .case import Case, CaseDataError, load_case
from .records import Actor, Claim, Figure, LaterReport, LoadedPhrase, Statement

CASE = "deir-ezzor-2018"

__all__ = [
    "CASE", "Actor", "Article", "Case", "CaseDataError", "Claim", "Figure", "LaterReport",
    "LoadedPhrase", "Paragraph", "Statement", "load_case",
]
