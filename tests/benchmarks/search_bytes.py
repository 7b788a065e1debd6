"""What a reader downloads to search a site of N articles: the benchmark corpus built with
search on, served on loopback, and queried in headless Chromium.

It prints the bytes (response bodies, as the server sends them) of the search page
itself, of a first query (Pagefind's script, its WebAssembly, the index's metadata
and the chunks and fragments the query needs), and of a second query on the same
page, with the number of requests of each, and how long Pagefind took to index.

usage: python tests/benchmarks/search_bytes.py [N] [--work DIR] [--query WORD ...]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from corpus import write_corpus

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from generator.incremental.build import build  # noqa: E402
from generator.pipeline import BuildOptions  # noqa: E402
from generator.search.pagefind import executable, index_site  # noqa: E402

CONFIG = "title: News Digest\nbase_url: {base}\ntimezone: UTC\npage_size: 10\n"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=10000)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--query", nargs="+", default=["missile", "pipeline sanctions"])
    args = parser.parse_args()
    work = (args.work or Path(tempfile.mkdtemp(prefix="digest-search-"))).resolve()
    site, out = work / "site", work / "site" / "output"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    if not site.exists():
        write_corpus(args.count, site / "content")
    (site / "site.yaml").write_text(CONFIG.format(base=base))
    build(BuildOptions(site_dir=site, base_url=base))
    started = time.perf_counter()
    pages = work / "articles"
    if not pages.exists():
        pages.mkdir()
        for page in out.glob("20*/**/index.html"):
            target = pages / page.relative_to(out)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.hardlink_to(page)
    index_site(executable(), pages, work / "bundle-timed")
    indexing = time.perf_counter() - started
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        seen: list[tuple[str, int]] = []
        page.on("response", lambda r: seen.append((r.url, len(r.body()) if r.ok else 0)))
        page.goto(base + "search/", wait_until="networkidle")
        steps = [("the search page", list(seen))]
        for query in args.query:
            seen.clear()
            page.fill("#search-query", query)
            page.press("#search-query", "Enter")
            page.wait_for_function(
                "q => document.querySelector('.search-status').textContent.includes(q)",
                arg=f"for “{query}”",
                timeout=60_000,
            )
            page.wait_for_load_state("networkidle")
            steps.append((f"query {query!r}", list(seen)))
        status = page.text_content(".search-status")
        browser.close()
    server.shutdown()
    print(f"{args.count:,} articles; Pagefind indexed them in {indexing:.2f} s; {status}")
    for name, responses in steps:
        total = sum(size for _, size in responses)
        print(f"  {name}: {total / 1024:.1f} KiB in {len(responses)} requests")
        largest = sorted(responses, key=lambda response: -response[1])[:4]
        print(
            "    largest: "
            + ", ".join(f"{url.rsplit('/', 1)[-1]} {size / 1024:.1f} KiB" for url, size in largest)
        )


if __name__ == "__main__":
    main()
