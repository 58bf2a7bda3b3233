"""Errors: Discord's JSON API errors (server side) and emulator misuse errors (test side).

`ApiError` is raised inside route handlers and turned into Discord's JSON error body
``{"code": …, "message": …, "errors"?: …}``. `FormErrors` collects field errors for a
400 / 50035 "Invalid Form Body" response, nesting them by path like Discord does
(``{"embeds": {"0": {"title": {"_errors": [{"code": …, "message": …}]}}}}``).

`EmulatorError` is raised in the *test* when the test itself asks for something impossible
(unknown command, a button that does not exist, …).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Path = tuple[str | int, ...]


class ApiError(Exception):
    """An HTTP error answered in Discord's JSON error format."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}
        self.raw = raw

    def body(self) -> dict[str, Any]:
        if self.raw is not None:
            return dict(self.raw)
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")


def not_found_route() -> ApiError:
    return ApiError(404, 0, "404: Not Found")


def method_not_allowed() -> ApiError:
    return ApiError(405, 0, "405: Method Not Allowed")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def unknown_guild() -> ApiError:
    return ApiError(404, 10004, "Unknown Guild")


def unknown_member() -> ApiError:
    return ApiError(404, 10007, "Unknown Member")


def unknown_message() -> ApiError:
    return ApiError(404, 10008, "Unknown Message")


def unknown_role() -> ApiError:
    return ApiError(404, 10011, "Unknown Role")


def unknown_user() -> ApiError:
    return ApiError(404, 10013, "Unknown User")


def unknown_webhook() -> ApiError:
    return ApiError(404, 10015, "Unknown Webhook")


def unknown_interaction() -> ApiError:
    return ApiError(404, 10062, "Unknown interaction")


def unknown_command() -> ApiError:
    return ApiError(404, 10063, "Unknown application command")


def already_acknowledged() -> ApiError:
    return ApiError(400, 40060, "Interaction has already been acknowledged.")


def invalid_webhook_token() -> ApiError:
    return ApiError(401, 50027, "Invalid Webhook Token")


def empty_message() -> ApiError:
    return ApiError(400, 50006, "Cannot send an empty message")


def cannot_edit_others() -> ApiError:
    return ApiError(403, 50005, "Cannot edit a message authored by another user")


def already_crossposted() -> ApiError:
    return ApiError(400, 40033, "This message has already been crossposted.")


def wrong_channel_type() -> ApiError:
    # 403, not 400: discord.py documents Forbidden for publishing outside a news channel.
    return ApiError(403, 50024, "Cannot execute action on this channel type")


def invalid_json() -> ApiError:
    return ApiError(400, 50109, "The request body contains invalid JSON.")


class FormErrors:
    """Accumulates field errors; `raise_if_any` raises the 400/50035 `ApiError`."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}
        self.count = 0

    def add(self, path: Iterable[str | int], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
        self.count += 1

    def max_length(self, path: Path, limit: int) -> None:
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def bad_length(self, path: Path, low: int, high: int) -> None:
        self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def required(self, path: Path) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def bad_type(self, path: Path, what: str) -> None:
        self.add(path, "BASE_TYPE_INVALID", f"Value must be {what}.")

    def __bool__(self) -> bool:
        return self.count > 0

    def raise_if_any(self) -> None:
        if self.count:
            raise ApiError(400, 50035, "Invalid Form Body", errors=self.tree)


class EmulatorError(Exception):
    """The test asked the emulator for something that cannot happen on Discord."""


class EmulatorTimeout(EmulatorError, TimeoutError):
    """Waiting for the bot to do something timed out."""
