"""Reading and writing models, assessments and profiles (YAML, JSON, TOML).

The public face of the library's file handling; the work is done in three layers:

* file I/O (:mod:`maturity_model._reading`, :mod:`maturity_model._yaml`,
  :mod:`maturity_model._writing`): bounded reading (:func:`read_bounded`), parsing
  (:func:`parse_text`, :func:`read_document`) within :class:`Limits`, and the package's
  one atomic writer (:func:`write_atomic`, :func:`write_atomic_stream`);
* the converter (:mod:`maturity_model._converter`): one cattrs converter per set of rule
  kinds, whose errors become problems with JSON paths;
* documents (:mod:`maturity_model._documents`, :mod:`maturity_model._profile_documents`):
  models, assessments and profiles to and from dicts, text and files.

Reading is all-or-nothing: a document with problems raises one
:class:`~maturity_model.ValidationError` listing every problem with its path, and nothing
is half-loaded. YAML is read with a safe loader that follows YAML 1.2 for booleans, so an
unquoted ``no``, ``yes``, ``on`` or ``off`` stays the string it looks like (an answer, or a
label) instead of silently becoming a boolean; only ``true`` and ``false`` are booleans.
Nothing in a file is ever executed. A path of ``-`` reads standard input.
"""

from __future__ import annotations

from maturity_model._converter import converter_for, problems_from_exception
from maturity_model._crosswalk_documents import (
    crosswalk_from_dict,
    crosswalk_to_dict,
    dump_crosswalk,
    load_crosswalk,
    loads_crosswalk,
)
from maturity_model._documents import (
    assessment_from_dict,
    assessment_to_dict,
    dump_assessment,
    dump_model,
    dumps_document,
    load_assessment,
    load_model,
    loads_assessment,
    loads_model,
    model_from_dict,
    model_to_dict,
)
from maturity_model._profile_documents import (
    PROFILE_FORMAT,
    check_profile,
    dump_profile,
    load_profile,
    load_profile_text,
    profile_from_dict,
    profile_to_dict,
)
from maturity_model._reading import (
    DEFAULT_LIMITS,
    MAX_FILE_SIZE,
    STDIN,
    FileFormat,
    Limits,
    check_limits,
    decode_text,
    format_of,
    parse_text,
    read_bounded,
    read_document,
)
from maturity_model._writing import same_file, write_atomic, write_atomic_stream
from maturity_model._yaml import SafeLoader

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_FILE_SIZE",
    "PROFILE_FORMAT",
    "STDIN",
    "FileFormat",
    "Limits",
    "assessment_from_dict",
    "assessment_to_dict",
    "check_limits",
    "check_profile",
    "converter_for",
    "crosswalk_from_dict",
    "crosswalk_to_dict",
    "decode_text",
    "dump_assessment",
    "dump_crosswalk",
    "dump_model",
    "dump_profile",
    "dumps_document",
    "format_of",
    "load_assessment",
    "load_crosswalk",
    "load_model",
    "load_profile",
    "load_profile_text",
    "loads_assessment",
    "loads_crosswalk",
    "loads_model",
    "model_from_dict",
    "model_to_dict",
    "parse_text",
    "problems_from_exception",
    "profile_from_dict",
    "profile_to_dict",
    "read_bounded",
    "read_document",
    "same_file",
    "write_atomic",
    "write_atomic_stream",
]

# The importers build their loader on the library's (formats._sources).
_SafeLoader = SafeLoader
