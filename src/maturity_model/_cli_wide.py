"""Wide output of ``maturity score``: one row per assessment, two columns per node.

The columns are ``subject``, ``date``, then ``<node>.score`` and ``<node>.level`` for every
node in :attr:`~maturity_model.batch.CompiledModel.node_ids` order (the model root first),
then ``model`` and ``model_version`` (the identity columns a table lacks come last: see
:data:`~maturity_model.profile.IDENTITY_COLUMNS`).
A node that is not assessed has empty cells (nulls in Parquet). CSV goes through the one
CSV row function; Parquet (extra ``arrow``) is written in row groups of a fixed size.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, Any, Final

import numpy as np

from maturity_model._arrow_arrays import arrow, numbers, repeated, texts
from maturity_model._csv_cells import csv_lines, level_texts, number_texts
from maturity_model._table_parquet import parquet
from maturity_model.profile import IDENTITY_COLUMNS

#: The rows of a Parquet row group: the file is the same however the rows were chunked
#: (by the csv module or by pyarrow), and large groups write faster than many small ones.
GROUP_ROWS: Final = 1 << 16


def wide_columns(node_ids: Sequence[str]) -> list[str]:
    """The header of the wide form.

    >>> wide_columns(["m", "cm"])
    ['subject', 'date', 'm.score', 'm.level', 'cm.score', 'cm.level', 'model', 'model_version']
    """
    out = ["subject", "date"]
    for node in node_ids:
        out += [f"{node}.score", f"{node}.level"]
    return out + [c for c in IDENTITY_COLUMNS if c not in out]


class WideWriter:
    """Writes scored chunks (:class:`~maturity_model._cli_tables.Scored`) in wide form.

    :param fmt: ``"csv"`` or ``"parquet"``.
    :param csv_safe: CSV text cells that a spreadsheet would run as a formula get a
        leading ``'``.
    """

    def __init__(self, out: IO[str], fmt: str, node_ids: Sequence[str], *,
                 csv_safe: bool = True) -> None:
        self.out = out
        self.fmt = fmt
        self.safe = csv_safe
        self.columns = wide_columns(node_ids)
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        self._parquet: Any = None
        self._pending: list[Any] = []  # record batches not yet written
        self._pending_rows = 0
        self._written = False
        self._started = False
        self._model: list[str] = ["", ""]  # model id and version, set by the first chunk

    def write(self, scored: Any) -> None:
        rows = np.asarray(scored.rows, dtype=np.intp)
        scores = scored.result.scores[rows]
        levels = scored.result.levels[rows]
        dates = [None if d is None else d.isoformat() for d in scored.dates]
        model = scored.result.compiled.model
        self._model = [model.id, model.version]
        if self._csv is not None:
            self._write_csv(scored.subjects, dates, scores, levels)
        else:
            self._write_parquet(scored.subjects, dates, scores, levels)

    def _write_csv(self, subjects: Sequence[str], dates: Sequence[str | None],
                   scores: Any, levels: Any) -> None:
        assert self._csv is not None
        if not self._started:
            self._csv.writerow(self.columns)
            self._started = True
        # The text cells go through the csv writer (and csv_row) as before, two at a time;
        # the numbers between them never need quoting or escaping, so each distinct value
        # is turned into text once and the row is joined around it.
        (tail,) = csv_lines([self._model], safe=self.safe)
        heads = csv_lines(zip(subjects, dates, strict=True), safe=self.safe)
        if not heads:
            return
        cells = np.empty((len(heads), 2 * scores.shape[1]), dtype=object)
        cells[:, 0::2] = number_texts(scores)
        cells[:, 1::2] = level_texts(levels)
        self.out.write("".join([f"{head},{','.join(middle)},{tail}\n"
                                for head, middle in zip(heads, cells.tolist(), strict=True)]))

    def _write_parquet(self, subjects: Sequence[str], dates: Sequence[str | None],
                       scores: Any, levels: Any) -> None:
        pa = arrow()
        arrays = [texts(subjects), texts(dates)]
        by_node = np.ascontiguousarray(scores.T)
        blank = np.isnan(by_node)
        level_by_node = np.ascontiguousarray(levels.T, dtype=np.int16)
        for k in range(len(by_node)):
            arrays.append(numbers(by_node[k], blank[k]))
            arrays.append(numbers(level_by_node[k], level_by_node[k] < 0, pa.int16()))
        arrays += [repeated(value, len(subjects)) for value in self._model]
        batch = pa.RecordBatch.from_arrays(arrays, names=self.columns)
        if self._parquet is None:
            # the text stream of the atomic writer is empty: write the bytes beneath it
            self._parquet = parquet().ParquetWriter(
                self.out.buffer, batch.schema)  # type: ignore[attr-defined]
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        if self._pending_rows >= GROUP_ROWS:
            self._flush(whole=False)

    def _flush(self, *, whole: bool) -> None:
        """Write the pending rows in row groups of :data:`GROUP_ROWS` (``whole``: all).

        Fixed groups make the file the same however the rows came in.
        """
        pa = arrow()
        table = pa.Table.from_batches(self._pending)
        cut = len(table) if whole else len(table) - len(table) % GROUP_ROWS
        if cut or not self._written:
            self._parquet.write_table(table.slice(0, cut), row_group_size=GROUP_ROWS)
            self._written = True
        self._pending = table.slice(cut).to_batches()
        self._pending_rows = len(table) - cut

    def close(self) -> None:
        """Finish the file (Parquet writes its footer here, and its schema when empty)."""
        if self.fmt == "parquet" and self._parquet is None:
            width = (len(self.columns) - 4) // 2
            self._write_parquet([], [], np.empty((0, width)), np.empty((0, width), np.int16))
        if self._parquet is not None:
            self._flush(whole=True)
            self._parquet.close()
            self._parquet = None
