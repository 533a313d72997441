"""Microsoft's Graph SDK for Python (msgraph-sdk) as a client of the local list server (issue 19).

The SDK is pointed at the server over loopback HTTPS (its httpx client trusts the server's CA file)
and signs in with a tiny azure-core credential that hands it a local-server token. Each call is one
the SDK's request builders make for what plansync does with a list: find the site (also by
``GET /sites?$search=``), create a list, create items, read them with expanded fields, update with
``If-Match`` (and be refused with a stale eTag), and follow delta in the forms the SDK sends:
``items/delta()``, ``items/delta(token='...')`` and ``items/microsoft.graph.delta()``, through its
deltaLink, with deleted items reported. The server follows Graph; where the SDK and Graph disagree,
the test says so.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import warnings
from types import SimpleNamespace

import httpx
import pytest

from sync.local_server import serve_in_thread
from synced_plans import ANN, token


def sdk():
    """The SDK's modules. Its generated request builders warn about their own deprecated classes
    as they are defined; those warnings are the SDK's, not ours, so they are ignored here only."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(msgraph|kiota_abstractions)\.")
        from azure.core.credentials import AccessToken
        from kiota_abstractions.base_request_configuration import RequestConfiguration
        from kiota_abstractions.api_error import APIError
        from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
        from msgraph import GraphRequestAdapter, GraphServiceClient
        from msgraph.generated.models.column_definition import ColumnDefinition
        from msgraph.generated.models.field_value_set import FieldValueSet
        from msgraph.generated.models.list_ import List_
        from msgraph.generated.models.list_info import ListInfo
        from msgraph.generated.models.list_item import ListItem
        from msgraph.generated.models.text_column import TextColumn
        from msgraph.generated.sites.item.lists.item.items.delta.delta_request_builder import DeltaRequestBuilder
        from msgraph.generated.sites.item.lists.item.items.items_request_builder import ItemsRequestBuilder
        from msgraph.generated.sites.sites_request_builder import SitesRequestBuilder
        from msgraph_core import GraphClientFactory
    return SimpleNamespace(**{k: v for k, v in locals().items()})


class LocalServerCredential:
    """An azure-core TokenCredential that hands the SDK a token the local list server issued."""

    def __init__(self, access_token: str) -> None:
        self._token = access_token

    def get_token(self, *scopes: str, **options: object):
        return sdk().AccessToken(self._token, int(time.time()) + 3600)


def graph_client(server, m):
    credential = LocalServerCredential(token(server, ANN).token())
    auth = m.AzureIdentityAuthenticationProvider(
        credential, scopes=["https://graph.microsoft.com/.default"], allowed_hosts=["127.0.0.1"])
    http = httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(server.ca_path)))
    adapter = m.GraphRequestAdapter(auth, m.GraphClientFactory.create_with_default_middleware(client=http))
    adapter.base_url = server.graph_url
    return m.GraphServiceClient(request_adapter=adapter), http


def run(coroutine_function):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(msgraph|kiota_abstractions)\.")
        return asyncio.run(coroutine_function())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve_in_thread(tmp_path_factory.mktemp("sdk")) as running:
        yield running


def test_the_sdk_finds_sites_by_search_and_by_id(server):
    m = sdk()

    async def calls():
        gc, http = graph_client(server, m)
        async with http:
            query = m.SitesRequestBuilder.SitesRequestBuilderGetQueryParameters(search="plansync")
            found = await gc.sites.get(m.RequestConfiguration(query_parameters=query))
            everything = await gc.sites.get(m.RequestConfiguration(
                query_parameters=m.SitesRequestBuilder.SitesRequestBuilderGetQueryParameters(search="*")))
            nothing = await gc.sites.get(m.RequestConfiguration(
                query_parameters=m.SitesRequestBuilder.SitesRequestBuilderGetQueryParameters(search="no such site")))
            # The composite id "host,GUID,GUID" goes into the path; the SDK escapes its commas.
            by_id = await gc.sites.by_site_id(found.value[0].id).get()
            return found, everything, nothing, by_id

    found, everything, nothing, by_id = run(calls)
    assert ["plansync"] == [s.display_name for s in found.value]
    assert {"plansync", "Communication site"} <= {s.display_name for s in everything.value}
    assert [] == nothing.value
    assert (found.value[0].id, "plansync") == (by_id.id, by_id.display_name)
    assert by_id.web_url.endswith("/sites/plansync")


def test_the_sdk_creates_reads_updates_and_follows_delta_on_a_list(server):
    m = sdk()

    async def calls():
        gc, http = graph_client(server, m)
        async with http:
            query = m.SitesRequestBuilder.SitesRequestBuilderGetQueryParameters(search="plansync")
            site_id = (await gc.sites.get(m.RequestConfiguration(query_parameters=query))).value[0].id
            made_list = await gc.sites.by_site_id(site_id).lists.post(m.List_(
                display_name="SDK actions", list_=m.ListInfo(template="genericList"),
                columns=[m.ColumnDefinition(name="RowKey", text=m.TextColumn(max_length=255), indexed=True,
                                            enforce_unique_values=True)]))
            all_lists = await gc.sites.by_site_id(site_id).lists.get()
            one_list = await gc.sites.by_site_id(site_id).lists.by_list_id(made_list.id).get()
            items = gc.sites.by_site_id(site_id).lists.by_list_id(made_list.id).items
            fields = m.DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(expand=["fields"])
            start = await items.delta.get(m.RequestConfiguration(query_parameters=fields))  # GET .../items/delta()
            first = await items.post(m.ListItem(fields=m.FieldValueSet(additional_data={"RowKey": "p:1.1", "Title": "One"})))
            second = await items.post(m.ListItem(fields=m.FieldValueSet(additional_data={"RowKey": "p:1.2", "Title": "Two"})))
            try:  # the row key column is unique: a second item with the same key is refused
                await items.post(m.ListItem(fields=m.FieldValueSet(additional_data={"RowKey": "p:1.1"})))
                duplicate = None
            except m.APIError as exc:
                duplicate = (exc.response_status_code, exc.error.code)
            expand = m.ItemsRequestBuilder.ItemsRequestBuilderGetQueryParameters(expand=["fields"])
            listed = await items.get(m.RequestConfiguration(query_parameters=expand))
            guarded = m.RequestConfiguration()
            guarded.headers.add("If-Match", first.e_tag)
            updated = await items.by_list_item_id(first.id).fields.patch(
                m.FieldValueSet(additional_data={"Title": "One, revised"}), request_configuration=guarded)
            try:  # the same eTag again is stale now
                await items.by_list_item_id(first.id).fields.patch(
                    m.FieldValueSet(additional_data={"Title": "lost update"}), request_configuration=guarded)
                stale = None
            except m.APIError as exc:
                stale = (exc.response_status_code, exc.error.code)
            await items.by_list_item_id(second.id).delete()
            changes = await items.delta.with_url(start.odata_delta_link).get()  # the deltaLink, verbatim
            token_value = start.odata_delta_link.split("token=", 1)[1]
            with_token = await items.delta_with_token(token_value).get()  # .../items/delta(token='...')
            # The SDK's items.delta has no token parameter (msgraph-sdk-python #1122), so
            # ?token=latest cannot be sent through it; delta(token='latest') is the SDK's way.
            latest = await items.delta_with_token("latest").get()
            namespaced = await items.delta.with_url(
                f"{server.graph_url}/sites/{site_id}/lists/{made_list.id}/items/microsoft.graph.delta()").get()
            return (all_lists, one_list), first, duplicate, listed, updated, stale, changes, with_token, latest, namespaced

    lists, first, duplicate, listed, updated, stale, changes, with_token, latest, namespaced = run(calls)
    assert "SDK actions" in [lst.display_name for lst in lists[0].value]
    assert ("SDK actions", "genericList") == (lists[1].display_name, lists[1].list_.template)
    assert "1" == first.id and first.e_tag.startswith('"{')
    assert (409, "nameAlreadyExists") == duplicate
    assert [("p:1.1", "One"), ("p:1.2", "Two")] == [
        (i.fields.additional_data["RowKey"], i.fields.additional_data["Title"]) for i in listed.value]
    assert "One, revised" == updated.additional_data["Title"]
    assert updated.additional_data["@odata.etag"] != first.e_tag
    assert (412, "resourceModified") == stale
    # Delta through the SDK's own model: the changed item with its fields (the deltaLink kept the
    # $expand the first call asked for), the deleted one marked.
    by_id = {i.id: i for i in changes.value}
    assert "One, revised" == by_id["1"].fields.additional_data["Title"]
    assert "deleted" == by_id["2"].deleted.state
    assert changes.odata_delta_link and not changes.odata_next_link
    assert {"1", "2"} == {i.id for i in with_token.value}
    assert ([], True) == (latest.value, bool(latest.odata_delta_link))
    assert ["1"] == [i.id for i in namespaced.value]  # a first enumeration lists live items only
