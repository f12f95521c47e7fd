"""A local Responses-compatible endpoint (Starlette + uvicorn): the embedded default."""
