"""Processes that run one task at a time under a deadline, without network.

``pool`` (the pool, its warm spares and deadlines), ``worker`` (the process), ``protocol``
(messages and errors across the pipe), ``sandbox`` (seccomp). A pool is given the dotted
name of the module whose ``warm`` and ``handle`` its workers run, so it imports none of
the rooms that use it.

May import: ``graph.dataset``, ``graph.rdf`` and the base modules (docs/architecture.md;
tests/test_architecture.py checks it).
"""
