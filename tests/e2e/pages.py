"""The pages of the sample site that the browser, axe and Lighthouse checks open."""

from __future__ import annotations

# Page name -> path on the served sample site (built with the repository's site.yaml).
PAGES = {
    "home": "/",
    "article": "/2025/03/12/north-korea-enhances-military-ties-with-russia-amid-troop-deployments/",
    "article with image": "/2025/03/13/tokyo-hosts-regional-forum-on-space-debris-monitoring/",
    "tag": "/tags/north-korea/",
    "tags": "/tags/",
    "404": "/404.html",
    "digest": "/digest/2025-03-12/",
    "article in Japanese": "/2025/03/14/東京都が大規模な防災訓練-首都直下地震を想定/",
    "search": "/search/",
    "search results": "/search/?q=missile",  # opened once its results are shown
    "page": "/about/",
    "author": "/authors/lee-jun/",
    "authors": "/authors/",
    "section": "/sections/defense/",
}

# Lighthouse audits every page above except the indexes (tags, authors), the 404 page,
# and the pages of the same kind as another in another state (the Japanese article,
# results, a section page: a list page as a tag's is).
SAME_KIND = ("tags", "authors", "404", "article in Japanese", "search results", "section")
LIGHTHOUSE_PAGES = [name for name in PAGES if name not in SAME_KIND]
