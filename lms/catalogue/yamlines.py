"""YAML that remembers where each value was written, so that problems can name the line. Pure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lms.messages import N_

if TYPE_CHECKING:
    from yaml.nodes import Node

Path = tuple  # (key, index, key, ...) from the document root


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_with_lines(text: str, first_line: int = 1) -> tuple[Any, dict[Path, int]]:
    """Parse YAML safely; return the data and a map from each value's path to its 1-based line."""
    import yaml  # on first use (worker memory): course files, checks, the skills framework once per process

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        raise YamlSyntaxError(line, N_("YAML syntax error: %(problem)s", problem=exc.problem or exc.context)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(first_line, N_("YAML syntax error: %(problem)s", problem=str(exc))) from None
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines, first_line)
    return data, lines


def _walk(node: Node, path: Path, lines: dict[Path, int], first_line: int) -> None:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    lines[path] = node.start_mark.line + first_line
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            _walk(value_node, (*path, key), lines, first_line)
            lines[(*path, key)] = key_node.start_mark.line + first_line
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, first_line)


def line_of(lines: dict[Path, int], *path: Any) -> int:
    """The line of the value at path, or of its nearest written parent."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
