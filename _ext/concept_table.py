"""Sphinx directive ``concept-table``: the shared questions of :mod:`aecore.theory`, generated from the code.

One row per question of ``aecore.theory.QUESTIONS``, one column per model, each cell the
function that answers it (a cross-reference to its API entry) or "—" with the reason the model
has none. Because it is built from ``aecore.theory.concept_table()`` at build time, it cannot go
stale: a function renamed or removed changes the table, or fails the build.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


class ConceptTable(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        from aecore import theory

        header = ["question", *(title for title, _ in theory.MODELS)]
        # The API page is MyST, so nested content is parsed as MyST markdown.
        lines = [
            "```{list-table}",
            ":header-rows: 1",
            ":class: concept-table",
            "",
        ]
        lines.append("* - " + header[0])
        lines += [f"  - {h}" for h in header[1:]]
        for name, question, cells in theory.concept_table():
            lines.append(f"* - `{name}`: {question}")
            lines += [
                f"  - {cell}"
                if cell.startswith("—")
                else f"  - {{py:func}}`~{cell}`"
                for cell in cells
            ]
        lines.append("```")
        container = nodes.container()
        self.state.nested_parse(
            StringList(lines, source="concept-table"),
            self.content_offset,
            container,
        )
        return container.children


def setup(app):
    app.add_directive("concept-table", ConceptTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
