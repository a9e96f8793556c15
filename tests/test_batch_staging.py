"""storage.ingest.batch_staging: the rows a batch of posts becomes, before any database sees them."""

from __future__ import annotations

from dataclasses import replace

from papertalk.core.records import Author, CitingPost, OriginalRef, Post, PostKind
from papertalk.storage.ingest.batch_staging import AUTHOR, LANG, NAME, ORIGINAL, POST_ID, SCORE, TEXT, stage_batch


def citing(post_id: str, score: int | None, text: str = "t", name: str | None = None) -> CitingPost:
    return CitingPost(
        Post(
            "hackernews",
            post_id,
            Author("hackernews", "pg", "pg", name),
            1_700_000_000,
            text=text,
            platform_score=score,
        )
    )


def test_scores_outside_32_bits_are_dropped_and_the_rest_kept() -> None:
    rows = stage_batch(
        [
            citing("a", 2**31 - 1),
            citing("b", 2**31),
            citing("c", -(2**31)),
            citing("d", -(2**40)),
            citing("e", None),
            citing("f", 7),
        ]
    ).posts
    assert [r[SCORE] for r in rows] == [2**31 - 1, None, -(2**31), None, None, 7]


def test_a_nul_anywhere_in_the_text_becomes_a_space_and_other_rows_are_untouched() -> None:
    rows = stage_batch([citing("a", 1, "x\x00y", "N\x00"), citing("b", 1, "plain", "Name")]).posts
    assert (rows[0][TEXT], rows[0][NAME]) == ("x y", "N ")
    assert (rows[1][TEXT], rows[1][NAME]) == ("plain", "Name")


def test_a_language_tag_too_long_to_be_one_is_dropped() -> None:
    posts = [citing("a", 1), citing("b", 1)]
    posts = [CitingPost(replace(posts[0].post, lang="x" * 35)), CitingPost(replace(posts[1].post, lang="x" * 36))]
    assert [r[LANG] for r in stage_batch(posts).posts] == ["x" * 35, None]


def test_ids_that_become_one_merge_into_one_row() -> None:
    """A NUL becomes a space before duplicates merge: "a\\x00" and "a " are then one post, one row."""
    rows = stage_batch([citing("a\x00", 1, "first"), citing("a ", 2, "second")]).posts
    assert len(rows) == 1 and rows[0][POST_ID] == "a " and rows[0][TEXT] == "second"


def test_an_id_too_long_for_the_database_is_shortened_the_same_way_each_time() -> None:
    long_id, other = "https://example.org/feed?" + "q" * 600, "https://example.org/feed?" + "q" * 599 + "z"
    reply = Post(
        "hackernews", "r", Author("hackernews", "x" * 700), 1_700_000_000, PostKind.REPLY, OriginalRef(long_id)
    )
    rows = stage_batch([citing(long_id, 1), citing(other, 1), CitingPost(reply)]).posts
    ids = [r[POST_ID] for r in rows]
    assert all(len(i) <= 512 for i in ids) and len(set(ids)) == 3
    assert ids[0].startswith(long_id[:440] + "#sha256:") and ids[0] != ids[1]
    assert rows[2][ORIGINAL] == ids[0]  # the reply points at the shortened id of its original
    assert len(rows[2][AUTHOR]) == 512
    assert stage_batch([citing(long_id, 5)]).posts[0][POST_ID] == ids[0]
