"""What the emulated code interpreter "ran": a Python snippet for the task and the result, worked out here.

User code is never executed. Linear equations in one variable ("3x + 11 = 14") are solved exactly with
fractions; plain arithmetic ("12 * (3 + 4)") is evaluated by a small AST walker that only knows numbers
and arithmetic operators. Anything else gets a snippet and a log line saying nothing was executed.
"""

from __future__ import annotations

import ast
import operator
import re
import secrets
from dataclasses import dataclass
from fractions import Fraction

from emulator.compaction import new_id

_TERM = r"(?:\d+(?:\.\d+)?\s*\*?\s*[a-z](?![a-z])|\d+(?:\.\d+)?|[a-z](?![a-z]))"
_SIDE = rf"[-+]?\s*{_TERM}(?:\s*[-+]\s*{_TERM})*"
_EQUATION = re.compile(rf"(?<![\w.])({_SIDE})\s*=\s*({_SIDE})(?!\w|\.\d)", re.IGNORECASE)
_SIDE_TERM = re.compile(r"([-+]?)\s*(\d+(?:\.\d+)?)?\s*\*?\s*([a-z])?", re.IGNORECASE)
_ARITHMETIC = re.compile(r"[\d.\s()+\-*/%^×÷]+")
_CODE_WORDS = re.compile(
    r"\b(code|python|script|calculat\w*|comput\w*|solve|equations?|math\w*|plot\w*|chart|graph|csv|"
    r"spreadsheet|statistic\w*|analy[sz]\w*|run)\b",
    re.IGNORECASE,
)
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


@dataclass(frozen=True)
class CodeRun:
    code: str
    logs: str  # what the snippet would print
    fact: str  # the sentence the answer states
    solved: bool  # False: nothing could be worked out without executing code


def wants_code(text: str) -> bool:
    """Whether a question calls for the code interpreter: maths to work out, or code/data words."""
    return plan_code(text).solved or bool(_CODE_WORDS.search(text))


def code_interpreter_call(
    tool: dict, include: list[str], context: list[dict], text: str, container_files: list[dict]
) -> tuple[dict, list[str]]:
    """(the `code_interpreter_call` item, facts). The container is the tool's explicit id, else the one of the
    latest code_interpreter_call in the context (the docs: an active container is reused), else a new one.
    `container_files` are the file objects of `container.file_ids`; without maths to work out, the snippet
    lists them (their names and sizes are known without running anything). `outputs` are filled only with
    include=["code_interpreter_call.outputs"], as the API documents."""
    container = tool.get("container")
    if isinstance(container, str) and container:
        container_id = container
    else:
        earlier = [it["container_id"] for it in context if it.get("type") == "code_interpreter_call" and it.get("container_id")]
        container_id = earlier[-1] if earlier else f"cntr_{secrets.token_hex(24)}"
    run = plan_code(text)
    if container_files and not run.solved:
        run = _list_files(container_files)
    outputs = [{"type": "logs", "logs": run.logs}] if "code_interpreter_call.outputs" in include else None
    item = {"id": new_id("ci"), "type": "code_interpreter_call", "status": "completed",
            "container_id": container_id, "code": run.code, "outputs": outputs}
    return item, [
        run.fact,
        f"The code interpreter call used container {container_id} (emulated: the emulator works the result out "
        "itself and never executes code).",
    ]


def _list_files(files: list[dict]) -> CodeRun:
    names = [f["filename"] for f in files]
    code = (
        "import os\n\n"
        f"for name in {names!r}:\n"
        '    print(name, os.path.getsize(f"/mnt/data/{name}"), "bytes")\n'
    )
    logs = "".join(f"{f['filename']} {f['bytes']} bytes\n" for f in files)
    listing = ", ".join(f"{f['filename']} ({f['bytes']} bytes)" for f in files)
    return CodeRun(code, logs, f"The container holds {listing}.", True)


def plan_code(task: str) -> CodeRun:
    text = " ".join(task.split())
    if solved := _linear_equation(text):
        return solved
    if evaluated := _arithmetic(text):
        return evaluated
    literal = text.replace("\\", "\\\\").replace('"', '\\"')
    return CodeRun(
        code=f'# Task: {literal}\n# (The emulator writes this snippet but never executes code.)\ntask = "{literal}"\nprint(task)\n',
        logs="(emulated: the code was not executed)\n",
        fact="The code interpreter was not really run: the emulator never executes code.",
        solved=False,
    )


def _linear_equation(text: str) -> CodeRun | None:
    for match in _EQUATION.finditer(text):
        left, right = _side(match.group(1)), _side(match.group(2))
        if left is None or right is None:
            continue
        names = {n for n in (left[2], right[2]) if n}
        if len(names) != 1:
            continue
        var = names.pop()
        a, b, c = left[0] - right[0], left[1], right[1]
        if a == 0:
            continue
        value = (c - b) / a
        equation = f"{match.group(1).strip()} = {match.group(2).strip()}"
        code = (
            f"# Solve {equation} for {var}: rewritten as a*{var} + b = c\n"
            "from fractions import Fraction\n\n"
            f"a, b, c = Fraction({_lit(a)}), Fraction({_lit(b)}), Fraction({_lit(c)})\n"
            f"{var} = (c - b) / a\n"
            f'print(f"{var} = {{{var}}}")\n'
        )
        shown = _show(value)
        return CodeRun(code, f"{var} = {value}\n", f"Solving {equation} gives {var} = {shown}.", True)
    return None


def _side(side: str) -> tuple[Fraction, Fraction, str | None] | None:
    """(coefficient of the variable, constant, variable name) of one side, or None if two names appear."""
    coef, const, name = Fraction(0), Fraction(0), None
    for sign, number, var in _SIDE_TERM.findall(side):
        if not number and not var:
            continue
        value = Fraction(number) if number else Fraction(1)
        value = -value if sign == "-" else value
        if var:
            if name and name != var.lower():
                return None
            name = var.lower()
            coef += value
        else:
            const += value
    return coef, const, name


MAX_EXPRESSION = 200


def _arithmetic(text: str) -> CodeRun | None:
    for candidate in _ARITHMETIC.findall(text):
        expr = candidate.strip().rstrip(".").replace("^", "**").replace("×", "*").replace("÷", "/")
        if not re.search(r"\d", expr) or not re.search(r"\d\s*[-+*/%]", expr):
            continue
        if len(expr) > MAX_EXPRESSION:
            continue  # nothing a math tutor is asked; deep nesting would exhaust the parser's recursion
        try:
            value = _evaluate(ast.parse(expr, mode="eval").body)
            shown = _show(value)
        except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError, MemoryError):
            continue
        return CodeRun(f"result = {expr}\nprint(result)\n", f"{shown}\n", f"{expr} = {shown}.", True)
    return None


def _evaluate(node: ast.AST) -> Fraction:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Fraction(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow):
            if right.denominator != 1 or abs(right) > 64 or abs(left) > 10**6:
                raise ValueError("exponent out of the emulator's range")
            return left ** int(right)
        return Fraction(_OPS[type(node.op)](left, right))
    raise ValueError("not plain arithmetic")


def _lit(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f'"{value}"'


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6g}"
