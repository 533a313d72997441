"""A local Graph-compatible SharePoint list server: plansync's embedded default and test stand-in.

It follows Microsoft Graph v1.0 as documented for lists (``GRAPH.md``): sites, lists, columns,
items with paging and filters, eTags and 412, delta, JSON batching, throttling and Graph's error
bodies, plus the OAuth2/OpenID endpoints msal uses, for development identities. Data lives in
SQLite under ``home``. See ``docs/local-server.md``.

Example::

    with serve_in_thread(home) as server:
        print(server.graph_url, server.authority, server.ca_path)
"""

from sync.local_server.identity import TENANT
from sync.local_server.server import RunningServer, create_app, serve_in_thread

__all__ = ["RunningServer", "TENANT", "create_app", "serve_in_thread"]
