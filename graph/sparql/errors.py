"""The errors of running a query (those of reading one are in ``graph.sparql.catalogue`` and
``graph.sparql.safety``).

Each carries the exit code of ``coopgraph query``: 2 for the caller's mistake, 1 for a query
that was accepted but could not be answered.
"""

from __future__ import annotations

from graph.errors import CoopGraphError

__all__ = [
    "EndpointError",
    "EndpointRejectedError",
    "ParameterError",
    "QueryFailedError",
    "QueryTimeoutError",
]


# --- errors ---------------------------------------------------------------------------------


class ParameterError(CoopGraphError):
    """A parameter is unknown, or its value does not fit its type."""

    exit_code = 2


class QueryTimeoutError(CoopGraphError):
    """The query ran longer than the timeout and was stopped."""

    exit_code = 1
    default_hint = "Give it more time with --timeout, or narrow the query (LIMIT, FILTER)."


class QueryFailedError(CoopGraphError):
    """The engine could not answer a query that was accepted."""

    exit_code = 1


class EndpointError(CoopGraphError):
    """The SPARQL endpoint could not be reached or answered with an error."""

    exit_code = 1
    default_hint = "Check the endpoint URL and that the server is running."


class EndpointRejectedError(EndpointError):
    """The endpoint answered 400: it could not read the query (a bad query, exit code 2)."""

    exit_code = 2
    default_hint = "The endpoint's parser rejected the query: its message says where."
