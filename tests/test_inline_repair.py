import lxml.html
import pytest

from tasks.extraction.extract_page import extract_page
from tasks.extraction.inline_repair import drop_empty_inline, unlink_prose_links


def links_after_repair(markup: str) -> int:
    tree = lxml.html.fromstring(f"<html><body>{markup}</body></html>")
    before = tree.text_content()
    unlink_prose_links(tree)
    assert tree.text_content() == before  # a link's text always stays
    return len(tree.findall(".//a"))


@pytest.mark.parametrize(
    ("markup", "links"),
    [
        # a sentence with a link in it: the tag goes, the words stay
        ('<p>It also <a href="/x">co-ordinates military plans and carries out joint exercises</a>.</p>', 0),
        ('<p>The <a href="/a">ministry</a> said the <a href="/b">new rules</a> would start in March.</p>', 0),
        ('<p>“We will <a href="/q">appeal the ruling within weeks</a>,” the lawyer said on Monday?</p>', 0),
        # what trafilatura should still judge as links
        ('<p><a href="/s">Frost damage less than feared in the valley, growers say.</a></p>', 1),  # only a link
        ('<p><a href="/s">Frost damage less than feared.</a> <a href="/t">Cider makers expect a record.</a></p>', 2),
        ('<p>See <a href="/g">our guide</a>.</p>', 1),  # a short label
        ('<p>Related coverage <a href="/r">Frost damage less than feared in the valley orchards</a></p>', 1),
        ('<ul><li>Read <a href="/l">frost damage less than feared in the valley orchards</a>.</li></ul>', 1),
        ('<div>It also <a href="/d">co-ordinates military plans and carries out joint exercises</a>.</div>', 1),
    ],
)  # fmt: skip
def test_links_lose_their_tags_only_inside_sentences(markup, links):
    assert links_after_repair(markup) == links


def test_empty_inline_elements_go_and_the_text_after_them_stays():
    tree = lxml.html.fromstring(
        "<html><body><p><b>1925-40:</b> <b></b>“Howard Jones, head coach.” Plaque displayed 1955.</p>"
        "<p>The officer recalled: “I <strong></strong>proceeded to knock on the door.”</p>"
        "<p>Kept <span> </span>spaces and <i>words</i><div></div> after.</p></body></html>"
    )
    before = tree.text_content()
    drop_empty_inline(tree)
    assert tree.text_content() == before
    assert [e.tag for e in tree.iter("b", "strong", "span", "i")] == ["b", "span", "i"]  # the empty b and strong
    assert tree.find(".//div") is not None  # empty blocks are trafilatura's to judge


def wrapped(paragraph: str) -> str:
    return f"<div class='text-block'><div><div>{paragraph}</div></div></div>"


def test_a_page_keeps_sentences_precision_mode_would_cut():
    # each paragraph in its own wrappers, as many sites render them; precision mode deletes a wrapper whose text
    # is mostly a link, and an empty element with the text after it
    prose = [
        wrapped(f"<p>Paragraph {n} of the report says the alliance met in the capital on Tuesday, agreed a budget "
                "for the coming year and named a committee to review its rules.</p>")
        for n in range(8)
    ]  # fmt: skip
    prose[3] = wrapped('<p>It also <a href="https://nato.example/plans">co-ordinates military plans and carries '
                       "out joint military exercises</a>.</p>")  # fmt: skip
    prose[5] = wrapped("<p>The officer recalled: “I <strong></strong>proceeded to knock on the door for fifteen "
                       "minutes before anyone answered.”</p>")  # fmt: skip
    related = wrapped('<p><a href="https://site.example/other">Frost damage less than feared in the valley</a></p>')
    page = ("<html><head><title>Alliance meets</title></head><body><article><h1>Alliance meets</h1>"
            f"{''.join(prose[:6])}{related}{''.join(prose[6:])}</article></body></html>")  # fmt: skip
    body = extract_page(page, "report.html").body
    assert "It also co-ordinates military plans and carries out joint military exercises." in body
    assert "proceeded to knock on the door for fifteen minutes" in body
    assert [f"Paragraph {n} " in body for n in (0, 1, 2, 4, 6, 7)] == [True] * 6
    assert "Frost damage" not in body  # a link alone in its paragraph is still judged a link
