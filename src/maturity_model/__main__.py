"""``python -m maturity_model`` runs the ``maturity`` command."""

from maturity_model.cli import main

raise SystemExit(main())
