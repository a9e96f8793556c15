"""URLs captured posts may carry: the ones no page, feed or mail may put in an href, and ones it may."""

from __future__ import annotations

# Each would run script, load something else or leave the site if put in an href as given.
UNSAFE_URLS = [
    "javascript:alert(4)",
    "JaVaScRiPt:alert(4)",
    " javascript:alert(4)",
    "\tjavascript:alert(4)",
    "java\tscript:alert(4)",
    "java\nscript:alert(4)",
    "java\rscript:alert(4)",
    "javascript&#58;alert(4)",
    "javascript&colon;alert(4)",
    "&#106;avascript:alert(4)",
    "jav&#x09;ascript:alert(4)",
    "\x00javascript:alert(4)",
    "\x01javascript:alert(4)",
    "javascript://%0aalert(4)",
    "javascript://example.org/%0aalert(4)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(4)</script>",
    "vbscript:msgbox(4)",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "//evil.example/x",
    "\\\\evil.example\\x",
    "/\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    "https://",
    "https:// evil.example",
    "https://evil.example/\u2028x",
    "https://evil.example/\u00a0x",
    "http://[::1",
    "mailto:a@example.org",
    "",
    None,
    "evil.example",
    "https://example.org/" + "a" * 5000,
]
SAFE_URLS = [
    "https://bsky.app/profile/ada.bsky.social/post/3lbq2x7kqos2a",
    "http://example.org",
    "HTTPS://Example.org/Path?q=1&r=2#frag",
    'https://example.org/a"onmouseover="alert(4)',  # a link, escaped where it is written out
]
