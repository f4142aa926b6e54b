"""Every file format offramp reads and writes: case files, crisis sections, playbooks."""
