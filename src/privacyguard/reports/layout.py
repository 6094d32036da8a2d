"""Tables that fit the terminal: whole labels, ids and values at any width, one block per row when narrow.

Why: Rich squeezes every column of a wide table into 80 columns and cuts cells with "…"; a setting
id cut short is useless to `fix --only`, a label cut short cannot be told from its neighbour. Here
each column is either kept whole (ids, values, statuses, dates: never wrapped, never cut) or
wrapped at word boundaries (labels, reasons). The choice of layout is made when the table is
printed, from the width it is given (a terminal's, or 140 for a file): when the whole columns and
the narrowest readable wrapped columns fit side by side the rows are columns, otherwise every row
becomes a block, its heading (status and label) on top and one "Header  value" line per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from privacyguard.i18n import _

# A wrapped column is never narrower than this (nor than its longest word), or it reads as a ribbon.
MIN_WRAP = 14
BLOCK_INDENT = 4

Cell = str | Text | None


@dataclass(frozen=True)
class Col:
    """One column. `whole`: never wrapped nor cut. `heading`: starts the row's block in the narrow layout.
    `below`: shown under the previous column's text in the column layout, on its own line in a block."""

    header: str  # English, marked with N_(); shown translated
    whole: bool = False
    heading: bool = False
    ratio: int = 1
    fold: bool = False  # long single words (URLs) may continue on the next line; never for ids or labels
    below: bool = False  # in the column layout: a second line of the column before (an id under its label)


def as_text(cell: Cell) -> Text:
    """A cell as Text; plain strings are never read as Rich markup, so "[alerts]" stays as written."""
    if cell is None or cell == "":
        return Text("")
    return cell.copy() if isinstance(cell, Text) else Text(str(cell))


def _longest_line(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def _longest_word(text: Text) -> int:
    return max((cell_len(word) for word in text.plain.split()), default=0)


class FitTable:
    """A table that lays itself out for the width it is printed at (see the module docstring)."""

    def __init__(self, columns: Iterable[Col], title: str | Text | None = None) -> None:
        self.columns = list(columns)
        self.headers = {c: _(c.header) for c in self.columns}  # in the language of the moment it is made
        self.title = title
        self.rows: list[list[Text]] = []

    def add_row(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([as_text(c) for c in cells])

    def _grid(self) -> tuple[list[Col], list[list[Text]]]:
        """The columns and rows of the column layout: columns empty in every row are left out, and a
        `below` column's cells become a second line of the column before it."""
        columns: list[Col] = []
        rows: list[list[Text]] = [[] for _ in self.rows]
        for index, col in enumerate(self.columns):
            if not (col.heading or not self.rows or any(row[index].plain for row in self.rows)):
                continue
            if col.below and columns:
                for merged, row in zip(rows, self.rows, strict=True):
                    if row[index].plain:
                        merged[-1] = Text.assemble(merged[-1], "\n", row[index])
                continue
            columns.append(col)
            for merged, row in zip(rows, self.rows, strict=True):
                merged.append(row[index])
        return columns, rows

    def _widths(self, columns: list[Col], rows: list[list[Text]]) -> tuple[list[int], list[int]]:
        """The narrowest width of each column that cuts nothing and breaks no word, and its natural width."""
        least, natural = [], []
        for index, col in enumerate(columns):
            cells = [Text(self.headers[col]), *(row[index] for row in rows)]
            widest = max(_longest_line(c) for c in cells)
            natural.append(widest)
            if col.whole:
                least.append(widest)
            elif col.fold:
                least.append(min(widest, MIN_WRAP))
            else:  # never narrower than a word, nor (for prose) than MIN_WRAP, nor wider than it needs
                least.append(min(widest, max(MIN_WRAP, *(_longest_word(c) for c in cells))))
        return least, natural

    def needed_width(self) -> int:
        """Width of the column layout at its narrowest: cells plus borders and one space of padding a side."""
        columns, rows = self._grid()
        return sum(self._widths(columns, rows)[0]) + 3 * len(columns) + 1

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.needed_width() <= options.max_width:
            yield self._table(options.max_width)
        else:
            yield from self._blocks(options.max_width)

    def _table(self, width: int) -> Table:
        """Whole columns as wide as their widest cell; the spare width goes to the wrapped ones by ratio,
        none wider than its widest cell needs."""
        columns, rows = self._grid()
        widths, natural = self._widths(columns, rows)
        spare = width - (sum(widths) + 3 * len(columns) + 1)
        while spare > 0:
            growing = [i for i, col in enumerate(columns) if not col.whole and widths[i] < natural[i]]
            total = sum(columns[i].ratio for i in growing)
            given = 0
            for i in growing:
                extra = min(natural[i] - widths[i], max(1, spare * columns[i].ratio // total), spare - given)
                widths[i] += extra
                given += extra
            if given == 0:
                break
            spare -= given
        table = Table(title=self.title, title_justify="left", header_style="bold")
        for col, size in zip(columns, widths, strict=True):
            table.add_column(self.headers[col], width=size, no_wrap=col.whole,
                             overflow="ignore" if col.whole else "fold")
        for row in rows:
            table.add_row(*row)
        return table

    def _blocks(self, width: int) -> Iterator[RenderableType]:
        if self.title:
            yield Text(self.title, style="bold") if isinstance(self.title, str) else self.title
        label_width = max(cell_len(self.headers[c]) for c in self.columns if not c.heading) if self.rows else 0
        for row in self.rows:
            heading = Text("  ").join(cell for cell, col in zip(row, self.columns, strict=True)
                                      if col.heading and cell.plain)
            yield Text("")
            yield heading
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True, min_width=label_width, style="dim")
            grid.add_column(overflow="fold")
            for cell, col in zip(row, self.columns, strict=True):
                if not col.heading and cell.plain:
                    grid.add_row(self.headers[col], cell)
            yield Padding(grid, (0, 0, 0, BLOCK_INDENT), expand=False)
