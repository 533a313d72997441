"""SharePoint's REST API (``{site}/_api/...``) for users, groups and item permissions, on the local server.

Graph v1.0 cannot set a generic list item's permissions, so plansync uses SharePoint's own REST
endpoints for that (docs/sign-in.md); this module answers the ones plansync sends, so the SharePoint
path is tested against the same rules the local server enforces (``principals.py``,
``permissions.py``). Answers use ``odata=nometadata`` JSON: an entity is a plain object, a
collection ``{"value": [...]}``. Errors use SharePoint's ``{"odata.error": {...}}`` body.

Routes (``L`` a list title, ``N`` a group title, all below ``/_api/web``)::

    GET  ''  |  currentuser  |  roledefinitions  |  roledefinitions/getbyname('Contribute')
    POST ensureuser  {"logonName": "a@x"}
    GET  associatedownergroup|associatedmembergroup|associatedvisitorgroup[/users]
    GET  sitegroups  |  POST sitegroups {"Title": N}                      (site owners)
    GET  sitegroups/getbyname('N')[/users]  |  POST .../users {"LoginName": ...}  (site owners)
    POST sitegroups/getbyname('N')/users/removebyid(7) | removebyloginname(@v)?@v='...'  (site owners)
    lists/getbytitle('L')[/items(ID)] then:
      GET  hasuniqueroleassignments | roleassignments
      POST breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true) | resetroleinheritance
      POST roleassignments/addroleassignment(principalid=7,roledefid=1073741827) | .../removeroleassignment(...)

Changing groups needs a site owner (or an app); changing an object's permissions needs full control
of it. Breaking inheritance without copying gives the caller full control of the object, as
SharePoint does.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

from sync.local_server.identity import display_name
from sync.local_server import principals
from sync.local_server.principals import EDIT, FULL_CONTROL, READ, ROLE_DEFINITIONS, Principal, item_scope, list_scope
from sync.local_server.database import Missing
from sync.local_server.tokens import TokenInvalid

__all__ = ["handle", "is_sharepoint_path"]

_SEGMENT = re.compile(r"^(\w+)(?:\((.*)\))?$", re.S)
_ACCESS_DENIED = "-2147024891, System.UnauthorizedAccessException"
_NOT_FOUND = "-2146232832, Microsoft.SharePoint.SPException"
_BAD = "-1, Microsoft.SharePoint.Client.InvalidClientQueryException"


class SPError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, dict(headers or {})


def is_sharepoint_path(path: str) -> bool:
    return "/_api/" in path + "/"


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json;odata=nometadata")


def _error(exc: SPError) -> Response:
    response = _json({"odata.error": {"code": exc.code, "message": {"lang": "en-US", "value": exc.message}}}, exc.status)
    response.headers.update(exc.headers)
    return response


def _denied(message: str) -> SPError:
    return SPError(403, _ACCESS_DENIED, f"Access denied. {message}")


def _args(text: str | None, request: Request) -> tuple[list[str], dict[str, str]]:
    """``'a'``, ``7``, ``@v`` (from the query) or ``k=v,k=v`` -> (positional, named)."""
    if not text:
        return [], {}
    positional: list[str] = []
    named: dict[str, str] = {}
    for part in re.findall(r"(?:[^,']|'(?:[^']|'')*')+", text):
        key, eq, value = part.partition("=")
        target = value if eq and re.fullmatch(r"\w+", key.strip()) else part
        target = target.strip()
        if target.startswith("@"):
            target = request.args.get(target, "")
        if target.startswith("'") and target.endswith("'") and len(target) >= 2:
            target = target[1:-1].replace("''", "'")
        if eq and re.fullmatch(r"\w+", key.strip()):
            named[key.strip().lower()] = target
        else:
            positional.append(target)
    return positional, named


def _user_body(p: Principal, site_owner: bool = False) -> dict:
    return {"Id": p.id, "Title": display_name(p.email), "Email": p.email, "LoginName": p.name,
            "PrincipalType": 1, "IsSiteAdmin": site_owner, "UserPrincipalName": p.email}


def _group_body(p: Principal) -> dict:
    return {"Id": p.id, "Title": p.name, "LoginName": p.name, "Description": p.description, "PrincipalType": 8}


def _principal_body(p: Principal) -> dict:
    return _user_body(p) if p.kind == "user" else _group_body(p)


def _role_body(roledef: int) -> dict:
    return {"Id": roledef, "Name": ROLE_DEFINITIONS[roledef][0], "Hidden": False}


class _Context:
    """One SharePoint REST request: the site, the caller and helpers."""

    def __init__(self, app, request: Request, site: dict, email: str | None) -> None:
        self.app, self.request, self.site, self.email = app, request, site, email
        self.p = app.principals

    def body(self) -> dict:
        try:
            data = json.loads(self.request.get_data() or b"{}")
        except ValueError:
            raise SPError(400, _BAD, "The request body is not JSON.") from None
        return data if isinstance(data, dict) else {}

    def require_owner(self, what: str) -> None:
        if self.email is not None and not self.p.is_site_owner(self.site, self.email):
            raise _denied(f"{self.email} is not an owner of this site; only its owners may {what}.")

    def require_manage(self, chain: list[str], what: str) -> None:
        if "manage" not in self.p.rights(self.site, self.email, chain):
            raise _denied(f"{self.email} may not {what}: that needs full control of it (site owners, and the "
                          "support role on plansync's list).")

    def group(self, how: str, arg: str) -> Principal:
        found = self.p.by_id(self.site["id"], int(arg)) if how == "getbyid" and arg.isdigit() else (
            self.p.group(self.site["id"], arg) if how == "getbyname" else None)
        if found is None or found.kind != "group":
            raise SPError(404, _NOT_FOUND, "Group cannot be found.")
        return found

    def user_of(self, login_or_email: str) -> Principal:
        email = login_or_email.rsplit("|", 1)[-1].strip()
        if "@" not in email:
            raise SPError(400, _BAD, f"'{login_or_email}' is not a user's sign-in; give an email address.")
        return self.p.ensure_user(self.site["id"], email)


def handle(app, request: Request) -> Response:
    """Answer one ``/_api/`` request."""
    try:
        prefix, _, rest = request.path.partition("/_api/")
        email = _authenticate(app, request)
        try:
            site = app.store.site_by_path("localhost", prefix or "/")
        except Missing:
            raise SPError(404, _NOT_FOUND, f"There is no site at {prefix or '/'}.") from None
        ctx = _Context(app, request, site, email)
        segments = [s for s in rest.split("/") if s]
        if not segments or segments[0].lower() != "web":
            raise SPError(404, _BAD, "plansync's local server answers /_api/web/... only.")
        with app.store.transaction():  # a refused or failed call changes nothing
            return _json(*_route(ctx, segments[1:]))
    except SPError as exc:
        return _error(exc)


def _authenticate(app, request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    resource = request.host_url.rstrip("/")
    challenge = {"WWW-Authenticate": 'Bearer realm="local", client_id="00000003-0000-0ff1-ce00-000000000000"'}
    try:
        if scheme.lower() != "bearer":
            raise TokenInvalid("no token")
        claims = app.signer.verify(token.strip(), kind="access")
    except TokenInvalid:
        raise _unauthorized("Invalid or expired token; sign in again.", challenge) from None
    if urlsplit(str(claims.get("aud", ""))).netloc.lower() != urlsplit(resource).netloc.lower():
        raise _unauthorized(f"The token is not for SharePoint at {resource} (its audience is {claims.get('aud')}); "
                            f"ask for the scope {resource}/.default.", challenge)
    return None if claims.get("idtyp") == "app" else str(claims.get("preferred_username", "")).lower()


def _unauthorized(message: str, headers: dict) -> SPError:
    return SPError(401, _ACCESS_DENIED, message, headers)


def _route(ctx: _Context, segments: list[str]) -> tuple[object, int]:
    method = ctx.request.method
    parsed = []
    for segment in segments:
        match = _SEGMENT.match(segment)
        if not match:
            raise SPError(400, _BAD, f"Cannot read the segment '{segment}'.")
        parsed.append((match.group(1).lower(), match.group(2)))
    if not parsed:
        return {"Title": ctx.site["display_name"], "Url": ctx.request.host_url.rstrip("/") + ctx.site["path"],
                "Id": ctx.site["id"].split(",")[2]}, 200
    head, arg = parsed[0]
    if head == "currentuser" and method == "GET":
        if ctx.email is None:
            raise SPError(404, _NOT_FOUND, "An app has no current user.")
        return _user_body(ctx.p.ensure_user(ctx.site["id"], ctx.email), ctx.p.is_site_owner(ctx.site, ctx.email)), 200
    if head == "ensureuser" and method == "POST":
        given = _args(arg, ctx.request)[0]
        logon = given[0] if given else str(ctx.body().get("logonName", ""))
        return _user_body(ctx.user_of(logon)), 200
    if head == "roledefinitions":
        return _role_definitions(ctx, parsed[1:])
    if head in ("associatedownergroup", "associatedmembergroup", "associatedvisitorgroup"):
        which = {"associatedownergroup": "Owners", "associatedmembergroup": "Members"}.get(head, "Visitors")
        return _group_route(ctx, ctx.p.associated(ctx.site, which), parsed[1:])
    if head == "sitegroups":
        return _site_groups(ctx, parsed[1:])
    if head == "lists" and len(parsed) >= 2 and parsed[1][0] == "getbytitle":
        return _securable(ctx, parsed[1], parsed[2:])
    raise SPError(404, _BAD, f"The local server does not answer {method} /_api/web/{'/'.join(segments)}.")


def _role_definitions(ctx: _Context, rest: list) -> tuple[object, int]:
    if not rest:
        return {"value": [_role_body(r) for r in ROLE_DEFINITIONS]}, 200
    how, arg = rest[0]
    wanted = (_args(arg, ctx.request)[0] or [""])[0]
    for roledef, (name, _) in ROLE_DEFINITIONS.items():
        if (how == "getbyname" and name.lower() == wanted.lower()) or (how == "getbyid" and str(roledef) == wanted):
            return _role_body(roledef), 200
    raise SPError(404, _NOT_FOUND, f"The permission level '{wanted}' does not exist.")


def _site_groups(ctx: _Context, rest: list) -> tuple[object, int]:
    method = ctx.request.method
    if not rest:
        if method == "POST":
            ctx.require_owner("create groups")
            title = str(ctx.body().get("Title") or "").strip()
            if not title:
                raise SPError(400, _BAD, "A group needs a 'Title'.")
            if ctx.p.group(ctx.site["id"], title) is not None:
                raise SPError(409, _NOT_FOUND, f"The specified name is already in use: '{title}'.")
            return _group_body(ctx.p.ensure_group(ctx.site["id"], title, str(ctx.body().get("Description") or ""))), 201
        with ctx.app.store.transaction() as db:
            rows = db.execute("SELECT id FROM sp_principals WHERE site_id = ? AND kind = 'group' ORDER BY id",
                              (ctx.site["id"],)).fetchall()
        return {"value": [_group_body(ctx.p.by_id(ctx.site["id"], r["id"])) for r in rows]}, 200
    how, arg = rest[0]
    group = ctx.group(how, (_args(arg, ctx.request)[0] or [""])[0])
    return _group_route(ctx, group, rest[1:])


def _group_route(ctx: _Context, group: Principal, rest: list) -> tuple[object, int]:
    method = ctx.request.method
    if not rest:
        return _group_body(group), 200
    if rest[0][0] != "users":
        raise SPError(404, _BAD, f"Groups answer /users only, not /{rest[0][0]}.")
    if len(rest) == 1 and method == "GET":
        people = ctx.p.members(group.id)
        owners_group = group.id == ctx.p.associated(ctx.site, "Owners").id
        if owners_group and ctx.p.everyone_owns and ctx.email and ctx.email not in {u.email for u in people}:
            people.append(ctx.p.ensure_user(ctx.site["id"], ctx.email))  # on a server where everyone owns the site
        return {"value": [_user_body(u) for u in people]}, 200
    ctx.require_owner(f"change the members of the group '{group.name}'")
    if len(rest) == 1 and method == "POST":
        user = ctx.user_of(str(ctx.body().get("LoginName") or ctx.body().get("Email") or ""))
        ctx.p.add_member(group.id, user.id)
        return _user_body(user), 201
    how, arg = rest[1]
    given = (_args(arg, ctx.request)[0] or [""])[0]
    if method == "POST" and how == "removebyid" and given.isdigit():
        ctx.p.remove_member(group.id, int(given))
        return {"odata.null": True}, 200
    if method == "POST" and how == "removebyloginname":
        ctx.p.remove_member(group.id, ctx.user_of(given).id)
        return {"odata.null": True}, 200
    raise SPError(404, _BAD, f"The local server does not answer {method} .../users/{how}.")


def _securable(ctx: _Context, by_title: tuple, rest: list) -> tuple[object, int]:
    title = (_args(by_title[1], ctx.request)[0] or [""])[0]
    try:
        lst = ctx.app.store.find_list(ctx.site["id"], title)
    except Missing:
        raise SPError(404, _NOT_FOUND, f"List '{title}' does not exist at site {ctx.site['path']}.") from None
    chain = [list_scope(lst["id"])]
    if len(rest) == 1 and rest[0] == ("items", None) and ctx.request.method == "GET":
        return {"value": _unique_flags(ctx, lst)}, 200
    if rest and rest[0][0] == "items":
        item_id = (_args(rest[0][1], ctx.request)[0] or [""])[0]
        try:
            ctx.app.store.item(lst["id"], item_id)
        except Missing:
            raise SPError(404, _NOT_FOUND, "Item does not exist. It may have been deleted by another user.") from None
        chain = [item_scope(lst["id"], item_id), *chain]
        rest = rest[1:]
    if not rest:
        with ctx.app.store.transaction() as db:
            count = db.execute("SELECT COUNT(*) AS n FROM items WHERE list_id = ? AND deleted = 0", (lst["id"],)).fetchone()
        return {"Id": chain[0], "Title": title, "ItemCount": int(count["n"])}, 200
    return _scope_operation(ctx, chain, rest)


def _web_assignments(ctx: _Context) -> list[tuple[int, int]]:
    """The site's own permissions, as a new team site has them: Owners full control, Members edit, Visitors read."""
    return [(ctx.p.associated(ctx.site, "Owners").id, FULL_CONTROL), (ctx.p.associated(ctx.site, "Members").id, EDIT),
            (ctx.p.associated(ctx.site, "Visitors").id, READ)]


def _unique_flags(ctx: _Context, lst: dict) -> list[dict]:
    """``items?$select=Id,HasUniqueRoleAssignments``: which items have their own permissions."""
    with ctx.app.store.transaction() as db:
        ids = [r["id"] for r in db.execute("SELECT id FROM items WHERE list_id = ? AND deleted = 0 ORDER BY id", (lst["id"],))]
    return [{"Id": i, "HasUniqueRoleAssignments": ctx.p.has_unique(item_scope(lst["id"], str(i)))} for i in ids]


def _scope_operation(ctx: _Context, chain: list[str], rest: list) -> tuple[object, int]:
    method, scope = ctx.request.method, chain[0]
    (op, arg), tail = rest[0], rest[1:]
    p = ctx.p
    if op == "hasuniqueroleassignments" and method == "GET":
        return {"value": p.has_unique(scope)}, 200
    if op == "roleassignments" and not tail and method == "GET":
        governing = p.governing_scope(chain)
        pairs = p.assignments(governing) if governing else []
        return {"value": _assignment_bodies(ctx, pairs)}, 200
    if method != "POST":
        raise SPError(405, _BAD, f"Use POST for {op}.")
    ctx.require_manage(chain, f"change the permissions of {scope.split(':', 1)[0]} {scope.rsplit(':', 1)[-1]}")
    if op == "breakroleinheritance":
        named = _args(arg, ctx.request)[1]
        copy = named.get("copyroleassignments", "true").lower() == "true"
        clear = named.get("clearsubscopes", "true").lower() == "true"
        parent = p.governing_scope(chain[1:])
        inherited = (p.assignments(parent) if parent else _web_assignments(ctx)) if copy else []
        subscopes = ["item:" + scope.split(":", 1)[1] + ":"] if clear and scope.startswith("list:") else []
        if not p.has_unique(scope):
            if scope.startswith("item:") and p.unique_items(scope.split(":")[1]) >= principals.UNIQUE_SCOPES_PER_LIST:
                raise SPError(400, _NOT_FOUND, "You cannot break inheritance for this item because there are too many "
                              "items with unique permissions in this list.")
            p.break_inheritance(scope, copy_from=inherited, clear=subscopes)
            if not copy and ctx.email is not None:  # the caller keeps full control, as on SharePoint
                p.add_assignment(scope, p.ensure_user(ctx.site["id"], ctx.email).id, FULL_CONTROL)
        return {"odata.null": True}, 200
    if op == "resetroleinheritance":
        p.reset_inheritance(scope)
        return {"odata.null": True}, 200
    if op == "roleassignments" and tail and tail[0][0] in ("addroleassignment", "removeroleassignment"):
        named = _args(tail[0][1], ctx.request)[1]
        try:
            principal_id, roledef = int(named["principalid"]), int(named["roledefid"])
        except (KeyError, ValueError):
            raise SPError(400, _BAD, "Give principalid=<number>,roledefid=<number>.") from None
        if p.by_id(ctx.site["id"], principal_id) is None or roledef not in ROLE_DEFINITIONS:
            raise SPError(404, _NOT_FOUND, f"Principal {principal_id} or role definition {roledef} does not exist.")
        if not p.has_unique(scope):
            raise SPError(400, _NOT_FOUND, "This object inherits its permissions; break the inheritance first "
                          "(breakroleinheritance).")
        if tail[0][0] == "addroleassignment":
            p.add_assignment(scope, principal_id, roledef)
        else:
            p.remove_assignment(scope, principal_id, roledef)
        return {"odata.null": True}, 200
    raise SPError(404, _BAD, f"The local server does not answer POST .../{op}.")


def _assignment_bodies(ctx: _Context, pairs: list[tuple[int, int]]) -> list[dict]:
    by_principal: dict[int, list[int]] = {}
    for principal_id, roledef in pairs:
        by_principal.setdefault(principal_id, []).append(roledef)
    out = []
    for principal_id, roledefs in by_principal.items():
        principal = ctx.p.by_id(ctx.site["id"], principal_id)
        out.append({"PrincipalId": principal_id, "Member": _principal_body(principal) if principal else None,
                    "RoleDefinitionBindings": [_role_body(r) for r in roledefs]})
    return out

