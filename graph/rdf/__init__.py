"""The shared core: what every room says about RDF itself.

``vocab`` (namespaces, prefixes, the named graphs' IRIs), ``terms`` (a term's short name and
the label chosen for it, ``LANGUAGES``), ``formats`` (one table of RDF syntaxes and result
formats), ``resolve`` (the entity a person means by a name), ``sparql_text`` (a SPARQL
tokenizer).

May import: the base modules (``graph.errors``, ``graph.paths``, ``graph.suggest``) and
rdflib (docs/architecture.md; tests/test_architecture.py checks it).
"""
