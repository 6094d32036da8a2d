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

# A wrapped column is never narrower than this (nor than its longest word), or it reads as a ribbon.
MIN_WRAP = 14
BLOCK_INDENT = 4

Cell = str | Text | None


@dataclass(frozen=True)
class Col:
    """One column. `whole`: never wrapped nor cut. `heading`: starts the row's block in the narrow layout."""

    header: str
    whole: bool = False
    heading: bool = False
    ratio: int = 1
    fold: bool = False  # long single words (URLs) may continue on the next line; never for ids or labels


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
        self.title = title
        self.rows: list[list[Text]] = []

    def add_row(self, *cells: Cell) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([as_text(c) for c in cells])

    def _widths(self) -> list[int]:
        """The narrowest width each column can have without cutting or mid-word breaking anything."""
        widths = []
        for index, col in enumerate(self.columns):
            cells = [Text(col.header), *(row[index] for row in self.rows)]
            if col.whole:
                widths.append(max(_longest_line(c) for c in cells))
            elif col.fold:
                widths.append(MIN_WRAP)
            else:
                widths.append(max(MIN_WRAP, *(_longest_word(c) for c in cells)))
        return widths

    def needed_width(self) -> int:
        """Width of the column layout at its narrowest: cells plus borders and one space of padding a side."""
        return sum(self._widths()) + 3 * len(self.columns) + 1

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.needed_width() <= options.max_width:
            yield self._table(options.max_width)
        else:
            yield from self._blocks(options.max_width)

    def _spread(self, width: int) -> list[int]:
        """Column widths for `width`: whole columns as wide as their widest cell, the spare width shared
        by the wrapped ones in proportion to their ratio, none wider than its widest cell needs."""
        widths = self._widths()
        natural = [max(_longest_line(c) for c in [Text(col.header), *(row[i] for row in self.rows)])
                   for i, col in enumerate(self.columns)]
        spare = width - self.needed_width()
        while spare > 0:
            growing = [i for i, col in enumerate(self.columns) if not col.whole and widths[i] < natural[i]]
            if not growing:
                break
            total = sum(self.columns[i].ratio for i in growing)
            given = 0
            for i in growing:
                extra = min(natural[i] - widths[i], max(1, spare * self.columns[i].ratio // total))
                extra = min(extra, spare - given)
                widths[i] += extra
                given += extra
            spare -= given
            if given == 0:
                break
        return widths

    def _table(self, width: int) -> Table:
        table = Table(title=self.title, title_justify="left", header_style="bold")
        for col, size in zip(self.columns, self._spread(width), strict=True):
            table.add_column(col.header, width=size, no_wrap=col.whole, overflow="ignore" if col.whole else "fold")
        for row in self.rows:
            table.add_row(*row)
        return table

    def _blocks(self, width: int) -> Iterator[RenderableType]:
        if self.title:
            yield Text(self.title, style="bold") if isinstance(self.title, str) else self.title
        label_width = max(cell_len(c.header) for c in self.columns if not c.heading) if self.rows else 0
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
                    grid.add_row(col.header, cell)
            yield Padding(grid, (0, 0, 0, BLOCK_INDENT), expand=False)
