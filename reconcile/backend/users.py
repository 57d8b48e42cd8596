"""The space's users in CMA JSON (``GET /spaces/{space}/users``) as ``User`` values.

No recording holds this endpoint; the shape is the documented one (user management API, "Get all users for
a space": ``firstName``, ``lastName``, ``email``, ``sys.id``). UNSURE: every key is read tolerantly, so a
user without a name or email still resolves to what there is.
"""

from __future__ import annotations

from reconcile.model import JsonObject, User

# The documented default page of the users endpoint; its maximum is UNSURE, so paging follows the number of
# items actually returned (as for every collection).
USERS_PAGE_LIMIT = 100


def user_from_api(d: JsonObject) -> User:
    sys = d.get("sys") or {}
    parts = (d.get("firstName"), d.get("lastName"))
    name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    email = d.get("email")
    return User(id=str(sys.get("id")), name=name, email=email.strip() if isinstance(email, str) else "")
