"""The space's users (``GET /spaces/{space}/users``, ``…/users/{id}``, ``/users/me``) and the user each
token acts as.

Every write is stamped (``sys.createdBy``/``updatedBy``/``publishedBy``) with the user of the token that
made it: the main token acts as the fixed emulator user, and each ``--user TOKEN=NAME,EMAIL`` adds a token
acting as its own user, whose id is derived from the token (stable across restarts, never the token).
State: ``state["spaces"][space]["users"][user_id]`` = the user's JSON body.

Shape: no recording holds this endpoint; the body follows the documented example of the user management
API ("Get all users for a space": firstName, lastName, email, avatarUrl, activated, confirmed,
signInCount, 2faEnabled, sys {type User, id, version, createdAt, updatedAt}). UNSURE: the collection
envelope is assumed to be the usual CMA one (sys.type Array, total, skip, limit, items), with a default
page of 100.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reconcile.emulator.common import ACTING_USER, ID_ALPHABET, USER_ID, Json, found_or_404
from reconcile.emulator.errors import CmaError, not_found
from reconcile.emulator.listing import Listing
from reconcile.emulator.paging import page
from reconcile.emulator.store import Store

USERS_PAGE = 100


@dataclass(frozen=True)
class TokenUser:
    """A token the emulator accepts and the user it acts as."""

    token: str
    first_name: str
    last_name: str
    email: str
    #: False: the users endpoint answers this token 403 AccessDenied (a token without that permission).
    read_users: bool = True

    @property
    def user_id(self) -> str:
        """22 characters like Contentful's ids, derived from the token by a hash (stable, reveals nothing)."""
        digest = int.from_bytes(hashlib.sha256(f"reconcile-emulator-user:{self.token}".encode()).digest(), "big")
        chars = []
        for _ in range(22):
            digest, index = divmod(digest, len(ID_ALPHABET))
            chars.append(ID_ALPHABET[index])
        return "".join(chars)

    @classmethod
    def parse(cls, spec: str) -> TokenUser:
        """``TOKEN=FIRST LAST,EMAIL`` (as ``--user`` takes it). The ValueError never quotes the token."""
        token, equals, person = spec.partition("=")
        name, comma, email = person.rpartition(",")
        if not token.strip() or not equals:
            raise ValueError("no token before '='")
        if not comma or not name.strip() or "@" not in email:
            raise ValueError("expected a name and an email after '=', separated by a comma")
        first, _, last = name.strip().partition(" ")
        return cls(token.strip(), first, last.strip(), email.strip())


DEFAULT_USER = ("Emulator", "User", "emulator@example.com")


class Users:
    """The users of each space and the token each acts through. Callers hold the store's lock."""

    def __init__(self, store: Store, token_users: Iterable[TokenUser] = ()) -> None:
        self.store = store
        self._unreading = {user.user_id for user in token_users if not user.read_users}

    def seed(self, token_users: Iterable[TokenUser]) -> None:
        """List the fixed emulator user and the token users in every space (names updated, dates kept)."""
        people = [(USER_ID, *DEFAULT_USER), *((u.user_id, u.first_name, u.last_name, u.email) for u in token_users)]
        now = self.store.clock.seconds()
        for space in self.store.state["spaces"].values():
            records = space.setdefault("users", {})
            for user_id, first, last, email in people:
                sys = records.get(user_id, {}).get("sys") or {"type": "User", "id": user_id, "version": 1,
                                                               "createdAt": now, "updatedAt": now}
                records[user_id] = {
                    "firstName": first, "lastName": last, "avatarUrl": "", "email": email, "activated": True,
                    "signInCount": 1, "confirmed": True, "2faEnabled": False, "sys": sys,
                }

    def _records(self, space: str) -> Json:
        if ACTING_USER.get() in self._unreading:  # wording of the documented 403 [facts 3.2]
            raise CmaError(403, "AccessDenied",
                           "You are not authorized to do this action or exceeded your plan limits.")
        records: Json = found_or_404(self.store.state["spaces"], space).get("users", {})
        return records

    def collection(self, space: str, query: Mapping[str, str]) -> Listing:
        return page(list(self._records(space).values()), query, USERS_PAGE)

    def me(self) -> Json:
        """``GET /users/me``: the user the request's token acts as (as the space listing it has it)."""
        user_id = ACTING_USER.get()
        for space in self.store.state["spaces"].values():
            if user_id in space.get("users", {}):
                return copy.deepcopy(space["users"][user_id])
        raise not_found()

    def get(self, space: str, user_id: str) -> Json:
        return copy.deepcopy(found_or_404(self._records(space), user_id, {"type": "User", "id": user_id}))
