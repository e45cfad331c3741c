"""numpy arrays to and from pyarrow arrays through their buffers (extra ``arrow``).

pyarrow's own conversions (``pa.array``, ``to_numpy``, ``fill_null``) import pandas on
their first call, a third of a second that a command reading or writing a table has no
use for. These build and read the few array types the table readers and the wide writer
use straight from their buffers (the Arrow columnar format: a validity bitmap, least
significant bit first, then the values, or offsets and bytes for text), so nothing here
imports pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from maturity_model.errors import MissingExtraError

IntArray = NDArray[np.intp]


def arrow() -> Any:
    """The pyarrow module, or :class:`MissingExtraError` naming the extra."""
    try:
        import pyarrow  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.csv  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtraError("pyarrow", "arrow") from None
    return pyarrow


def indices(array: Any) -> IntArray:
    """The integers of a pyarrow integer array as numpy, -1 where null.

    >>> import pyarrow as pa
    >>> valid = pa.py_buffer(np.array([0b101], dtype=np.uint8))  # the middle one is null
    >>> arr = pa.Array.from_buffers(pa.int32(), 3, [valid, pa.py_buffer(
    ...     np.array([4, 0, 2], dtype=np.int32))])
    >>> indices(arr).tolist(), indices(arr.slice(1)).tolist()
    ([4, -1, 2], [-1, 2])
    """
    n, start = len(array), array.offset
    validity, data = array.buffers()[:2]
    width = array.type.bit_width
    out = np.frombuffer(data, dtype=np.dtype(f"int{width}"), count=start + n)[start:]
    out = out.astype(np.intp)
    if array.null_count:
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        out[~bits[start:start + n].astype(np.bool_)] = -1
    return out


def _validity(pa: Any, missing: NDArray[np.bool_]) -> tuple[Any, int]:
    count = int(missing.sum())
    if not count:
        return None, 0
    return pa.py_buffer(np.packbits(~missing, bitorder="little")), count


#: The numpy type of each pyarrow number type ``numbers`` builds, by pyarrow's name.
_NUMPY_TYPES: dict[str, type[np.generic]] = {
    "double": np.float64, "float": np.float32, "int8": np.int8, "int16": np.int16,
    "int32": np.int32, "int64": np.int64}


def numbers(values: NDArray[Any], missing: NDArray[np.bool_], type_: Any = None) -> Any:
    """A pyarrow array of ``values`` (float64, or ``type_``), null where ``missing``.

    >>> import pyarrow as pa
    >>> values = np.array([0.5, np.nan, 2.0])
    >>> numbers(values, np.isnan(values)).to_pylist()
    [0.5, None, 2.0]
    >>> levels = np.array([3, -1])
    >>> numbers(levels, levels < 0, pa.int16()).to_pylist()
    [3, None]
    """
    pa = arrow()
    type_ = pa.float64() if type_ is None else type_
    # By name: ``to_pandas_dtype`` imports pandas in older pyarrow releases.
    data = np.ascontiguousarray(values, dtype=_NUMPY_TYPES[str(type_)])
    validity, count = _validity(pa, missing)
    return pa.Array.from_buffers(type_, len(data), [validity, pa.py_buffer(data)], count)


def texts(cells: Sequence[str | None]) -> Any:
    """A pyarrow string array of ``cells``, null where ``None``.

    >>> texts(["team", None, "", "équipe"]).to_pylist()
    ['team', None, '', 'équipe']
    >>> texts([None, None]).null_count
    2
    """
    pa = arrow()
    nulls = cells.count(None) if isinstance(cells, list) else sum(c is None for c in cells)
    present: Sequence[str] = (
        cells if not nulls else ["" if c is None else c for c in cells])  # type: ignore[assignment]
    data = "".join(present).encode("utf-8")
    if len(data) == sum(map(len, present)):  # all ASCII: a character is a byte
        sizes = np.fromiter(map(len, present), dtype=np.int64, count=len(present))
    else:
        encoded = [c.encode("utf-8") for c in present]
        sizes = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(present) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    validity, count = None, 0
    if nulls:
        missing = np.fromiter((c is None for c in cells), dtype=np.bool_, count=len(cells))
        validity, count = _validity(pa, missing)
    return _strings(pa, len(present), validity, offsets, data, count)


def repeated(text: str, n: int) -> Any:
    """A pyarrow string array of ``n`` times ``text``.

    >>> repeated("m", 3).to_pylist()
    ['m', 'm', 'm']
    """
    pa = arrow()
    raw = text.encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int64) * len(raw)
    return _strings(pa, n, None, offsets, raw * n, 0)


def _strings(pa: Any, n: int, validity: Any, offsets: NDArray[np.int64], data: bytes,
             nulls: int) -> Any:
    if offsets[-1] > np.iinfo(np.int32).max:  # past 2 GiB: 64-bit offsets, then cast
        large = pa.Array.from_buffers(pa.large_string(), n, [
            validity, pa.py_buffer(offsets), pa.py_buffer(data)], nulls)
        return large.cast(pa.string())
    return pa.Array.from_buffers(pa.string(), n, [
        validity, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)], nulls)
