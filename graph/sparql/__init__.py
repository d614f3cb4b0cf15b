"""Questions: read a query, check it, bind its parameters, run it, write the answer.

``safety`` (the one reading of a text and what it may do), ``catalogue`` (named queries and
their headers), ``prepare`` (parameters), ``engines`` (Oxigraph, rdflib, an endpoint),
``store`` (the per-process data cache), ``answer``, ``query`` (``run_query``), ``deadline``
(a query in a worker of ``graph.workers``), ``result`` and ``results`` (tables, CSV, JSON...),
``unknown_terms`` (warnings), ``outbound`` (the one HTTP client), ``errors``.

May import: ``graph.workers``, ``graph.dataset``, ``graph.rdf`` and the base modules
(docs/architecture.md; tests/test_architecture.py checks it).
"""
