"""`newsflow import-opml`: a feed reader's OPML export becomes a sources file that loads."""

from flows.cli import main
from tasks.config import load_sources_file

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="World">
    <outline type="rss" text="Harbour Times" title="Harbour Times" xmlUrl="https://harbour.example/feed.xml"/>
    <outline type="rss" text="Valley &amp; Farm" xmlUrl="https://valley.example/rss"/>
  </outline>
  <outline text="Again">
    <outline type="rss" text="Harbour Times (copy)" xmlUrl="https://harbour.example/feed.xml"/>
    <outline type="rss" text="Harbour Times" xmlUrl="https://other.example/atom"/>
    <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
  </outline>
</body></opml>"""


def test_an_opml_export_becomes_a_sources_file(tmp_path, capsys):
    opml, out = tmp_path / "feeds.opml", tmp_path / "sources.toml"
    opml.write_text(OPML)
    assert main(["import-opml", str(opml), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    config = load_sources_file(out)
    assert [(s.name, s.feed) for s in config.sources] == [
        ("Harbour Times", "https://harbour.example/feed.xml"),
        ("Valley & Farm", "https://valley.example/rss"),
        ("Harbour Times (2)", "https://other.example/atom"),
    ]
    assert "left out: Harbour Times (copy): the same feed" in said and "left out: Local file: not an http(s)" in said
    assert main(["import-opml", str(opml), "--out", str(out)]) == 2  # never overwrites without --force


def test_an_opml_with_entities_or_no_feeds_is_refused(tmp_path, capsys):
    bomb = tmp_path / "bomb.opml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>')
    assert main(["import-opml", str(bomb), "--out", str(tmp_path / "a.toml")]) == 2
    assert "unsafe XML refused" in capsys.readouterr().err
    empty = tmp_path / "empty.opml"
    empty.write_text("<opml><body><outline text='folder'/></body></opml>")
    assert main(["import-opml", str(empty), "--out", str(tmp_path / "b.toml")]) == 2
    assert "no feed outlines" in capsys.readouterr().err
