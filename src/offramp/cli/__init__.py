"""The command line: `offramp <verb>`, one module a group of verbs."""
