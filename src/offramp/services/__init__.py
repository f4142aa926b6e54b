"""The use cases. The one place the access policy is applied (``services.access``)."""
