"""The HTTP API (FastAPI): thin routes over the services; errors as RFC 9457 problems."""
