"""The case kit: make a case (an article and its annotations) for the course from an article's text.

One job per module:

* ``text``     split an article's raw text into paragraphs, keeping each paragraph's offset in the raw text
* ``new``      ``medialit case new``: a case folder from an article's text, with skeleton annotation files
* ``imports``  ``medialit case import``: spans from PTC TSV, Label Studio JSON and doccano JSONL exports
* ``checks``   ``medialit case check``: everything ``load_case`` checks, plus offsets drifted after an edit
* ``build``    ``medialit case build``: practice notebooks, book pages and nbgrader source notebooks
* ``cli``      the ``case`` command group (``python -m medialit.casekit`` or ``medialit case``)
"""
