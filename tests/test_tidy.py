import lxml.html
import pytest

from tasks.extraction.tidy import PageFeatures, read_page_features, space_link_edges, tidy_extracted

FEATURES = PageFeatures(
    titles=["orchard growers try robots to pick apples"],
    descriptions=["growers in the valley are testing picking robots"],
    link_texts={"cider makers expect a record year after the warm summer"},
)
BODY = ["Apple growers in the valley are testing picking robots this harvest.", "The machines use cameras."]


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        (["Orchard growers try robots to pick apples", *BODY], BODY),  # the headline again
        (["By Marta Velasquez", "14 September 2025 07:45", "5 min read", *BODY], BODY),  # bylines and datelines
        (["Growers in the valley are testing picking robots", *BODY], BODY),  # standfirst = meta description
        ([BODY[0], "Related: Frost damage less than feared", BODY[1]], BODY),  # cross-link
        ([*BODY, "Sign up for our newsletter", "Privacy policy"], BODY),  # tail boilerplate
        ([*BODY, "Filed under: Farming, Robots"], BODY),
        ([BODY[0], "Cider makers expect a record year after the warm summer", BODY[1]], BODY),  # a link's text
        (["By the end of the season, most farms will have tried them.", *BODY],
         ["By the end of the season, most farms will have tried them.", *BODY]),  # a sentence, not a byline
        (["Related stories of bravery were told by workers at the farm for hours.", *BODY],
         ["Related stories of bravery were told by workers at the farm for hours.", *BODY]),
        (["Follow-up inspections are planned.", *BODY, "The orchard opened in 1990."],
         ["Follow-up inspections are planned.", *BODY, "The orchard opened in 1990."]),
    ],
)  # fmt: skip
def test_tidy_extracted(lines, kept):
    assert tidy_extracted("\n".join(lines), FEATURES).split("\n") == kept


def test_page_features_and_link_edges():
    tree = lxml.html.fromstring(
        "<html><head><title>A title here | Site</title><meta name='description' content='The dek.'></head>"
        "<body><h1>A title here</h1><p>Read<a href='/x'>this</a>now and <a href='/y'>five words make a link</a>"
        " ok</p></body></html>"
    )
    features = read_page_features(tree)
    assert "a title here" in features.titles and features.descriptions == ["the dek"]
    assert features.link_texts == {"five words make a link"}
    space_link_edges(tree)
    assert "Read this now" in tree.text_content()
