"""``python -m graph``: the same as the ``coopgraph`` command."""

from graph.cli import main

if __name__ == "__main__":
    main()
