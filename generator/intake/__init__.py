"""Articles brought in from outside and written as files: `digest new` (authoring.py),
`digest import` of plain text and feeds (importer.py and the readers it uses), and the
entries `digest fetch` gathers (see gather/), which go through the same importer."""
