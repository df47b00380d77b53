"""RFC 9162 (Certificate Transparency 2.0) Merkle tree over a store of full-subtree hashes. Pure: stdlib only.

Hashing (RFC 9162 §2.1.1, identical to RFC 6962): the empty tree is SHA-256(""), a leaf is
SHA-256(0x00 ‖ data), an interior node SHA-256(0x01 ‖ left ‖ right); for n > 1 leaves the tree splits at k, the
largest power of two smaller than n. The 0x00/0x01 prefixes keep leaves and nodes in separate domains, so an
interior node can never be passed off as a leaf.

Storage. Recomputing a root from all leaves costs O(n) and does not scale to a log that keeps every issue,
revoke and key event for ten years, so the tree *stores* node hashes. Only full (perfect) subtrees are stored:
node ``(level, index)`` is the hash of leaves ``[index·2^level, (index+1)·2^level)``. Such a hash never changes
once written, which makes the table append-only (easy to audit, safe to cache and replicate). Any RFC 9162
subtree that occurs in a root or a proof splits into at most ~log2(n) stored full subtrees, so:

* :func:`append` writes the leaf plus every parent the new leaf completes and reads their left siblings:
  O(log n) (on average one read and two writes);
* :func:`root` reads popcount(n) ≤ log2(n)+1 nodes;
* :func:`inclusion_proof` and :func:`consistency_proof` read at most about 2·log2(n) nodes (a proof has
  ≤ log2(n) components, each a stored full subtree except at most one "ragged" right-hand component, which is
  assembled from ≤ log2(n) stored ones).

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 step by step and are checked against the transparency-dev
test vectors (see ``tests/unit/test_tlog.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class NodeStore(Protocol):
    """Where full-subtree hashes live. The web app implements it on a table keyed by (level, index).

    ``put`` is only ever called once per key with a given value; an implementation should refuse to overwrite
    a different value (a full subtree's hash never changes, so a conflicting write means two writers raced).
    """

    def get(self, level: int, index: int) -> bytes | None: ...

    def put(self, level: int, index: int, hash: bytes) -> None: ...


class MissingNodeError(LookupError):
    """A node that must exist for the requested tree size is not in the store (wrong size, or a lost write)."""


class ConflictingNodeError(ValueError):
    """A write tried to change an already stored full-subtree hash."""


@dataclass
class MemoryNodeStore:
    """In-memory :class:`NodeStore` for tests and tools; counts reads and writes."""

    nodes: dict[tuple[int, int], bytes] = field(default_factory=dict)
    reads: int = 0
    writes: int = 0

    def get(self, level: int, index: int) -> bytes | None:
        self.reads += 1
        return self.nodes.get((level, index))

    def put(self, level: int, index: int, hash: bytes) -> None:
        old = self.nodes.get((level, index))
        if old is not None and old != hash:
            raise ConflictingNodeError(f"node ({level}, {index}) is already stored with another hash")
        self.writes += 1
        self.nodes[(level, index)] = hash


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


def _read(store: NodeStore, level: int, index: int) -> bytes:
    value = store.get(level, index)
    if value is None:
        raise MissingNodeError(f"node ({level}, {index}) is not stored")
    return value


def _split(n: int) -> int:
    """k: the largest power of two smaller than n (n ≥ 2), where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree_hash(store: NodeStore, start: int, end: int) -> bytes:
    """MTH(D[start:end]) from stored full subtrees: the binary digits of end-start, largest first.

    Every range a root or proof asks for starts on a multiple of its largest full subtree (it is the left or
    right half of an RFC 9162 split), so each piece is a stored node. The pieces fold from the right because
    RFC 9162 puts the largest full subtree on the left and recurses into the remainder.
    """
    pieces: list[bytes] = []
    pos = start
    while pos < end:
        level = (end - pos).bit_length() - 1
        if pos & ((1 << level) - 1):  # unreachable from the public functions; guards a misuse
            raise ValueError(f"range [{start}, {end}) is not aligned to stored subtrees")
        pieces.append(_read(store, level, pos >> level))
        pos += 1 << level
    result = pieces[-1]
    for piece in reversed(pieces[:-1]):
        result = node_hash(piece, result)
    return result


def append(store: NodeStore, size: int, leaf: bytes) -> int:
    """Append a leaf hash to a tree of ``size`` leaves and return the new size.

    Writes the leaf at (0, size) and, while the new node is a right child, reads its left sibling and writes
    the completed parent: 1 + t writes and t reads, where t is the number of trailing 1 bits of ``size``.

    The caller owns ``size`` and must serialise appends to one tree (e.g. lock the row holding the size and
    write the nodes and the new size in one transaction); two concurrent appends at the same size would both
    write leaf ``size``. Retrying the same append after a crash rewrites identical values, which is harmless.
    """
    _check_hash(leaf, "leaf hash")
    if size < 0:
        raise ValueError("size must be >= 0")
    level, index, current = 0, size, leaf
    store.put(level, index, current)
    while index & 1:
        current = node_hash(_read(store, level, index - 1), current)
        level, index = level + 1, index >> 1
        store.put(level, index, current)
    return size + 1


def root(store: NodeStore, size: int) -> bytes:
    """MTH of the first ``size`` leaves (SHA-256("") for the empty tree); reads popcount(size) nodes."""
    if size < 0:
        raise ValueError("size must be >= 0")
    return EMPTY_ROOT if size == 0 else _subtree_hash(store, 0, size)


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf's sibling first, from stored subtrees only."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of {size} leaves")
    # PATH recursion unrolled top-down: each step records the hash of the half that does not hold the leaf.
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(_subtree_hash(store, start + k, end))
            end = start + k
        else:
            path.append(_subtree_hash(store, start, start + k))
            start, m = start + k, m - k
    path.reverse()  # the recursion emits the deepest component first
    return path


def consistency_proof(store: NodeStore, m: int, n: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true), from stored subtrees only.

    ``m == n`` gives the empty proof. ``m == 0`` is refused: every tree is an extension of the empty tree, so
    such a proof proves nothing, and the verifier (like transparency-dev's) rejects it.
    """
    if not 0 < m <= n:
        raise ValueError(f"no consistency proof from size {m} to size {n}")
    proof: list[bytes] = []
    start, end, mm, whole = 0, n, m, True  # ``whole``: the b flag, still inside the original tree's left edge
    while True:
        if mm == end - start:
            if not whole:
                proof.append(_subtree_hash(store, start, end))
            break
        k = _split(end - start)
        if mm <= k:
            proof.append(_subtree_hash(store, start + k, end))
            end = start + k
        else:
            proof.append(_subtree_hash(store, start, start + k))
            start, mm, whole = start + k, mm - k, False
    proof.reverse()
    return proof


def _all_hashes(*values: bytes | Sequence[bytes]) -> bool:
    for value in values:
        items = [value] if isinstance(value, bytes) else list(value)
        if not all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in items):
            return False
    return True


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf hash ``leaf`` at ``index`` in the tree with ``root_hash``?"""
    if not 0 <= index < size or not _all_hashes(leaf, root_hash, proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn, sn = fn >> 1, sn >> 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root_hash


def verify_consistency(m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show the tree of size ``m`` is a prefix of the tree of size ``n``?

    Outside the RFC algorithm (which assumes 0 < m < n) this follows transparency-dev, whose vectors we pass:
    m == 0 or m > n fail; m == n holds exactly when the proof is empty and the roots are equal.
    """
    if m <= 0 or m > n:
        return False
    if m == n:
        return len(proof) == 0 and root_m == root_n
    if not proof or not _all_hashes(root_m, root_n, proof):
        return False  # step 1: an empty path fails
    path = list(proof)
    if m & (m - 1) == 0:  # step 2: m is a power of two, so its root is itself a node of the path
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn, sn = fn >> 1, sn >> 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == root_m and sr == root_n and sn == 0
