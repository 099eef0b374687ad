"""Branch names follow Git's ref-name rules (git check-ref-format), plus a length limit."""

from __future__ import annotations

import re

__all__ = ["branch_name_error"]

_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
MAX_LENGTH = 250


def branch_name_error(name: str) -> str | None:
    """Why `name` is not a valid branch name, or None when it is."""
    if not name:
        return "a branch name cannot be empty"
    if len(name) > MAX_LENGTH:
        return f"a branch name is at most {MAX_LENGTH} characters"
    if name == "@":
        return "a branch name cannot be '@'"
    if _FORBIDDEN.search(name):
        return "a branch name cannot contain spaces, control characters or any of ~ ^ : ? * [ \\"
    if ".." in name or "@{" in name or "//" in name:
        return "a branch name cannot contain '..', '@{' or '//'"
    if name.startswith(("/", ".", "-")) or name.endswith(("/", ".")):
        return "a branch name cannot start with '/', '.' or '-', nor end with '/' or '.'"
    if name.endswith(".lock") or any(part.startswith(".") or part.endswith(".lock") for part in name.split("/")):
        return "no part of a branch name may start with '.' or end with '.lock'"
    return None
