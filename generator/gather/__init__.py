"""Gathering the news: the subscriptions of a site, fetched (fetch.py, http.py, state.py),
read and written as OPML (opml.py), and kept in site.yaml (siteyaml.py)."""
