"""The graph as a network: entities and relations for networkx, Gephi and Cytoscape.

``kinds`` (what kind of entity a node is), ``convert`` (RDF to networkx), ``formats``
(GraphML, GEXF, node-link JSON, CSV), ``analyse`` (centrality, finding an entity),
``pathfind`` (shortest chains), ``stats``.

May import: ``graph.sparql`` and the rooms below it (docs/architecture.md;
tests/test_architecture.py checks it).
"""
