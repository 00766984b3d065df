"""Reading untrusted input files safely: scenario YAML and data tables.

A scenario or a data path can come from anyone (a downloaded counterfactual, a typo), so every
file is checked before it is parsed: it must be a regular, readable file of bounded size (not a
directory, ``/dev/zero`` or a FIFO), and UTF-8 text. YAML is parsed with a SafeLoader that also
refuses duplicate keys (silently keeping the last one hides mistakes), deep nesting and alias
bombs (a few lines that expand into gigabytes). Each failure is an ``InputError`` whose message
is one line naming the file, where in it, and the problem.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

#: Largest scenario file read (bytes); the shipped ones are a few kilobytes.
MAX_YAML_BYTES = 1_000_000
#: Largest data table read (bytes); the shipped ones are well under a megabyte.
MAX_TABLE_BYTES = 50_000_000
#: Deepest nesting of YAML collections accepted; a scenario needs five or so levels.
MAX_DEPTH = 32
#: Most YAML alias uses (``*name``) in one file, and most nodes the document may expand to
#: once aliases are followed (the guard against "billion laughs" documents).
MAX_ALIASES = 200
MAX_EXPANDED_NODES = 200_000


class InputError(ValueError):
    """An input file cannot be used; the message is one line: file, place, problem."""


def check_regular_file(path: str | Path, what: str = "file", max_bytes: int = MAX_YAML_BYTES) -> Path:
    """``path`` if it is a regular, readable file of at most ``max_bytes``; else InputError.

    Uses ``stat`` rather than ``exists``, so a directory, ``/dev/null``, ``/dev/zero`` or a named
    pipe is refused before anything tries to read it (reading ``/dev/zero`` never ends)."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(f"{p}: {what} not found") from None
    except OSError as e:
        raise InputError(f"{p}: cannot read {what}: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{p}: is not a regular file (a device, pipe or socket), not a {what}")
    if st.st_size > max_bytes:
        raise InputError(f"{p}: {what} is {st.st_size} bytes, more than the {max_bytes} accepted")
    if not os.access(p, os.R_OK):
        raise InputError(f"{p}: {what} is not readable (permission denied)")
    return p


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_YAML_BYTES) -> str:
    """The UTF-8 text of a checked file (at most ``max_bytes`` read, whatever stat said)."""
    p = check_regular_file(path, what, max_bytes)
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{p}: cannot read {what}: {e.strerror or e}") from None
    if len(data) > max_bytes:
        raise InputError(f"{p}: {what} is larger than the {max_bytes} bytes accepted")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{p}: not UTF-8 text (invalid byte at offset {e.start})") from None


class _Limit(yaml.YAMLError):
    """A bounded loader refused the document."""


class BoundedSafeLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader (no arbitrary objects) that also refuses duplicate mapping keys,
    nesting deeper than ``MAX_DEPTH``, more than ``MAX_ALIASES`` alias uses, and documents that
    expand to more than ``MAX_EXPANDED_NODES`` nodes once aliases are followed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _Limit(f"line {mark.line + 1}: more than {MAX_ALIASES} aliases")
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Limit(f"line {mark.line + 1}: nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _Limit(f"line {line}: duplicate key {key!r} (first on line {seen[key]})")
                seen[key] = line
            except TypeError:  # an unhashable key; the base class reports it
                continue
        return super().construct_mapping(node, deep=deep)


# Dates stay text: the scenario's own date parser checks them and names an impossible one
# (2003-02-31) in its message, where PyYAML's timestamp constructor fails with a bare ValueError.
BoundedSafeLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _expanded_size(node: yaml.Node) -> int:
    """Nodes of the document once every alias is followed, counted without expanding it
    (each distinct node's size is computed once), so a bomb is measured in linear time."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # guards against cycles (recursive aliases)
        if isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(c) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        else:
            total = 1
        sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[key]

    return size(node)


def safe_load(text: str, origin: str) -> Any:
    """Parse YAML text with ``BoundedSafeLoader``; InputError (one line) on any problem."""
    loader = BoundedSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            raise _Limit(f"aliases expand to more than {MAX_EXPANDED_NODES} nodes")
        return loader.construct_document(node)
    except _Limit as e:
        raise InputError(f"{origin}: rejected YAML: {e}") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(str(e.problem or e.context or "syntax error").split())
        raise InputError(f"{origin}: not valid YAML: {where}{problem}") from None
    except yaml.YAMLError as e:
        raise InputError(f"{origin}: not valid YAML: {' '.join(str(e).split())}") from None
    except RecursionError:
        raise InputError(f"{origin}: rejected YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as e:  # a value PyYAML cannot construct
        raise InputError(f"{origin}: not valid YAML: {' '.join(str(e).split())}") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path, what: str = "scenario file") -> Any:
    """A checked file's YAML content (see ``read_text`` and ``safe_load``)."""
    return safe_load(read_text(path, what, MAX_YAML_BYTES), str(path))
