"""An account's place in its group: the parents up to the root, and the subsidiaries below it, as a tree."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trato import RecordData, RecordNotFound, records

from .models import Account

ENTITY = Account.__tablename__
MAX_DEPTH = 12  # levels shown above and below the account; deeper groups are cut
MAX_CHILDREN = 100  # subsidiaries shown per level


@dataclass
class Node:
    id: int
    name: str
    current: bool = False
    children: list[Node] = field(default_factory=list)
    more: bool = False  # some subsidiaries are left out


def _parents(account: RecordData, user: Any) -> list[RecordData]:
    """The account's parents, nearest first, that `user` may see (a loop in the data stops the walk)."""
    found: list[RecordData] = []
    seen = {account.id}
    parent_id = account.get("parent_id")
    while parent_id and parent_id not in seen and len(found) < MAX_DEPTH:
        try:
            parent = records.get(ENTITY, parent_id, user=user)
        except RecordNotFound:
            break
        found.append(parent)
        seen.add(parent.id)
        parent_id = parent.get("parent_id")
    return found


def _descend(node: Node, user: Any, depth: int, seen: set[int]) -> None:
    if depth >= MAX_DEPTH:
        return
    page = records.query(ENTITY, user=user).where({"parent_id": node.id}).order_by("name") \
        .page(limit=MAX_CHILDREN)
    node.more = page.next_cursor is not None
    for child in page.items:
        if child.id in seen:
            continue
        seen.add(child.id)
        sub = Node(child.id, child["name"])
        node.children.append(sub)
        _descend(sub, user, depth + 1, seen)


def tree(account: RecordData, user: Any) -> Node | None:
    """The tree from the account's root down to it and its subsidiaries; None for an account on its own."""
    parents = _parents(account, user)
    current = Node(account.id, account["name"], current=True)
    _descend(current, user, 0, {account.id, *(p.id for p in parents)})
    if not parents and not current.children:
        return None
    top = current
    for parent in parents:
        top = Node(parent.id, parent["name"], children=[top])
    return top
