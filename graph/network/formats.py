"""The network written as files for network tools: GraphML, GEXF, node-link JSON and CSV.

Gephi, Cytoscape and networkx read them. The same network gives the same bytes on every
run: nodes and edges are written in sorted order and nothing depends on the time.
networkx is imported inside the functions, as in ``graph.network.convert``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import ExportError, display_path

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "LIST_SEPARATOR",
    "NETWORK_FORMATS",
    "flat_attributes",
    "flat_value",
    "network_bytes",
    "output_paths",
    "write_network",
]

#: Format name -> file suffix. ``csv`` writes two files: ``<stem>.nodes.csv`` and
#: ``<stem>.edges.csv``.
NETWORK_FORMATS: dict[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "nodelink": ".json",
    "csv": ".csv",
}

#: Separator of the values of a multi-valued attribute in GraphML, GEXF and CSV, which only
#: hold scalars. Chosen because it does not occur in the data and reads well in Gephi.
LIST_SEPARATOR = " | "


def flat_value(value: Any) -> str | int | float | bool:
    """A scalar for GraphML, GEXF and CSV: lists joined with `` | ``, mappings as JSON."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        if all(isinstance(item, str | int | float) for item in value):
            return LIST_SEPARATOR.join(str(item) for item in value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flat_attributes(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """``data`` with every value made a scalar (see ``flat_value``), keys sorted."""
    return {key: flat_value(data[key]) for key in sorted(data) if data[key] is not None}


def _flat_copy(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with scalar attributes only, and an ``id`` on every edge.

    GraphML and GEXF want an edge id unique in the whole file, and the keys are unique only
    between two given nodes: the edges are numbered ``e0, e1...`` in their sorted order.
    """
    import networkx as nx

    flat = nx.MultiDiGraph()
    flat.graph.update(
        {k: flat_value(v) for k, v in sorted(network.graph.items()) if k != "documents"}
    )
    for node, data in sorted(network.nodes(data=True)):
        flat.add_node(node, **flat_attributes(data))
    for index, (source, target, key, data) in enumerate(_sorted_edges(network)):
        flat.add_edge(source, target, key=key, id=f"e{index}", **flat_attributes(data))
    return flat


def _sorted_edges(network: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))


def network_bytes(network: nx.MultiDiGraph, fmt: str) -> dict[str, bytes]:
    """The network in ``fmt``: file suffix -> bytes (two files for ``csv``).

    The same network gives the same bytes on every run: nodes and edges are written in
    sorted order and nothing depends on the time.
    """
    import networkx as nx

    if fmt not in NETWORK_FORMATS:
        raise ExportError(
            f"unknown network format {fmt!r}", hint=f"Choose one of: {', '.join(NETWORK_FORMATS)}."
        )
    if fmt == "nodelink":
        data = nx.node_link_data(network, edges="edges")
        data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
        data["edges"] = sorted(
            data["edges"], key=lambda e: (e["source"], e["target"], str(e["key"]))
        )
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        return {".json": (text + "\n").encode()}
    if fmt == "csv":
        return _csv(network)
    flat = _flat_copy(network)
    buffer = io.BytesIO()
    if fmt == "graphml":
        # GraphML keeps no edge key unless told: store it as an attribute as well.
        for _, _, key, data in flat.edges(keys=True, data=True):
            data["key"] = str(key)
        nx.write_graphml(
            flat,
            buffer,
            encoding="utf-8",
            prettyprint=True,
            named_key_ids=True,
            edge_id_from_attribute="id",
        )
    else:
        # The GEXF writer stores the multigraph key as the attribute "key" by itself.
        writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True)
        # networkx stamps today's date into <meta>: the file would change every day.
        meta = writer.xml.find("meta")
        if meta is not None:
            meta.attrib.pop("lastmodifieddate", None)
        writer.add_graph(flat)
        writer.write(buffer)
    return {NETWORK_FORMATS[fmt]: buffer.getvalue()}


def _csv(network: nx.MultiDiGraph) -> dict[str, bytes]:
    """Nodes and edges tables with the column names Gephi's spreadsheet import recognises
    (Id, Label; Source, Target, Type, Id, Label); the other attributes follow, sorted."""
    node_rows = [
        {"Id": node, "Label": data.get("label", node), **flat_attributes(data)}
        for node, data in sorted(network.nodes(data=True))
    ]
    edge_rows = [
        {
            "Source": source,
            "Target": target,
            "Type": "Directed",
            "Id": f"e{index}",
            "Label": data.get("label", ""),
            "key": str(key),
            **flat_attributes(data),
        }
        for index, (source, target, key, data) in enumerate(_sorted_edges(network))
    ]
    return {
        ".nodes.csv": _table(node_rows, ["Id", "Label"]),
        ".edges.csv": _table(edge_rows, ["Source", "Target", "Type", "Id", "Label", "key"]),
    }


def _table(rows: list[dict[str, Any]], first: list[str]) -> bytes:
    columns = first + sorted({key for row in rows for key in row} - set(first))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})
    return buffer.getvalue().encode("utf-8")


def output_paths(path: Path, fmt: str) -> list[Path]:
    """Where ``write_network`` puts ``fmt``: ``path`` itself, or for csv the two files
    ``<stem>.nodes.csv`` and ``<stem>.edges.csv`` beside it."""
    path = Path(path)
    if fmt != "csv":
        return [path]
    stem = path.name[: -len(".csv")] if path.name.endswith(".csv") else path.name
    return [path.with_name(stem + ".nodes.csv"), path.with_name(stem + ".edges.csv")]


def write_network(network: nx.MultiDiGraph, fmt: str, path: Path) -> list[Path]:
    """Write ``network`` as ``fmt`` to ``path`` (atomically); returns the files written.

    ``fmt`` is one of ``NETWORK_FORMATS``. For ``csv``, ``path`` names the pair
    ``<stem>.nodes.csv`` / ``<stem>.edges.csv`` (``out/graph.csv`` gives
    ``out/graph.nodes.csv`` and ``out/graph.edges.csv``). Everything is rendered before the
    first file is written, so an error leaves no file changed.
    """
    from graph.dataset.export import write_atomic

    rendered = network_bytes(network, fmt)
    targets = output_paths(path, fmt)
    if fmt == "csv":
        pairs = [(targets[0], rendered[".nodes.csv"]), (targets[1], rendered[".edges.csv"])]
    else:
        pairs = [(targets[0], rendered[NETWORK_FORMATS[fmt]])]
    for target, data in pairs:
        if target.is_dir():
            raise ExportError(f"{display_path(target)} is a folder", hint="Give a file name.")
        write_atomic(target, data)
    return [target for target, _ in pairs]
