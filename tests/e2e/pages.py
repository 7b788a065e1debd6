"""The pages of the sample site that the browser, axe and Lighthouse checks open."""

from __future__ import annotations

# Page name -> path on the served sample site (built with the repository's site.yaml).
PAGES = {
    "home": "/",
    "article": "/2025/03/12/north-korea-enhances-military-ties-with-russia-amid-troop-deployments/",
    "tag": "/tags/north-korea/",
    "tags": "/tags/",
    "404": "/404.html",
    "digest": "/digest/2025-03-12/",
}

# Lighthouse audits every page above except the tags index and the 404 page.
LIGHTHOUSE_PAGES = [name for name in PAGES if name not in ("tags", "404")]
