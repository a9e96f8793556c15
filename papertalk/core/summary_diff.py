"""The difference between two versions of a text as HTML: a line diff (difflib), every line escaped, so
the diff of any text is harmless markup."""

from __future__ import annotations

import difflib
from html import escape

CONTEXT_LINES = 3


def diff_html(old: str, new: str, old_name: str, new_name: str) -> str:
    """A unified diff of ``old`` and ``new`` as a <pre> of <span class="add|del|hunk"> lines."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, n=CONTEXT_LINES, lineterm="")
    shown = []
    for line in lines:
        kind = (
            "hunk"
            if line.startswith("@@")
            else "add"
            if line.startswith("+")
            else "del"
            if line.startswith("-")
            else "same"
        )
        shown.append(f'<span class="diff-{kind}">{escape(line)}</span>')
    if not shown:
        return '<p class="muted">The two versions are the same.</p>'
    return '<pre class="diff">' + "\n".join(shown) + "</pre>"
