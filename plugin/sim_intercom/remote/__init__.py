"""A remote MCP server a team can trust: every tool over Streamable HTTP, behind
authentication (client keys mapped to tenants, or OAuth 2.1 in front of Intercom's OAuth),
for many tenants, with replicas that share one Redis.

- `tenants`: a tenant (token, base URL, settings, allowance of tools) and the keys file.
- `store`: where OAuth's clients, codes and tokens live (Redis, sealed; or bounded memory).
- `oauth`: the authorization server in front of Intercom's OAuth.
- `app`: the ASGI app; `access`: its access log; `server`: uvicorn, drained on SIGTERM.

Needs the `mcp` extra (and `redis` for a shared store). See docs/serving.md.
"""
