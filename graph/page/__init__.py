"""HTML: the graph page, the map, the query page and the ontology page.

``html`` (the one Jinja environment, Content-Security-Policy, JSON in a page), ``render``
(the graph page) with ``graph_data``, ``view``, ``vis``, ``timeline``, ``ui`` and the layouts
(``layout``, ``layout_force``, ``layout_axes``, ``overlap``, ``footprint``), the map
(``geomap``, ``map_geometry``, ``map_places``, ``map_labels``), ``query_page`` with
``query_words``, ``ontodoc``, ``vocabulary``.

May import: ``graph.network`` and the rooms below it (docs/architecture.md;
tests/test_architecture.py checks it).
"""
