"""The data: read, derive, check, write and describe it.

``sources`` (the one listing and reader of data files), ``parse`` and ``prefixes`` (one file
into rdflib), ``load`` (the rdflib graph and the Oxigraph store), ``infer`` (the derivation
rules), ``validate`` with ``validate_oxigraph``, ``validate_pyshacl``, ``shacl_sparql`` and
``report``, ``export`` (canonical serialisations, atomic writes), ``oxigraph_terms``,
``describe`` (VoID and DCAT).

May import: ``graph.rdf`` and the base modules (docs/architecture.md;
tests/test_architecture.py checks it).
"""
