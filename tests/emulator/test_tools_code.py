"""The emulated code interpreter works maths out itself and never runs code."""

from __future__ import annotations

import pytest

from emulator.code_interpreter import plan_code, wants_code


@pytest.mark.parametrize(
    ("task", "fact", "logs"),
    [
        ("I need to solve the equation 3x + 11 = 14. Can you help me?", "Solving 3x + 11 = 14 gives x = 1.", "x = 1\n"),
        ("Solve 3x + 11 = 14.", "Solving 3x + 11 = 14 gives x = 1.", "x = 1\n"),
        ("solve 2y - 4 = y + 3", "Solving 2y - 4 = y + 3 gives y = 7.", "y = 7\n"),
        ("x = 3x + 1", "Solving x = 3x + 1 gives x = -0.5.", "x = -1/2\n"),
        ("What is 12 * (3 + 4)?", "12 * (3 + 4) = 84.", "84\n"),
        ("what is 7/2", "7/2 = 3.5.", "3.5\n"),
    ],
)
def test_maths_is_worked_out(task: str, fact: str, logs: str) -> None:
    run = plan_code(task)
    assert run.solved and run.fact == fact and run.logs == logs


def test_the_snippet_would_print_the_same_result() -> None:
    # The snippet is ours (not user code), so running it here checks that code and logs agree.
    run = plan_code("Solve 3x + 11 = 14.")
    printed: list[str] = []
    exec(run.code, {"print": lambda *a: printed.append(" ".join(map(str, a)))})  # noqa: S102 - our own snippet
    assert printed == ["x = 1"]


@pytest.mark.parametrize("task", ["Plot a sine wave", "import os; os.system('rm -rf /')", "2 ** 9999999"])
def test_anything_else_is_not_executed(task: str) -> None:
    run = plan_code(task)
    assert not run.solved and "not executed" in run.logs
    assert "never executes code" in run.fact


def test_which_questions_want_the_code_interpreter() -> None:
    assert wants_code("Solve 3x + 11 = 14.") and wants_code("Please plot this CSV")
    assert not wants_code("Tell me about otters")
