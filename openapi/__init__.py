"""The documented contract as data: the derived OpenAPI document and the catalog of regions/models."""
