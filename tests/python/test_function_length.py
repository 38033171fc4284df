"""No C++ function in src/ or apps/ is longer than 80 lines, signature to closing brace (docs/architecture.md,
"Conventions"): a longer one is a sequence of steps that want names of their own.

A function here is a block that opens at namespace level after a parameter list (`) {`, `) const {`,
`) override {`, a constructor's initialiser list), found by matching braces outside comments and literals. Blocks
inside a class or struct body (in-class member functions) are counted the same way. Generated code is not in
these directories.
"""

import re
import subprocess

from conftest import REPO

MAX_LINES = 80
DIRS = ("src", "apps")


def code_only(line: str, in_block_comment: bool) -> tuple[str, bool]:
    """The line without comments, string and character literals; and whether a /* comment is still open."""
    out, i = [], 0
    while i < len(line):
        if in_block_comment:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out), True
            i, in_block_comment = end + 2, False
        elif line.startswith("//", i):
            break
        elif line.startswith("/*", i):
            in_block_comment, i = True, i + 2
        elif line[i] in "\"'":
            quote, i = line[i], i + 1
            while i < len(line) and line[i] != quote:
                i += 2 if line[i] == "\\" else 1
            out.append(quote * 2)
            i += 1
        else:
            out.append(line[i])
            i += 1
    return "".join(out), in_block_comment


SCOPE = re.compile(r"\b(namespace|class|struct|union|enum)\b[^;()]*$")
FUNCTION_HEAD = re.compile(r"\)\s*(const\s*)?(noexcept\s*)?(override\s*)?(->[^{]*)?$|^\s*:\s*\w")


def long_functions(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    stack, found, comment, head = [], [], False, ""  # stack of (kind, first line)
    for number, raw in enumerate(lines, 1):
        code, comment = code_only(raw, comment)
        for pos, ch in enumerate(code):
            if ch == "{":
                before = (head + " " + code[:pos]).strip()
                in_function = any(kind == "function" for kind, _ in stack)
                if in_function:
                    kind = "block"
                elif SCOPE.search(before):
                    kind = "scope"
                elif FUNCTION_HEAD.search(before) or re.search(r"\)\s*:\s*\w.*\)$", before):
                    kind = "function"
                else:
                    kind = "block"
                start = number
                if kind == "function":  # count from the signature: back to the line after the last statement
                    start = number
                    while start > 1 and lines[start - 2].strip() and not re.search(r"[;{}]\s*(//.*)?$", lines[start - 2].strip()) \
                            and not lines[start - 2].lstrip().startswith(("//", "#", "template")):
                        start -= 1
                stack.append((kind, start))
                head = ""
            elif ch == "}" and stack:
                kind, start = stack.pop()
                if kind == "function" and number - start + 1 > MAX_LINES:
                    found.append(f"{path.relative_to(REPO)}:{start}: {number - start + 1} lines")
                head = ""
            elif ch == ";":
                head = ""
        tail = code[max(code.rfind("{"), code.rfind("}"), code.rfind(";")) + 1:]
        head = (head + " " + tail).strip()[-400:]
    return found


def cpp_files():
    listed = subprocess.run(["git", "ls-files", *DIRS], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / f for f in listed.stdout.split() if f.endswith(".cpp")]


def test_no_function_is_longer_than_80_lines():
    files = cpp_files()
    assert len(files) > 50, "the source listing found too few files"
    found = [f for path in files for f in long_functions(path)]
    assert not found, "functions over 80 lines (split them into named steps):\n" + "\n".join(found)


def test_the_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"  x += {i};" for i in range(85))
    sample = tmp_path / "sample.cpp"
    sample.write_text("namespace a {\nint f(int x) {\n" + body + "\n  return x;\n}\nint g() { return 1; }\n}  // namespace a\n")
    original = globals()["REPO"]
    try:
        globals()["REPO"] = tmp_path
        assert long_functions(sample) == ["sample.cpp:2: 88 lines"]
    finally:
        globals()["REPO"] = original
