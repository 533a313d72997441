"""Benchmark: create and read back list items through the Graph client, batched vs one request per item.

The local list server runs over HTTPS on loopback with injected latency (default 50 ms per HTTP
request, like a far-away SharePoint). Both ways run in the same process against the same server:

* batched: JSON ``$batch`` of 20 creates per request, then the list read back page by page
  (``@odata.nextLink``, the server's page size);
* one per item: one ``POST`` per item, then one ``GET`` per item. At 50 ms a request, 10,000 items
  would take over 16 minutes this way, so it is measured on ``--baseline-items`` items and
  extrapolated linearly (the output says so).

Run: ``python benchmarks/graph.py [--items 10000] [--baseline-items 200] [--latency-ms 50]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync import auth  # noqa: E402
from sync.batching import create_item_request  # noqa: E402
from sync.graph import GraphClient  # noqa: E402
from sync.local_server import serve_in_thread  # noqa: E402
from sync.target import resolve_target  # noqa: E402

COLUMNS = [
    {"name": "RowKey", "text": {"maxLength": 255}, "indexed": True, "enforceUniqueValues": True},
    {"name": "Status", "choice": {"choices": ["On track", "At risk"]}},
]


def fields(prefix: str, n: int) -> dict:
    return {"RowKey": f"{prefix}-{n:05}", "Status": "On track"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--baseline-items", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home, serve_in_thread(Path(home), latency_ms=args.latency_ms) as server:
        env = {"PLANSYNC_CA_FILE": str(server.ca_path), "PLANSYNC_TOKEN_CACHE": str(Path(home) / "tokens.bin")}
        target = resolve_target(None, graph_url=server.graph_url, environ=env)
        provider = auth.token_provider(
            target, as_email="bench@example.org", environ=env, cache=auth.open_cache(env, warn=lambda m: None)
        )
        with GraphClient(server.graph_url, auth=provider, verify=str(server.ca_path)) as gc:
            site = gc.get_site(path="/sites/plansync")["id"]
            batched_list = gc.ensure_list(site, "Batched", COLUMNS)["id"]
            single_list = gc.ensure_list(site, "OnePerItem", COLUMNS)["id"]

            # Batched create + paged read.
            start, before = time.perf_counter(), gc.requests
            answers = gc.batch([create_item_request(str(n), site, batched_list, fields("b", n)) for n in range(args.items)])
            create_s, create_req = time.perf_counter() - start, gc.requests - before
            assert all(a.status == 201 for a in answers)
            start, before = time.perf_counter(), gc.requests
            read = sum(1 for _ in gc.iter_items(site, batched_list, select=["RowKey", "Status"]))
            read_s, read_req = time.perf_counter() - start, gc.requests - before
            assert read == args.items

            # One request per item, on fewer items.
            n = args.baseline_items
            start, before = time.perf_counter(), gc.requests
            ids = [gc.create_item(site, single_list, fields("s", i))["id"] for i in range(n)]
            one_create_s, one_create_req = time.perf_counter() - start, gc.requests - before
            start, before = time.perf_counter(), gc.requests
            for item_id in ids:
                gc.get_item(site, single_list, item_id, select=["RowKey", "Status"])
            one_read_s, one_read_req = time.perf_counter() - start, gc.requests - before

    scale = args.items / n
    est_create_s, est_read_s = one_create_s * scale, one_read_s * scale
    batched_total = create_s + read_s
    single_total = est_create_s + est_read_s
    print(f"local list server over HTTPS on loopback, {args.latency_ms:g} ms latency per HTTP request, {args.items:,} items")
    print(f"{'':34}{'create':>18}{'read back':>18}{'total':>12}")
    print(f"{'batched (20/batch, paged reads)':34}{create_s:>9.1f} s {create_req:>5} req{read_s:>9.1f} s {read_req:>5} req"
          f"{batched_total:>9.1f} s")
    print(f"{f'one request per item ({n} measured)':34}{one_create_s:>9.1f} s {one_create_req:>5} req"
          f"{one_read_s:>9.1f} s {one_read_req:>5} req{one_create_s + one_read_s:>9.1f} s")
    print(f"{f'one per item, extrapolated x{scale:g}':34}{est_create_s:>9.1f} s {args.items:>5} req"
          f"{est_read_s:>9.1f} s {args.items:>5} req{single_total:>9.1f} s")
    print(f"speed-up of batching + paging over one request per item: {single_total / batched_total:.1f}x "
          f"({(args.items * 2) / (create_req + read_req):.0f}x fewer requests)")


if __name__ == "__main__":
    main()
