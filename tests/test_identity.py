import pytest

from tasks.dedup.identity import article_id_for, canonical_url, content_hash


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.COM/Path/Page?b=2&a=1#frag", "https://example.com/Path/Page?b=2&a=1"),
        (
            "https://example.com/a?utm_source=x&utm_medium=y&id=7&fbclid=abc&gclid=def",
            "https://example.com/a?id=7",
        ),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?UTM_Campaign=z", "https://example.com/a"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_content_hash_ignores_case_spacing_and_punctuation():
    a = content_hash("The council met on Monday.\n\nIt voted.")
    assert a == content_hash("the council met on monday it voted")
    assert a != content_hash("The council met on Tuesday. It voted.")


def test_content_hash_reads_words_the_same_in_ascii_and_unicode_text():
    assert content_hash("snake_case, co-op") == content_hash("snake case co op")
    assert content_hash("Café_au lait") == content_hash("café au LAIT")


def test_content_hash_is_pinned():
    assert content_hash("Hello, World!") == "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"


def test_article_id_prefers_url():
    assert article_id_for("https://example.com/a", "h") == article_id_for("https://example.com/a", "other")
    assert article_id_for(None, "h1") != article_id_for(None, "h2")
    assert len(article_id_for(None, "h1")) == 16
