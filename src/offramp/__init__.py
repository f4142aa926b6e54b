"""offramp: software for the people who try to end wars and keep crises from escalating."""

__version__ = "0.1.0"
