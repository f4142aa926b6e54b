"""``python -m offramp`` runs the command line."""

from offramp.cli import main

main()
