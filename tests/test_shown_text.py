"""Captured text made safe to show (issue 14 item 13, issue 22 item 4): only http(s) URLs become links,
bidirectional controls are gone from names and texts, and XML outputs carry only characters XML allows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from papertalk.core.shown_text import link_target, without_bidi_controls
from papertalk.core.xml_chars import xml_legal
from tests.unsafe_payloads import SAFE_URLS, UNSAFE_URLS


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_no_unsafe_url_is_a_link_target(url: str | None) -> None:
    assert link_target(url) is None


@pytest.mark.parametrize("url", SAFE_URLS)
def test_http_and_https_urls_are_link_targets_as_given(url: str) -> None:
    assert link_target(url) == url


def test_bidi_controls_are_removed_and_other_text_kept() -> None:
    name = "eve\u202egnp.exe\u202c \u2066x\u2069 \u202a\u202b\u202d\u2067\u2068"
    assert without_bidi_controls(name) == "evegnp.exe x "
    arabic = "\u0645\u0631\u062d\u0628\u0627 \u200f!"  # right-to-left text and a mark stay as written
    assert without_bidi_controls(arabic) == arabic


def test_xml_legal_text_parses_in_a_strict_xml_parser() -> None:
    nasty = "a\x01b\x0bc\x0c\x1f\x7fd\ufffe\uffffe\ud800f\x00g\tok\n\r😀 ü"
    cleaned = xml_legal(nasty)
    assert cleaned == "abc\x7fdefg\tok\n\r😀 ü"  # \x7f is allowed by XML 1.0 (discouraged, legal)
    element = ET.fromstring(f"<t>{cleaned}</t>".encode())
    assert element.text == cleaned.replace("\r", "\n")
    with pytest.raises(ET.ParseError):
        ET.fromstring(f"<t>{nasty}</t>".encode("utf-8", "surrogatepass"))
