"""Each pipeline parameter's name is spelled in at most three product source files (docs/architecture.md, "One
parameter table"): the table (or its `param_names` constant), and the Python signatures that must show it.

A name counts as spelled where it appears as a C++ string literal or command-line flag, or as a Python name or
string (comments and docstrings aside). Struct fields named like a parameter are not spellings: the table maps
each name to its field once.
"""

import io
import re
import subprocess
import tokenize

from conftest import REPO, import_hpocr

hpocr = import_hpocr()

MAX_FILES = 3
PRODUCT_DIRS = ("src", "include", "apps", "python/hpocr", "python/src", "web")
SUFFIXES = (".cpp", ".h", ".in", ".py", ".js", ".html")


def product_files():
    listed = subprocess.run(["git", "ls-files", *PRODUCT_DIRS], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / f for f in listed.stdout.split() if f.endswith(SUFFIXES)]


def python_code(text: str) -> str:
    """The tokens of a Python file without comments and docstrings (a string that is a statement of its own)."""
    out, previous = [], tokenize.NEWLINE
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        statement_start = previous in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT)
        if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and statement_start):
            continue
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok.type
        out.append(tok.string)
    return " ".join(out)


def cpp_code(text: str) -> str:
    return "\n".join(re.sub(r"//.*$", "", line) for line in text.splitlines())


def test_every_parameter_is_spelled_in_at_most_three_product_files():
    codes = {}
    for path in product_files():
        text = path.read_text(encoding="utf-8")
        codes[path.relative_to(REPO)] = python_code(text) if path.suffix == ".py" else cpp_code(text)
    names = [p["name"] for p in hpocr._hpocr.parameters()]
    assert len(names) > 20
    over = {}
    for name in names:
        quoted = re.compile(r"[\"']" + name + r"[\"'\s:=]|--" + name + r"\b")
        word = re.compile(r"\b" + name + r"\b")
        files = [str(f) for f, code in codes.items() if quoted.search(code) or (f.suffix == ".py" and word.search(code))]
        assert files, f"{name} is spelled nowhere: the counting is broken"
        if len(files) > MAX_FILES:
            over[name] = files
    assert not over, f"parameter names spelled in more than {MAX_FILES} product files: {over}"
