"""MCP server exposing the Responses API as MCP tools."""
