"""The web desk: server-rendered pages over the same services as the API."""
