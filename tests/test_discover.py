"""`newsflow sources discover URL`: the feeds a served home page declares and the sitemaps its robots.txt lists,
printed ready to paste, or added to a sources file."""

from flows.cli import main
from tasks.config import load_sources_file

HOME = """<!doctype html><html><head><title>Harbour Times</title>
<link rel="alternate" type="application/rss+xml" title="Harbour Times: all news" href="/feeds/all.rss">
<link rel="alternate" type="application/atom+xml" title="Sport" href="http://{host}/feeds/sport.atom">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="stylesheet" type="text/css" href="/style.css">
</head><body><p>Front page</p></body></html>"""


def serve_home(httpserver) -> str:
    host = f"127.0.0.1:{httpserver.port}"
    base = f"http://{host}"
    httpserver.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nAllow: /\nSitemap: {base}/news-sitemap.xml\n"
    )
    httpserver.expect_request("/").respond_with_data(HOME.format(host=host), content_type="text/html")
    return base


def test_discovery_lists_declared_feeds_and_robots_sitemaps_and_adds_them(httpserver, tmp_path, capsys):
    base = serve_home(httpserver)
    sources = tmp_path / "sources.toml"
    sources.write_text('allow_addresses = ["127.0.0.1"]\nmin_delay = 0.0\n\n[[sources]]\nname = "Sport"\n'
                       f'feed = "{base}/feeds/sport.atom"\n')  # fmt: skip
    assert main(["sources", "discover", f"{base}/", "--sources", str(sources)]) == 0
    out = capsys.readouterr().out
    assert f"RSS: {base}/feeds/all.rss  (Harbour Times: all news)" in out
    assert f"JSON Feed: {base}/feed.json" in out and f"sitemap: {base}/news-sitemap.xml" in out
    assert f"Atom: {base}/feeds/sport.atom  (already in" in out
    assert "/fr/" not in out and "style.css" not in out
    assert main(["sources", "discover", f"{base}/", "--sources", str(sources), "--add"]) == 0
    config = load_sources_file(sources)
    assert [(s.name, s.fetch_url) for s in config.sources] == [
        ("Sport", f"{base}/feeds/sport.atom"),
        ("Harbour Times: all news", f"{base}/feeds/all.rss"),
        ("127.0.0.1 JSON Feed", f"{base}/feed.json"),
        ("127.0.0.1 sitemap", f"{base}/news-sitemap.xml"),
    ]
    assert config.sources[3].sitemap == f"{base}/news-sitemap.xml"


def test_discovery_refuses_private_addresses_unless_allowed_and_bad_urls(httpserver, capsys):
    base = serve_home(httpserver)
    assert main(["sources", "discover", f"{base}/"]) == 1  # 127.0.0.1 is not allowed without a sources file
    assert "problem:" in capsys.readouterr().out
    assert main(["sources", "discover", "ftp://example.com/"]) == 2
    assert main(["sources", "discover", f"{base}/", "--add"]) == 2
