"""``coopgraph serve``: the SPARQL endpoint and the Linked Data site.

``app`` (the Starlette app and ``serve``), ``config``, ``views`` (the endpoints), ``http``
(reading requests), ``reply`` (replies and content negotiation, also in the workers),
``tasks`` (what the workers do), ``entity`` and ``entity_page``, ``words`` (the pages' words),
``rewrite`` (a query's base and dataset), ``service`` (the service description).

May import: ``graph.publish`` and the rooms below it (docs/architecture.md;
tests/test_architecture.py checks it).
"""
