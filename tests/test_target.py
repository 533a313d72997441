"""Where plansync syncs: flags > Settings sheet > the embedded local list server."""

from __future__ import annotations

import httpx
import platformdirs
import pytest

from plansync.errors import SettingsError
from sync.local_server import TENANT
from sync.target import open_target, parse_site, resolve_target
from validation.settings import Settings

SHEET = Settings(site="https://contoso.sharepoint.com/sites/improvement", list_name="Plan actions")


def test_nothing_configured_means_the_embedded_server_with_data_in_plansync_home(tmp_path):
    target = resolve_target(Settings(), environ={"PLANSYNC_HOME": str(tmp_path)})
    assert (True, True, tmp_path, None, "/sites/plansync", "Actions") == (
        target.embedded, target.local, target.home, target.graph_url, target.site_path, target.list_name
    )
    assert f"list 'Actions' on the local list server (data in {tmp_path})" == target.describe()


def test_without_plansync_home_the_data_lives_in_the_per_user_data_folder():
    target = resolve_target(None, environ={})
    assert platformdirs.user_data_dir("plansync", appauthor=False) == str(target.home)


def test_the_settings_sheet_names_the_sharepoint_site_and_list():
    target = resolve_target(SHEET, environ={"PLANSYNC_CLIENT_ID": "app-1"})
    assert ("https://graph.microsoft.com/v1.0", "contoso.sharepoint.com", "/sites/improvement", "Plan actions") == (
        target.graph_url, target.site_host, target.site_path, target.list_name
    )
    assert (False, False) == (target.local, target.embedded)
    assert ("https://login.microsoftonline.com/contoso.onmicrosoft.com", "app-1", True) == (
        target.authority, target.client_id, target.verify
    )
    assert (
        "list 'Plan actions' on contoso.sharepoint.com/sites/improvement (SharePoint at https://graph.microsoft.com/v1.0)"
        == target.describe()
    )


def test_flags_win_over_the_settings_sheet_value_by_value():
    target = resolve_target(SHEET, list_name="Board actions", environ={})
    assert ("/sites/improvement", "Board actions") == (target.site_path, target.list_name)
    target = resolve_target(SHEET, site="contoso.sharepoint.com/sites/other", environ={})
    assert ("/sites/other", "Plan actions") == (target.site_path, target.list_name)


def test_plansync_tenant_overrides_the_tenant_taken_from_the_site():
    target = resolve_target(SHEET, environ={"PLANSYNC_TENANT": "0000-tenant"})
    assert "https://login.microsoftonline.com/0000-tenant" == target.authority


@pytest.mark.parametrize("written, parsed", [
    ("https://contoso.sharepoint.com/sites/improvement/", ("contoso.sharepoint.com", "/sites/improvement")),
    ("contoso.sharepoint.com/sites/improvement", ("contoso.sharepoint.com", "/sites/improvement")),
    ("contoso.sharepoint.com:/sites/improvement", ("contoso.sharepoint.com", "/sites/improvement")),
    ("/sites/plansync", (None, "/sites/plansync")),
    ("contoso.sharepoint.com", ("contoso.sharepoint.com", None)),
])
def test_sites_as_people_write_them(written, parsed):
    assert parsed == parse_site(written)


def test_real_graph_without_a_site_says_where_to_write_it():
    with pytest.raises(SettingsError) as err:
        resolve_target(Settings(graph_url="https://graph.microsoft.com/v1.0"), environ={})
    assert (
        "plansync needs the SharePoint site to sync with, e.g. https://contoso.sharepoint.com/sites/improvement. "
        "Write it in the Settings sheet ('SharePoint site') or pass --site."
    ) == str(err.value)
    assert "site" == err.value.setting


def test_a_graph_url_that_is_not_https_is_refused():
    with pytest.raises(SettingsError) as err:
        resolve_target(None, graph_url="http://127.0.0.1:8080/v1.0", environ={})
    assert (
        "The Graph URL 'http://127.0.0.1:8080/v1.0' is not an https:// address. Write it like "
        "https://graph.microsoft.com/v1.0 (Settings sheet 'Graph URL', or --graph-url)."
    ) == str(err.value)


def test_any_other_https_graph_url_is_a_local_list_server_trusting_its_ca(tmp_path):
    (tmp_path / "tls").mkdir()
    (tmp_path / "tls" / "ca.pem").write_text("x")
    target = resolve_target(None, graph_url="https://127.0.0.1:8443/v1.0/", environ={"PLANSYNC_HOME": str(tmp_path)})
    assert (True, False, "/sites/plansync") == (target.local, target.embedded, target.site_path)
    assert f"https://127.0.0.1:8443/{TENANT}" == target.authority
    assert str(tmp_path / "tls" / "ca.pem") == target.verify
    target = resolve_target(None, graph_url="https://127.0.0.1:8443/v1.0", environ={"PLANSYNC_CA_FILE": "/x/ca.pem"})
    assert "/x/ca.pem" == target.ca_path


def test_open_target_runs_the_embedded_server_only_while_the_command_runs(tmp_path):
    target = resolve_target(None, environ={"PLANSYNC_HOME": str(tmp_path / "home")})
    with open_target(target) as opened:
        assert opened.graph_url.startswith("https://127.0.0.1:") and opened.graph_url.endswith("/v1.0")
        assert opened.authority == opened.graph_url.removesuffix("/v1.0") + f"/{TENANT}"
        assert str(tmp_path / "home" / "tls" / "ca.pem") == opened.ca_path
        # The server answers (401 without a token) while the block runs ...
        assert 401 == httpx.get(opened.graph_url + "/sites/root", verify=_ctx(opened.ca_path)).status_code
    # ... and is gone afterwards.
    with pytest.raises(httpx.ConnectError):
        httpx.get(opened.graph_url + "/sites/root", verify=_ctx(opened.ca_path))


def test_open_target_leaves_a_configured_target_alone():
    target = resolve_target(SHEET, environ={})
    with open_target(target) as opened:
        assert opened is target


def _ctx(ca):
    import ssl

    return ssl.create_default_context(cafile=ca)
