"""What ``maturity --help`` and ``maturity COMMAND --help`` show beyond the options.

Each command gets examples that run as they are, in any folder, once the first steps
(``maturity standards example caict-devops-cd > team.yaml``) have written ``team.yaml``;
a word in capitals (``DIR``, ``OLD.yaml``, ``CERTIFICATES.csv``) stands for files of your
own. An argument declared without a help text gets the one written here, so that every
option is explained.
"""

from __future__ import annotations

import argparse
from typing import Final

__all__ = ["EXAMPLES", "FIRST_STEPS", "explain_commands"]

#: Shown by ``maturity --help``: a first session, every line runnable in order.
FIRST_STEPS: Final = (
    ("maturity standards list", "the bundled standards"),
    ("maturity standards example caict-devops-cd > team.yaml",
     "an example assessment to start from"),
    ("maturity validate team.yaml --model caict-devops-cd", "is it well formed, does it fit"),
    ("maturity score caict-devops-cd team.yaml", "a level and a score for every node"),
    ("maturity score caict-devops-cd team.yaml --explain", "... and why"),
    ("maturity report caict-devops-cd team.yaml --target 3 -o report.html",
     "a page for a browser"),
)

#: ``maturity COMMAND --help`` examples: (command line, what it does). Lines that need
#: your own files name them in the second part.
EXAMPLES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "validate": (
        ("maturity validate team.yaml --model caict-devops-cd",
         "an assessment, checked against its model"),
        ("maturity validate team.yaml --json", "every problem with its code and path, as JSON"),
    ),
    "schema": (
        ("maturity schema model > model.schema.json",
         "for an editor that completes and checks model files"),
    ),
    "score": (
        ("maturity score caict-devops-cd team.yaml", "a table of every node"),
        ("maturity score caict-devops-cd team.yaml --explain", "... with the reasons"),
        ("maturity score caict-devops-cd team.yaml --lang zh", "names and words in Chinese"),
        ("maturity score caict-devops-cd team.yaml --json -o before.json",
         "the profile, to compare with later"),
        ("maturity score caict-devops-cd team.yaml -o scores.csv",
         "one row per node (or --wide: one per assessment)"),
    ),
    "compare": (
        ("maturity score caict-devops-cd team.yaml --json -o before.json",
         "keep today's profile"),
        ("maturity compare before.json team.yaml --model caict-devops-cd",
         "what changed since"),
    ),
    "plan": (
        ("maturity plan caict-devops-cd team.yaml --target 3",
         "the practices to meet for level 3 everywhere, in waves"),
    ),
    "graph": (
        ("maturity graph caict-devops-cd --format mermaid > graph.mmd",
         "the practice dependency graph"),
    ),
    "report": (
        ("maturity report caict-devops-cd team.yaml -o report.html", "one profile"),
        ("maturity report caict-devops-cd team.yaml --target 3 -o report.html",
         "... with the gap to level 3 and the roadmap"),
        ("maturity score caict-devops-cd team.yaml --json -o before.json",
         "an earlier profile"),
        ("maturity report caict-devops-cd team.yaml --compare before.json -o report.html",
         "... and what changed since it"),
        ("maturity report caict-devops-cd team.yaml --lang zh -o report-zh.html",
         "in Chinese"),
        ("maturity report caict-devops-cd team.yaml -o report.md", "as Markdown"),
        ("maturity report caict-devops-cd NEWEST.yaml --history DIR -o report.html",
         "with the subject's dates (DIR: see maturity history --help)"),
        ("maturity portfolio CERTIFICATES.csv -o portfolio.html",
         "certificates of many subjects (see maturity portfolio --help)"),
    ),
    "import": (
        ("maturity import samm SAMM/core -o samm.yaml",
         "SAMM: a checkout of OWASP SAMM's model (github.com/owaspsamm/core)"),
        ("maturity import dsomm DSOMM/generated/model.yaml -o dsomm.yaml",
         "DSOMM's generated model"),
        ("maturity import ciso-assistant LIBRARY.yaml -o csf/",
         "a CISO Assistant library (and audits) into a folder"),
    ),
    "diff": (
        ("maturity diff OLD.yaml NEW.yaml --format markdown", "what a revision changed"),
    ),
    "migrate": (
        ("maturity migrate OLD.yaml NEW.yaml team.yaml -o migrated/",
         "carry assessments to the new version"),
    ),
    "crosswalk": (
        ("maturity crosswalk MAPPING.yaml PROFILE.json --target samm.yaml",
         "estimate a profile of another model"),
    ),
    "standards": (
        ("maturity standards list", "the bundled and installed standards"),
        ("maturity standards show caict-devops-cd", "one standard: scale, size, sources"),
        ("maturity standards example caict-devops-cd > team.yaml",
         "its example assessment, a file to start from"),
    ),
    "portfolio": (
        ("maturity portfolio CERTIFICATES.csv --by part,year",
         "certificates counted (columns: subject, model, level, date, issuer)"),
        ("maturity portfolio CERTIFICATES.csv --by part,year -o portfolio.html",
         "as a page with a chart"),
    ),
    "history": (
        ("maturity history DIR", "DIR/SUBJECT/DATE.yaml assessments: results over time"),
        ("maturity history DIR --subject SUBJECT --format markdown", "one subject"),
    ),
    "form": (
        ("maturity form caict-devops-cd --target 3 -o form.xlsx",
         "a workbook to fill in (extra 'xlsx')"),
        ("maturity score caict-devops-cd form.xlsx", "read back, once filled in"),
    ),
}

# Help for arguments declared without one: by (command, dest), then by dest alone.
_COMMAND_HELP: Final[dict[tuple[str, str], str]] = {
    ("validate", "file"): "a model, assessment or profile file (YAML, JSON or TOML); - for "
                          "standard input",
    ("schema", "what"): "which kind of file",
    ("compare", "after"): "a later profile or assessment",
    ("graph", "format"): "dot (Graphviz, the default), mermaid or graphml",
    ("import", "kind"): "the other tool",
    ("standards", "action"): "list them, show one, or print one's example assessment",
    ("standards", "name"): "a standard name (NAME@VERSION for another version)",
    ("history", "format"): "output format (default: table)",
}
_DEFAULT_HELP: Final[dict[str, str]] = {
    "model": "model file or standard name (maturity standards list)",
    "assessment": "assessment file (YAML, JSON, TOML or a filled-in form .xlsx); - for "
                  "standard input",
    "json": "print the result as JSON; a failure as {valid: false, problems}",
}

_FOOTER: Final = ("exit status: 0 ok, 1 problems found in your files,\n"
                  "2 a usage error or a file that cannot be read")


def _examples(lines: tuple[tuple[str, str], ...], title: str) -> str:
    # A comment line above each command, so that both copy into a shell as they are.
    rows = [f"  # {what}\n  {command}" for command, what in lines]
    return "\n".join([f"{title}:", *rows])


def explain_commands(parser: argparse.ArgumentParser) -> None:
    """Add the examples to ``parser`` and its commands, and help to bare arguments.

    >>> parser = argparse.ArgumentParser(prog="maturity")
    >>> sub = parser.add_subparsers(dest="command")
    >>> p = sub.add_parser("plan")
    >>> _ = p.add_argument("model", metavar="MODEL")
    >>> explain_commands(parser)
    >>> "--target 3" in p.format_help() and "standard name" in p.format_help()
    True
    """
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "\n\n".join([
        _examples(FIRST_STEPS, "first steps"),
        "Run 'maturity COMMAND --help' for a command's options and examples.",
        _FOOTER])
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        summaries = {choice.dest: choice.help for choice in action._choices_actions}
        for command, sub in action.choices.items():
            sub.formatter_class = argparse.RawDescriptionHelpFormatter
            if sub.description is None and summaries.get(command):
                summary = summaries[command] or ""
                sub.description = f"{summary[:1].upper()}{summary[1:]}."
            if command in EXAMPLES and not sub.epilog:
                sub.epilog = _examples(EXAMPLES[command], "examples") + "\n\n" + _FOOTER
            for argument in sub._actions:
                if argument.help is None:
                    argument.help = _COMMAND_HELP.get((command, argument.dest),
                                                      _DEFAULT_HELP.get(argument.dest))
