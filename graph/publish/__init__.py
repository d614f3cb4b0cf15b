"""Every output at once, and sending the graph to a store.

``build`` (all outputs, all or nothing), ``buildcache`` (a build kept while nothing changed),
``push`` (SPARQL 1.1 Graph Store Protocol).

May import: ``graph.page`` and the rooms below it (docs/architecture.md;
tests/test_architecture.py checks it).
"""
