"""storage.batch_staging: the rows a batch of posts becomes, before any database sees them."""

from __future__ import annotations

from dataclasses import replace

from papertalk.core.records import Author, CitingPost, Post
from papertalk.storage.batch_staging import LANG, NAME, SCORE, TEXT, stage_batch


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
