"""``python -m offramp`` runs the command line."""

from offramp.cli.app import main

main()
