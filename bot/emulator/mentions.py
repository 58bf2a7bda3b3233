"""Who actually gets pinged: Discord's allowed_mentions rules.

Rules implemented (message.mdx, "Allowed mentions object"):

* Mentions are only parsed from the message text (content, or text displays for
  components-V2 messages); ids listed in `allowed_mentions` but absent from the text are
  silently ignored ("no phantom pings").
* `parse` may contain "users", "roles", "everyone"; it is mutually exclusive with a
  non-empty `users` (when "users" is parsed) or `roles` (when "roles" is parsed) list —
  that combination is a 400 Invalid Form Body.  Empty/null lists are fine.
* Without `allowed_mentions`, regular channel messages parse everything, interaction
  responses and webhook messages parse users only.  Edits without `allowed_mentions` use
  those defaults again, not the ones of the original request.
* @everyone / @here need the author's MENTION_EVERYONE permission in the channel (@here
  notifies only the members online; the emulator has no presences, so every viewer counts as
  online, and both notify the same members); a role
  is only pinged if it is mentionable or the author has MENTION_EVERYONE (otherwise it is
  left out of `mention_roles`, since nobody is notified).
* Replies ping the replied-to author only when `replied_user` allows it (default: yes
  when `allowed_mentions` is absent, no when it is present without `replied_user`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import FormErrors, Path
from .permissions import Perm
from .world import Channel, Guild, User

USER_RE = re.compile(r"<@!?(\d{15,21})>")
ROLE_RE = re.compile(r"<@&(\d{15,21})>")
EVERYONE_RE = re.compile(r"@(everyone|here)\b")

VALID_PARSE = ("users", "roles", "everyone")
DEFAULT_REGULAR: dict[str, Any] = {"parse": ["users", "roles", "everyone"], "replied_user": True}
DEFAULT_INTERACTION: dict[str, Any] = {"parse": ["users"], "replied_user": True}


@dataclass
class MentionResult:
    users: list[User] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)
    everyone: bool = False


def validate_allowed_mentions(value: Any, errors: FormErrors, path: Path) -> None:
    """Shape checks plus the parse/list mutual exclusivity rule."""
    if value is None:
        return
    if not isinstance(value, dict):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    parse = value.get("parse")
    if parse is not None:
        if not isinstance(parse, list):
            errors.bad_type((*path, "parse"), "a list")
            parse = []
        for i, item in enumerate(parse):
            if item not in VALID_PARSE:
                errors.add(
                    (*path, "parse", i),
                    "BASE_TYPE_CHOICES",
                    f"Value must be one of {set(VALID_PARSE)}.",
                )
    for kind in ("users", "roles"):
        ids = value.get(kind)
        if ids is None:
            continue
        if not isinstance(ids, list):
            errors.bad_type((*path, kind), "a list")
            continue
        if len(ids) > 100:
            errors.max_length((*path, kind), 100)
        for i, snowflake in enumerate(ids):
            if not str(snowflake).isdigit():
                errors.add((*path, kind, i), "NUMBER_TYPE_COERCE", "Value is not snowflake.")
        if parse and kind in parse and ids:
            errors.add(
                path,
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [{", ".join(map(str, ids))}] are mutually '
                "exclusive.",
            )


def resolve(
    text: str,
    allowed: dict[str, Any] | None,
    *,
    default: dict[str, Any],
    guild: Guild | None,
    author_permissions: int,
    known_users: dict[int, User],
    replied_author: User | None = None,
) -> MentionResult:
    """Compute mentions / mention_roles / mention_everyone for a message text."""
    rules = default if allowed is None else allowed
    parse = set(rules.get("parse") or [])
    allowed_users = {int(u) for u in rules.get("users") or []}
    allowed_roles = {int(r) for r in rules.get("roles") or []}
    can_everyone = bool(author_permissions & Perm.MENTION_EVERYONE)
    result = MentionResult()

    seen: set[int] = set()
    for match in USER_RE.finditer(text):
        uid = int(match.group(1))
        user = known_users.get(uid)
        if user is None or uid in seen:
            continue
        if "users" in parse or uid in allowed_users:
            seen.add(uid)
            result.users.append(user)

    if replied_author is not None and replied_author.id not in seen:
        replied = rules.get("replied_user", False) if allowed is not None else True
        if replied:
            result.users.append(replied_author)

    if guild is not None:
        for match in ROLE_RE.finditer(text):
            rid = int(match.group(1))
            role = guild.get_role(rid)
            if role is None or rid in result.roles:
                continue
            if ("roles" in parse or rid in allowed_roles) and (role.mentionable or can_everyone):
                result.roles.append(rid)

    if "everyone" in parse and can_everyone and EVERYONE_RE.search(text):
        result.everyone = True
    return result


def pinged_user_ids(
    guild: Guild, channel: Channel, result: MentionResult, author_id: int
) -> set[int]:
    """Everybody notified: mentioned users, role members and, for @everyone, all viewers.

    Only members who can view the channel are notified.
    """
    viewers = {
        uid for uid in guild.members if guild.permissions_for(uid, channel) & Perm.VIEW_CHANNEL
    }
    ids = {u.id for u in result.users}
    for rid in result.roles:
        role = guild.get_role(rid)
        if role is not None:
            ids |= {m.user.id for m in guild.role_members(role)}
    if result.everyone:
        ids |= viewers
    ids &= viewers
    ids.discard(author_id)
    return ids
