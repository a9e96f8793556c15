"""Accent folding for search: the letters whose accents a search ignores, and what they become.

The table is exactly what SQLite FTS5's ``unicode61 remove_diacritics 2`` tokenizer folds (488 accented Latin
letters to a plain lowercase one, 25 combining accents dropped), so a query folded here, the FTS5 index,
the PostgreSQL vectors (built over ``translate(text, FOLDED_FROM + DROPPED, FOLDED_TO)``) and the BM25
scoring in Python all see the same tokens: ``Balázs``, ``Balazs`` and ``BALÁZS`` are one word. Letters
FTS5 keeps (``ø``, ``ł``, ``æ``, ``ß``) are kept everywhere. ``tests/test_search_accents.py`` checks the
table against the SQLite in use, character by character.
"""

from __future__ import annotations

# fmt: off
FOLDED_FROM = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜ"
    "ĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽ"
    "žƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱ"
    "ȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍ"
    "ṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢ"
    "ảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲ"
    "ỳỴỵỶỷỸỹÅ"
)
FOLDED_TO = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddeeeeeeeeeeg"
    "ggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzz"
    "zoouuaaiioouuuuuuuuuuaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeoooooooo"
    "yyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoo"
    "oooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwysaaa"
    "aaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuy"
    "yyyyyyya"
)
DROPPED = (  # combining accents, as in a decomposed "a\u0301"
    "\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030f\u0311\u031b"
    "\u0323\u0324\u0325\u0326\u0327\u0328\u032d\u032e\u0330\u0331"
)
# fmt: on
_TABLE = str.maketrans(FOLDED_FROM, FOLDED_TO, DROPPED)


def fold_accents(text: str) -> str:
    """``text`` with the accents of its Latin letters removed (``Balázs`` -> ``balazs``: folded letters come out
    lowercase, as FTS5 gives them; other characters are left as they are)."""
    # Every key of the table is past ASCII (U+00C0 on), so ASCII text - most titles and abstracts - is its
    # own folding; translate() through a dict costs ~40 ns a character, and BM25 folds 200 candidates a search.
    return text if text.isascii() else text.translate(_TABLE)
