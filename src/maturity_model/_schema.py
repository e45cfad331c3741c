"""The JSON Schemas now live in :mod:`maturity_model.schema`; this name stays for old imports."""

from maturity_model.schema import assessment_json_schema, model_json_schema

__all__ = ["assessment_json_schema", "model_json_schema"]
