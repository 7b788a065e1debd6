"""Which context variables a template uses only to name a tag or source (see keys.py).

A tag page is given its tag with all of its articles, but the default
templates show only its name, URL and number of articles: a page keyed on
those alone is not made again when another article of the tag changes. This
reads a template's syntax tree to find out, and answers no whenever it
cannot be sure.
"""

from __future__ import annotations

from jinja2 import nodes

# What names a tag, source, author or section (an author's bio and link are site.yaml's).
NAMED_FIELDS = frozenset({"name", "slug", "url", "bio", "link"})
COUNTS = frozenset({"length", "count"})
# What a loop may say of where it is without showing any item (see _loop_is_named).
LOOP_PLACES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)


def uses_are_named(tree: nodes.Node, name: str) -> bool:
    stack: list[tuple[nodes.Node, nodes.Node | None, nodes.Node | None]] = [(tree, None, None)]
    while stack:
        node, parent, grandparent = stack.pop()
        if (
            isinstance(node, nodes.Name)
            and node.name == name
            and (node.ctx != "load" or not _named_use(node, parent, grandparent))
        ):
            return False
        stack += [(child, node, parent) for child in node.iter_child_nodes()]
    return True


def _named_use(node: nodes.Name, parent: nodes.Node | None, grandparent: nodes.Node | None) -> bool:
    if isinstance(parent, nodes.If | nodes.CondExpr) and parent.test is node:
        return True
    if isinstance(parent, nodes.For) and parent.iter is node:
        return _loop_is_named(parent)
    if _is_count(parent, node):
        return True
    if not isinstance(parent, nodes.Getattr) or parent.node is not node:
        return False
    if parent.attr in NAMED_FIELDS:
        return True
    return parent.attr == "articles" and _is_count(grandparent, parent)


def _is_count(node: nodes.Node | None, counted: nodes.Node) -> bool:
    """Whether `node` is `counted | length` (or `count`)."""
    return (
        isinstance(node, nodes.Filter)
        and node.node is counted
        and node.name in COUNTS
        and not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs)
    )


def _loop_is_named(loop: nodes.For) -> bool:
    """Whether `loop` uses each item only for its names, number of articles and truth."""
    target = loop.target
    if not isinstance(target, nodes.Name) or loop.recursive:
        return False
    inside = [*loop.body, *loop.else_, *([loop.test] if loop.test is not None else [])]
    for used in (found for node in inside for found in [node, *node.find_all(nodes.Stmt)]):
        # Another template could use the loop's variable: it is not looked at here.
        if isinstance(used, nodes.Include) or getattr(used, "with_context", False):
            return False
        if isinstance(used, nodes.Block) and used.scoped:
            return False
    return all(
        uses_are_named(node, target.name) and _loop_object_counts_only(node) for node in inside
    )


def _loop_object_counts_only(tree: nodes.Node) -> bool:
    """Whether `tree` uses Jinja's `loop` only for where the loop is (`loop.index`...),
    not for the items before and after (`loop.previtem`) or as a value."""
    stack: list[tuple[nodes.Node, nodes.Node | None]] = [(tree, None)]
    while stack:
        node, parent = stack.pop()
        placed = isinstance(parent, nodes.Getattr) and parent.attr in LOOP_PLACES
        if isinstance(node, nodes.Name) and node.name == "loop" and not placed:
            return False
        stack += [(child, node) for child in node.iter_child_nodes()]
    return True
