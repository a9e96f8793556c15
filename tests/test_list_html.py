"""The list items' HTML (``web/list_html.py``): escaped, free of bidirectional controls once a template
writes it out (its finalize, one pass over a section), and for an editor one round button and "Edit" link
per item instead of per-item forms."""

from __future__ import annotations

from markupsafe import Markup

from papertalk.core.list_records import ListItem
from papertalk.web.list_html import Editing, items_html
from papertalk.web.state import shown_value


def item(number: int, title: str, url: str | None = "https://example.org/x") -> ListItem:
    return ListItem(
        number, None, number, None, url, title, "", "<p>ok</p>", "", "", (("deck", url or ""),), ("t",), "to-read", 0
    )


def test_items_are_escaped_and_bidi_controls_never_reach_the_page() -> None:
    html = shown_value(
        items_html([item(1, "Plain <b>title</b>"), item(2, "evil \u202egnp.exe", "https://example.org/\u2066x")])
    )  # as a template writes it
    assert "Plain &lt;b&gt;title&lt;/b&gt;" in html and "evil gnp.exe" in html
    assert "\u202e" not in html and "\u2066" not in html
    assert "<form" not in html and 'type="radio"' not in html  # a reader gets no controls


def test_an_editor_gets_one_round_button_and_an_edit_link_per_item_and_the_opened_form_in_its_place() -> None:
    editing = Editing(chosen=2, opened=3, opened_form=Markup("<form>EDIT</form>"))
    html = items_html([item(1, "One"), item(2, "Two"), item(3, "Three")], editing, "items-9")
    assert html.count('type="radio" name="item"') == 3 and html.count('form="items-9"') == 3
    assert 'value="2" form="items-9" class="item-pick" aria-label="Choose Two" checked' in html
    assert html.count(" checked") == 1
    assert 'href="?edit=1#item-1" aria-label="Edit One"' in html and "?edit=3" not in html
    assert html.count("<form>EDIT</form>") == 1 and html.index("EDIT") > html.index('id="item-3"')
    assert html.count("<form") == 1  # the items carry no forms of their own
