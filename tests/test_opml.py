"""`newsflow sources import|export`: a feed reader's OPML becomes (or extends) a sources file that loads, with
folders kept as tags, and a sources file goes back to OPML."""

from flows.cli import main
from tasks.config import load_sources_file
from tasks.reading.opml import read_opml

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="World">
    <outline type="rss" text="Harbour Times" title="Harbour Times" xmlUrl="https://harbour.example/feed.xml"/>
    <outline text="Farming">
      <outline type="rss" text="Valley &amp; Farm" xmlUrl="https://valley.example/rss"/>
    </outline>
  </outline>
  <outline text="Again">
    <outline type="rss" text="Harbour Times (copy)" xmlUrl="https://harbour.example/feed.xml"/>
    <outline type="rss" text="Harbour Times" xmlUrl="https://other.example/atom"/>
    <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
  </outline>
  <outline type="rss" text="Loose &quot;quoted&quot; feed" xmlUrl="https://loose.example/feed?a=1&amp;b=2"/>
</body></opml>"""


def test_an_opml_export_becomes_a_sources_file_with_folders_as_tags(tmp_path, capsys):
    opml, out = tmp_path / "feeds.opml", tmp_path / "sources.toml"
    opml.write_text(OPML)
    assert main(["sources", "import", str(opml), "--sources", str(out)]) == 0
    said = capsys.readouterr().out
    config = load_sources_file(out)
    assert [(s.name, s.feed, s.tags) for s in config.sources] == [
        ("Harbour Times", "https://harbour.example/feed.xml", ["World"]),
        ("Valley & Farm", "https://valley.example/rss", ["World", "Farming"]),
        ("Harbour Times (2)", "https://other.example/atom", ["Again"]),
        ('Loose "quoted" feed', "https://loose.example/feed?a=1&b=2", []),
    ]
    assert "left out: Harbour Times (copy): a feed the sources already have" in said
    assert "left out: Local file: not an http(s)" in said


def test_importing_into_an_existing_sources_file_extends_it_and_keeps_its_text(tmp_path, capsys):
    out = tmp_path / "sources.toml"
    out.write_text('# my feeds, by hand\nmin_delay = 2.0\n\n[[sources]]\nname = "Harbour Times"\n'
                   'feed = "https://harbour.example/feed.xml"\n')  # fmt: skip
    opml = tmp_path / "feeds.opml"
    opml.write_text(OPML)
    assert main(["sources", "import", str(opml), "--sources", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# my feeds, by hand\nmin_delay = 2.0\n")
    config = load_sources_file(out)
    assert config.min_delay == 2.0
    assert [s.name for s in config.sources] == ["Harbour Times", "Valley & Farm", "Harbour Times (2)",
                                                'Loose "quoted" feed']  # fmt: skip
    assert main(["sources", "import", str(opml), "--sources", str(out)]) == 0  # again: nothing new, nothing lost
    assert "nothing new" in capsys.readouterr().out and out.read_text() == text


def test_opml_round_trip_keeps_names_urls_and_folders(tmp_path):
    opml, sources, back = tmp_path / "feeds.opml", tmp_path / "sources.toml", tmp_path / "back.opml"
    opml.write_text(OPML)
    assert main(["sources", "import", str(opml), "--sources", str(sources)]) == 0
    assert main(["sources", "export", "--sources", str(sources), "--out", str(back)]) == 0
    again, left_out = read_opml(back.read_bytes())
    first, _ = read_opml(opml.read_bytes())
    assert [(f.name, f.url) for f in again] == [(f.name, f.url) for f in first] and left_out == []
    assert [f.tags[:1] for f in again] == [f.tags[:1] for f in first]  # the first folder is the OPML folder


def test_an_opml_with_entities_or_no_feeds_is_refused(tmp_path, capsys):
    bomb = tmp_path / "bomb.opml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>')
    assert main(["sources", "import", str(bomb), "--sources", str(tmp_path / "a.toml")]) == 2
    assert "unsafe XML refused" in capsys.readouterr().err
    empty = tmp_path / "empty.opml"
    empty.write_text("<opml><body><outline text='folder'/></body></opml>")
    assert main(["sources", "import", str(empty), "--sources", str(tmp_path / "b.toml")]) == 2
    assert "no feed outlines" in capsys.readouterr().err
    assert not (tmp_path / "a.toml").exists() and not (tmp_path / "b.toml").exists()


def test_odd_titles_and_encodings_are_read_or_refused_in_one_line(tmp_path, capsys):
    odd = tmp_path / "odd.opml"
    odd.write_text('<opml><body><outline text="Tab\x7fDel \\ back &quot;q&quot;" xmlUrl="https://odd.example/f"/>'
                   "</body></opml>")  # fmt: skip
    out = tmp_path / "sources.toml"
    assert main(["sources", "import", str(odd), "--sources", str(out)]) == 0
    assert load_sources_file(out).sources[0].name == 'Tab\x7fDel \\ back "q"'
    for encoding in ("hex", "gb2312"):
        strange = tmp_path / f"{encoding}.opml"
        strange.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?><opml><body/></opml>'.encode())
        assert main(["sources", "import", str(strange), "--sources", str(tmp_path / "x.toml")]) == 2
        err = capsys.readouterr().err
        assert "not an OPML file" in err and "Traceback" not in err
    assert main(["sources", "export", "--sources", str(out), "--out", str(tmp_path / "no" / "such" / "f.opml")]) == 2
